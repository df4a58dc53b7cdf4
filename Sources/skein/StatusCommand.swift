#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import SkeinProvenance
import SkeinReports

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show how runs are doing: job counts per workflow, like pegasus-status -l.",
        discussion: """
            For each run (a Skein run directory or a Pegasus submit directory), one row per \
            workflow and sub-workflow: UNREADY (waiting on other jobs), READY, PRE, QUEUED \
            (submitted or running), POST, DONE, FAILED, %DONE, the state and the DAG's name. \
            A run whose engine died before it ended is "Stopped (engine not running)"; \
            `skein run RUNDIR` resumes it. On a terminal a progress bar is shown too.

            Without RUN, lists the runs in the registry (newest first).

            --watch refreshes every 2 seconds (or every SECONDS given after it), in place on \
            a terminal, as new blocks otherwise; it ends when no run is running any more.

            Exit codes: 0 shown, 1 a run could not be read.

            Examples:
              skein status runs/diamond/run0001
              skein status runs/diamond/run0001 --jobs
              skein status runs/*/run* --watch 5
              skein status ~/pegasus/submit/run0003 --json | jq .runs[0].totals
            """)

    @Argument(help: ArgumentHelp("Run directories (Skein runs or Pegasus submit directories).", valueName: "run"))
    var runs: [String] = []

    @Flag(help: "List every job: state, attempt, site, host, duration, exit code and reason.")
    var jobs = false

    @Flag(name: .shortAndLong, help: ArgumentHelp("Refresh until the runs end (every 2 s, or every SECONDS written after --watch).", valueName: "seconds"))
    var watch = false

    @Flag(help: "Print the status as JSON on stdout (for scripts; indented on a terminal; one line per refresh with --watch).")
    var json = false

    func run() throws {
        ReportTimings.step("start")
        var targets = runs
        var interval = 2.0
        if watch, let i = targets.firstIndex(where: { Double($0) != nil && !FileManager.default.fileExists(atPath: $0) }) {
            interval = max(0.2, Double(targets[i]) ?? 2)
            targets.remove(at: i)
        }
        if targets.isEmpty {
            try listRegistry()
            return
        }
        let terminal = Terminal.isTerminal(1)
        let style = TextStyle(color: Terminal.colorEnabled(fd: 1), unicode: Terminal.utf8Locale, progressBar: terminal,
                              width: Terminal.columns)
        var failed = false
        var first = true
        var noted = Set<String>()
        while true {
            var reports: [StatusReport] = []
            var errors: [String] = []
            for target in targets {
                do { reports.append(try StatusReader.read(target, includeJobs: jobs)) }
                catch { errors.append("skein status: \(error)") }
            }
            failed = failed || !errors.isEmpty
            if json {
                Output.write(try ReportJSON.data(StatusDocument(runs: reports), pretty: !watch && Terminal.isTerminal(1)) + [0x0A])
            } else {
                var text = StatusRenderer.text(reports, jobs: jobs, style: style)
                if watch {
                    if terminal {
                        // Redraw in place: home, each line cleared to its end, the rest cleared.
                        text = "\u{1B}[H" + text.replacingOccurrences(of: "\n", with: "\u{1B}[K\n") + "\u{1B}[J"
                    } else if !first {
                        text = "\n" + text
                    }
                    if !terminal { text = "-- \(Self.clock()) --\n" + text }
                }
                ReportTimings.step("render")
                Output.write(text)
                ReportTimings.step("write")
            }
            for e in errors { Terminal.writeError(e + "\n") }
            for r in reports where !json {
                for note in r.notes where noted.insert(r.directory + note).inserted { Terminal.writeError("skein status: note: \(r.label): \(note)\n") }
            }
            first = false
            let active = reports.contains { $0.condition.phase == .running }
            guard watch, active else { break }
            Output.flush()
            usleep(UInt32(interval * 1_000_000))
        }
        if failed { throw SkeinExit.failure }
    }

    /// `skein status` alone: the registered runs, newest first.
    func listRegistry() throws {
        let registry: RunRegistry
        do { registry = try RunRegistry() } catch {
            Terminal.writeError("skein status: cannot open the run registry: \(error)\n")
            throw SkeinExit.failure
        }
        let all = try registry.list()
        let shown = all.prefix(20)
        var reports: [StatusReport] = []
        var lines: [[String]] = [["LABEL", "STATE", "DONE", "FAILED", "TOTAL", "STARTED", "RUN"]]
        for run in shown {
            if let report = try? StatusReader.read(run.runDir) {
                reports.append(report)
                let t = report.totals
                lines.append([report.label, report.condition.shortText, String(t.done), String(t.failed), String(t.total),
                              Self.time(run.started), run.runDir])
            } else {
                lines.append([run.label, "missing", "-", "-", "-", Self.time(run.started), run.runDir])
            }
        }
        if json {
            Output.write(try ReportJSON.data(StatusDocument(runs: reports), pretty: Terminal.isTerminal(1)) + [0x0A])
            return
        }
        if all.isEmpty {
            Output.write("no runs registered yet (in \(RunRegistry.defaultDirectory())); give a run directory: skein status RUN\n")
            return
        }
        var widths = Array(repeating: 0, count: lines[0].count)
        for l in lines { for (i, v) in l.enumerated() { widths[i] = max(widths[i], v.count) } }
        var out = ""
        for l in lines {
            out += l.enumerated().map { $0.offset == l.count - 1 ? $0.element : $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ") + "\n"
        }
        if all.count > shown.count { out += "\(all.count - shown.count) older runs not shown\n" }
        Output.write(out)
    }

    static func clock() -> String {
        let f = DateFormatter()
        f.dateFormat = "HH:mm:ss"
        return f.string(from: Date())
    }

    static func time(_ epoch: Double) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: Date(timeIntervalSince1970: epoch))
    }
}

/// `skein status --json`: always an object with the list of runs, so scripts need not care
/// how many runs were asked for.
struct StatusDocument: Encodable {
    var runs: [StatusReport]
}

/// Writes to stdout in as few system calls as possible (reports can be megabytes): the
/// whole text at once, retried on partial writes and EINTR. Commands that use it print
/// nothing through `print`, so the two never interleave.
enum Output {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { write($0) }
    }

    static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write($0) }
    }

    static func write(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard var p = buffer.baseAddress else { return }
        var left = buffer.count
        while left > 0 {
            let n = Glibc.write(1, p, left)
            if n < 0 { if errno == EINTR { continue }; return }
            p += n
            left -= n
        }
    }

    static func flush() {}
}

extension Terminal {
    /// Columns of the terminal on stdout (80 when unknown).
    static var columns: Int {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), c > 0 { return c }
        return 80
    }
}
