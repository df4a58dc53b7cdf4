import Dispatch
import Foundation
import SkeinRunFormat
import SkeinProvenance

/// Keeps `<run>/pending-reasons` (see `PendingReasons`) up to date with why each batch job is
/// still waiting. A batch system can report a new reason for a thousand jobs in one poll, so
/// the file is rewritten at most twice a second, on a queue of its own; it is removed when
/// the workflow ends.
public final class PendingReasonsRecorder: RunObserver, @unchecked Sendable {
    private let plan: ExecutablePlan
    private let queue = DispatchQueue(label: "skein.pending-reasons")
    // Touched only on `queue`:
    private var reasons: [String: String] = [:]
    private var written: [String: String] = [:]
    private var flushScheduled = false

    public init(plan: ExecutablePlan) {
        self.plan = plan
        PendingReasons.write([:], runDirectory: plan.runDirectory)  // a previous engine's are stale
    }

    public func attemptProgress(job: Int, attempt: Int, _ progress: AttemptProgress, at time: Double) {
        let id = plan.jobs[job].id
        switch progress {
        case .pending(let reason): update(id, reason)
        case .held, .running: update(id, nil)
        case .submitted: break
        }
    }

    public func attemptFinished(_ result: AttemptResult, willRetry: Bool) { update(plan.jobs[result.job].id, nil) }

    public func workflowFinished(_ outcome: WorkflowOutcome, at time: Double) {
        queue.sync {
            reasons.removeAll()
            flush()
        }
    }

    public func workflowStarted(plan: ExecutablePlan, restartCount: Int, alreadySucceeded: Int, at time: Double) {}
    public func attemptStarted(job: Int, attempt: Int, at time: Double) {}
    public func jobUnrunnable(job: Int, because: Int, at time: Double) {}
    public func commandHandled(_ command: ControlChannel.Command, result: String, at time: Double) {}

    private func update(_ id: String, _ reason: String?) {
        queue.async { [self] in
            guard reasons[id] != reason else { return }
            reasons[id] = reason
            guard !flushScheduled else { return }
            flushScheduled = true
            queue.asyncAfter(deadline: .now() + 0.5) { [self] in flush() }
        }
    }

    /// On `queue`.
    private func flush() {
        flushScheduled = false
        guard reasons != written else { return }
        PendingReasons.write(reasons, runDirectory: plan.runDirectory)
        written = reasons
    }
}
