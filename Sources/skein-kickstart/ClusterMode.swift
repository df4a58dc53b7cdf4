import Glibc
import SkeinKickstart

/// `skein-kickstart --cluster LIST -r RECORD`: runs a clustered job's tasks in order in this
/// one process, as pegasus-cluster `-f` runs Pegasus's `merge_*.in`: each task under its own
/// options (its record appended to RECORD), a `[cluster-task …]` line after it, the first
/// failing task ends the cluster, and a `[cluster-summary …]` line closes the record.
/// Exits 0 when every task succeeded, 5 otherwise (pegasus-cluster's code), 1 when the list
/// cannot be read.
enum ClusterMode {
    static let usage = "Usage: skein-kickstart --cluster LIST -r RECORD\n"

    static func run(_ argv: [String], start: Double, handledSignals: [Int32]) -> Int32 {
        var list: String?
        var recordPath: String?
        var i = 1
        while i < argv.count {
            switch argv[i] {
            case "--cluster" where i + 1 < argv.count: list = argv[i + 1]; i += 2
            case "-r" where i + 1 < argv.count, "-l" where i + 1 < argv.count: recordPath = argv[i + 1]; i += 2
            default:
                printError("skein-kickstart: unknown cluster option " + argv[i] + "\n" + usage)
                return 1
            }
        }
        guard let list, let recordPath else {
            printError("skein-kickstart: --cluster needs a task list and -r RECORD\n" + usage)
            return 1
        }
        guard let content = CapturedText.read(path: list, keep: Int.max / 4) else {
            printError("skein-kickstart: cannot read the task list " + list + ": " + errorText(errno))
            return 1
        }
        // The record starts empty and stays open: each task's record and its `[cluster-task]`
        // line go in with one write when the task ends (on disk before the next task starts,
        // so a retry after a kill knows which tasks succeeded).
        let fd = open(recordPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            printError("skein-kickstart: cannot write the record " + recordPath + ": " + errorText(errno))
            return 1
        }
        defer { close(fd) }
        let entries = TaskList.parse(content.text)
        let facts = Kickstart.HostFacts.current(omitMachine: false)
        let metadata = MetadataFile.create()
        defer { metadata?.remove() }
        var succeeded = 0, failed = 0
        var interrupted = false
        for entry in entries {
            // Asked to stop (SIGTERM and the like) between two tasks: start no more.
            if SignalForwarding.received != 0 { interrupted = true; break }
            guard case .run(var options) = Options.parse(["skein-kickstart"] + entry.arguments) else {
                printError("skein-kickstart: task \(entry.number) (\(entry.id)): bad task line \(entry.line) in \(list)")
                failed += 1
                break
            }
            options.recordPath = recordPath
            options.appendRecord = true
            let taskArgv = ["skein-kickstart"] + entry.arguments
            let built = Kickstart(options: options, start: start, handledSignals: handledSignals, argv: taskArgv, isClusterTask: true, facts: facts, sharedMetadata: metadata)
                .runRecorded { FileEntry.file(key: "logfile", path: recordPath) }
            let job = built.job
            let line = "[cluster-task id=\(entry.number), start=\"\(Clock.isoMillis(job.start))\", duration=\(fixed3(job.duration)), status=\(job.status.raw), line=\(entry.line), pid=\(job.pid ?? 0), app=\"\(escape(taskArgv[options.commandIndex]))\"]\n"
            var code = built.code
            if !writeAll(fd, built.record + line) {
                printError("skein-kickstart: writing the record failed: " + errorText(errno))
                if code == 0 { code = 1 }
            }
            if code == 0 { succeeded += 1 } else { failed += 1; break }
        }
        let status: Int32 = failed > 0 || interrupted ? 5 : 0
        let summary = "[cluster-summary stat=\"\(status == 0 ? "ok" : "fail")\", lines=\(entries.last?.line ?? 0), tasks=\(succeeded + failed), succeeded=\(succeeded), failed=\(failed), extra=0, duration=\(fixed3(Clock.now() - start)), start=\"\(Clock.isoMillis(start))\", pid=\(getpid()), app=\"skein-kickstart\"]\n"
        let wrote = writeAll(fd, summary)
        return wrote ? status : (status == 0 ? 1 : status)
    }

    /// `%.3f` without Foundation.
    static func fixed3(_ value: Double) -> String {
        let millis = Int((max(0, value) * 1000).rounded())
        let fraction = String(millis % 1000)
        return String(millis / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    private static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            if c == "\"" || c == "\\" { out += "\\" }
            out.unicodeScalars.append(c == "\n" ? " " : c)
        }
        return out
    }
}
