import SkeinText
import Foundation
import SkeinRunFormat

/// `skein run --batch`: one plain line per state change, no escape codes, so logs and CI
/// read it as it is.
public final class ProgressPrinter: RunObserver {
    let plan: ExecutablePlan
    let output: FileHandle
    private var succeeded = 0
    /// Jobs whose last attempt failed for good: a job retried live (`skein retry` while the
    /// engine runs) that then succeeds leaves this set, so the summary counts jobs, not
    /// attempts.
    private var failedJobs = Set<Int>()
    private var failed: Int { failedJobs.count }
    private var total: Int { plan.jobs.count }
    private let formatter: DateFormatter = {
        let f = DateFormatter()
        f.dateFormat = "HH:mm:ss"
        return f
    }()

    /// Put before every line: a sub-workflow's path (`diamond › `), so its lines in the
    /// parent's log say whose jobs they are.
    let prefix: String

    public init(plan: ExecutablePlan, output: FileHandle = .standardOutput, prefix: String = "") {
        self.plan = plan
        self.output = output
        self.prefix = prefix
    }

    private func line(_ time: Double, _ text: String) {
        // Ids, labels and reasons come from workflow files and jobs: never raw escapes.
        output.write(Data("\(formatter.string(from: Date(timeIntervalSince1970: time))) \(Untrusted.visible(prefix + text))\n".utf8))
    }

    public func workflowStarted(plan: ExecutablePlan, restartCount: Int, alreadySucceeded: Int, at time: Double) {
        succeeded = alreadySucceeded
        let resumed = restartCount == 0 ? "started" : "resumed (restart \(restartCount), \(alreadySucceeded) jobs already succeeded)"
        line(time, "workflow \(plan.label) \(resumed): \(total) jobs, run directory \(plan.runDirectory)")
    }

    public func attemptStarted(job: Int, attempt: Int, at time: Double) {
        line(time, "\(plan.jobs[job].id) started" + (attempt > 0 ? " (attempt \(attempt + 1))" : ""))
    }

    public func attemptProgress(job: Int, attempt: Int, _ progress: AttemptProgress, at time: Double) {
        let id = plan.jobs[job].id
        switch progress {
        case .submitted(let schedulerID) where schedulerID.hasPrefix("slurm:"):
            line(time, "\(id) submitted to Slurm as job \(schedulerID.dropFirst(6))")
        case .pending(let reason):
            line(time, "\(id) pending in the queue: \(reason)")
        case .held(let reason):
            line(time, "\(id) held in the queue: \(reason)")
        case .running(let host?):
            line(time, "\(id) running on \(host)")
        default:
            break
        }
    }

    public func attemptFinished(_ result: AttemptResult, willRetry: Bool) {
        let job = plan.jobs[result.job].id
        let seconds = String(format: "%.2f s", result.termination.duration)
        if result.outcome.succeeded {
            succeeded += 1
            failedJobs.remove(result.job)
            line(result.termination.end, "\(job) succeeded in \(seconds) [\(succeeded)/\(total)]")
        } else {
            if !willRetry { failedJobs.insert(result.job) }
            line(result.termination.end, "\(job) failed: \(result.outcome.reason ?? "failed")" + (willRetry ? ", retrying" : ""))
        }
    }

    public func jobUnrunnable(job: Int, because: Int, at time: Double) {
        line(time, "\(plan.jobs[job].id) will not run: \(plan.jobs[because].id) failed")
    }

    public func commandHandled(_ command: ControlChannel.Command, result: String, at time: Double) {
        line(time, "command \(command.line): \(result)")
    }

    public func controlFileIgnored(_ file: String, owner: uid_t, at time: Double) {
        line(time, "ignored control file \(file): written by uid \(owner), not by the run's owner")
    }

    public func engineStopping(reason: String, at time: Double) {
        line(time, "stopping (\(reason)): no new jobs; running jobs get SIGTERM, then SIGKILL after the grace period")
    }

    public func workflowFinished(_ outcome: WorkflowOutcome, at time: Double) {
        line(time, "workflow \(plan.label) \(outcome): \(succeeded) succeeded, \(failed) failed, \(total) jobs")
        line(time, "job outputs are in \(plan.scratchDirectory)")
    }
}
