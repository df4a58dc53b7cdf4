import Foundation
import SkeinRunFormat
import SkeinEngine
import SkeinReports

/// Carries out a `ControlRequest` exactly as the CLI would: with an engine alive, the
/// command goes into the run's control folder (`ControlChannel`, as `skein halt` & co.);
/// with none, `retry` and `resume` run the `skein` binary itself (`skein retry RUN JOB`,
/// `skein resume RUN`), which starts a detached engine. Runs off the UI thread.
public struct ActionRunner: Sendable {
    public var skeinExecutable: String
    public var environment: [String: String]

    public init(skeinExecutable: String, environment: [String: String]) {
        self.skeinExecutable = skeinExecutable
        self.environment = environment
    }

    /// The outcome as a message, and whether it is an error.
    public func perform(_ request: ControlRequest) -> (String, Bool) {
        let dir = request.runDirectory
        let alive = EngineLock.state(runDirectory: dir).alive
        let channel = ControlChannel(directory: RunLayout(runDirectory: dir).controlDirectory)
        func send(_ commands: [ControlChannel.Command], _ done: String) -> (String, Bool) {
            do {
                try channel.send(commands)
                return (done, false)
            } catch {
                return ("\(request.action.verb): \(error)", true)
            }
        }
        switch request.action {
        case .retry(let jobs):
            guard !jobs.isEmpty else { return ("retry: no failed job to retry", true) }
            if alive { return send(jobs.map { .retry($0) }, "retry sent for \(jobs.joined(separator: ", "))") }
            return spawn(["retry", dir] + jobs, fallback: "engine started: the run resumes and \(jobs.joined(separator: ", ")) run(s) again")
        case .resume:
            if alive { return send([.resume], "resume sent to the running engine") }
            return spawn(["resume", dir], fallback: "engine started: the run resumes")
        case .kill(let jobs):
            guard alive else { return ("kill: no engine is running this run, so no job is running", true) }
            return send(jobs.map { .kill($0) }, "kill sent for \(jobs.joined(separator: ", ")): SIGTERM, then SIGKILL after 5 s")
        case .halt:
            guard alive else { return ("halt: no engine is running this run", true) }
            return send([.halt], "halt sent: running jobs finish, nothing new starts")
        case .remove:
            guard alive else { return ("remove: no engine is running this run", true) }
            return send([.remove], "remove sent: running jobs are killed, the run ends as removed")
        }
    }

    /// Runs `skein ARGS` and returns its last line of output.
    func spawn(_ arguments: [String], fallback: String) -> (String, Bool) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: skeinExecutable)
        process.arguments = arguments
        var env = environment
        env["NO_COLOR"] = "1"
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return ("\(arguments[0]): cannot run \(skeinExecutable): \(error)", true)
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let last = text.split(separator: "\n").last.map(String.init)
        if process.terminationStatus != 0 {
            return ("skein \(arguments[0]) failed: \(last ?? "exit \(process.terminationStatus)")", true)
        }
        return (last ?? fallback, false)
    }
}
