import Glibc
import SkeinKickstart

/// The job's process from lookup to exit: `start` resolves the executable and spawns it
/// (argv passed through byte for byte from the wrapper's own), `finish` waits and turns the
/// outcome into the record's `mainjob`, or describes why the job never ran.
struct Launch {
    let name: String
    let arguments: [String]
    let path: String?
    let pid: pid_t?
    let jobStart: Double
    let failure: (code: Int32, prefix: String)?

    /// `argv` is the command line the options came from: nil for the wrapper's own (passed
    /// through byte for byte), or a task line of cluster mode.
    static func start(command index: Int, argv given: [String]? = nil, after earlier: (code: Int32, prefix: String)?, stdio: Stdio,
                      defaultSignals: [Int32]) -> Launch {
        let all = given ?? CommandLine.arguments
        let name = all[index]
        let arguments = Array(all[(index + 1)...])
        var failure = earlier
        var path: String?
        if failure == nil {
            do { path = try LocalSpawn.resolve(name) } catch { failure = (error.code, "") }
        }
        var pid: pid_t?
        let jobStart = Clock.now()
        if failure == nil, let path {
            let options = LocalSpawn.Options(stdin: stdio.descriptor(0), stdout: stdio.descriptor(1),
                                             stderr: stdio.descriptor(2), defaultSignals: defaultSignals)
            do {
                if given != nil {
                    pid = try LocalSpawn.spawn(path: path, arguments: Array(all[index...]), options: options)
                } else {
                    let argv = Array(UnsafeBufferPointer(start: CommandLine.unsafeArgv + index, count: Int(CommandLine.argc) - index))
                    pid = try LocalSpawn.spawn(path: path, argv: argv, options: options)
                }
            } catch { failure = (error.code, "") }
        }
        SignalForwarding.start(forwardingTo: pid ?? 0)
        return Launch(name: name, arguments: arguments, path: path, pid: pid, jobStart: jobStart, failure: failure)
    }

    /// Waits for the job; its `mainjob` record.
    func finish(executable: FileEntry) -> JobRecord {
        if let pid {
            let (status, usage) = LocalSpawn.wait(pid)
            return JobRecord(start: jobStart, duration: Clock.now() - jobStart, pid: pid, usage: ResourceUsage(usage),
                             status: ExitStatus(waitStatus: status), executable: executable, arguments: arguments)
        }
        let (code, prefix) = failure ?? (ENOENT, "")
        printError("skein-kickstart: cannot execute " + name + ": " + prefix + errorText(code))
        // Never started: start 0 and no pid, as pegasus-kickstart writes it.
        return JobRecord(start: 0, duration: 0, pid: nil, usage: ResourceUsage(), status: .failure(errno: code, prefix: prefix),
                         executable: executable, arguments: arguments)
    }
}
