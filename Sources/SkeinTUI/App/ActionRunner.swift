import Foundation
import SkeinRuns

/// Carries out a `ControlRequest` exactly as the CLI would, through the same library
/// (`RunControl`): with an engine alive, the command goes into the run's control channel;
/// with none, `retry` and `resume` start a detached engine process (`skeinExecutable`) that
/// runs with the run's stored settings. Runs off the UI thread.
public struct ActionRunner: Sendable {
    /// The `skein` binary a detached engine runs as (`skein run RUNDIR --batch`).
    public var skeinExecutable: String
    public var environment: [String: String]

    public init(skeinExecutable: String, environment: [String: String]) {
        self.skeinExecutable = skeinExecutable
        self.environment = environment
    }

    /// The outcome as a message, and whether it is an error.
    public func perform(_ request: ControlRequest) -> (String, Bool) {
        let verb = request.action.verb
        do {
            let control = try RunControl(runDirectory: request.runDirectory)
            let start = EngineStart.detached(executable: skeinExecutable, environment: environment)
            switch request.action {
            case .retry(let jobs):
                guard !jobs.isEmpty else { return ("retry: no failed job to retry", true) }
                // A finished sub-workflow's jobs are retried through its parent's job.
                let route = control.retryRoute(jobs)
                switch try control.retry(jobs, command: "tui retry \(jobs.joined(separator: " "))", start: start) {
                case .started(let pid): return ("engine started (pid \(pid)): the run resumes and \(route.summary)", false)
                default: return ("retry sent: \(route.summary)", false)
                }
            case .resume:
                switch try control.resume(command: "tui resume", start: start) {
                case .started(let pid): return ("engine started (pid \(pid)), resuming \(control.runDirectory)", false)
                default: return ("resume sent to the running engine", false)
                }
            case .kill(let jobs):
                guard try control.kill(jobs) == .sent else { return ("kill: no engine is running this run, so no job is running", true) }
                return ("kill sent for \(jobs.joined(separator: ", ")): SIGTERM, then SIGKILL after 5 s", false)
            case .halt:
                guard try control.halt() == .sent else { return ("halt: no engine is running this run", true) }
                return ("halt sent: running jobs finish, nothing new starts", false)
            case .remove:
                guard try control.remove() == .sent else { return ("remove: no engine is running this run", true) }
                return ("remove sent: running jobs are killed, the run ends as removed", false)
            }
        } catch {
            return ("\(verb): \(error)", true)
        }
    }
}
