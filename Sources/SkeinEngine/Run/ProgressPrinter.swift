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
    /// The last second printed and its `HH:mm:ss` (local time): formatted once per second,
    /// not once per line (a DateFormatter call per line was a visible share of a job's cost).
    private var clockSecond = Int.min
    private var clockText = ""

    /// Put before every line: a sub-workflow's path (`diamond › `), so its lines in the
    /// parent's log say whose jobs they are.
    let prefix: String

    public init(plan: ExecutablePlan, output: FileHandle = .standardOutput, prefix: String = "") {
        self.plan = plan
        self.output = output
        self.prefix = prefix
    }

    /// Lines of the turn not written yet (`turnEnded`): a job's end and the start of the
    /// next one go out in one write, not one each.
    private var held: [UInt8] = []

    /// `held`: an attempt's start or end, written with the rest of the engine's turn;
    /// anything else is written at once (with what is held before it).
    private func line(_ time: Double, _ text: String, held hold: Bool = false) {
        // Ids, labels and reasons come from workflow files and jobs: never raw escapes.
        held += "\(clock(time)) \(Untrusted.visible(prefix + text))\n".utf8
        if !hold { turnEnded() }
    }

    public func turnEnded() {
        guard !held.isEmpty else { return }
        output.write(Data(held))
        held.removeAll(keepingCapacity: true)
    }

    /// `String(format: "%.2f", value)` for a duration, without Foundation's formatter (a
    /// line per job). A value exactly halfway between two hundredths in binary (0.125) rounds
    /// up here where printf rounds to even: a duration's last digit, nothing more.
    static func twoDecimals(_ value: Double) -> String {
        guard value.isFinite, value >= 0, value < 1e12 else { return String(format: "%.2f", value) }
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0\(fraction)" : "\(fraction)")
    }

    private func clock(_ time: Double) -> String {
        let second = Int(time.rounded(.down))
        if second != clockSecond {
            var seconds = time_t(second)
            var parts = tm()
            localtime_r(&seconds, &parts)
            clockSecond = second
            clockText = [parts.tm_hour, parts.tm_min, parts.tm_sec].map { $0 < 10 ? "0\($0)" : "\($0)" }.joined(separator: ":")
        }
        return clockText
    }

    public func workflowStarted(plan: ExecutablePlan, restartCount: Int, alreadySucceeded: Int, at time: Double) {
        succeeded = alreadySucceeded
        let resumed = restartCount == 0 ? "started" : "resumed (restart \(restartCount), \(alreadySucceeded) jobs already succeeded)"
        line(time, "workflow \(plan.label) \(resumed): \(total) jobs, run directory \(plan.runDirectory)")
    }

    public func attemptStarted(job: Int, attempt: Int, at time: Double) {
        line(time, "\(plan.jobs[job].id) started" + (attempt > 0 ? " (attempt \(attempt + 1))" : ""), held: true)
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
        let seconds = Self.twoDecimals(result.termination.duration) + " s"
        if result.outcome.succeeded {
            succeeded += 1
            failedJobs.remove(result.job)
            line(result.termination.end, "\(job) succeeded in \(seconds) [\(succeeded)/\(total)]", held: true)
        } else {
            if !willRetry { failedJobs.insert(result.job) }
            line(result.termination.end, "\(job) failed: \(result.outcome.reason ?? "failed")" + (willRetry ? ", retrying" : ""), held: true)
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
        let folders = plan.scratchDirectories
        line(time, folders.count == 1 ? "job outputs are in \(plan.scratchDirectory)"
            : "job outputs are in each site's scratch: " + (plan.siteScratch ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
}
