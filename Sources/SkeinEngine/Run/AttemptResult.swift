import Foundation
import SkeinRunFormat

/// One finished attempt with everything reports and provenance want: how it ended (a
/// process's exit, or work done in the engine),
/// the verdict of the post-run checks, and where its files are.
public struct AttemptResult: Sendable {
    public var job: Int
    public var attempt: Int
    public var termination: AttemptTermination
    public var outcome: AttemptOutcome
    public var recordFile: String
    public var stdoutFile: String
    public var stderrFile: String
    public var hostname: String
    public var schedulerID: String?
    /// The last 64 KiB of the job's stdout and stderr, for provenance and reports.
    public var stdoutText: String
    public var stderrText: String
    /// Checksums computed or checked by the attempt.
    public var integrity: [IntegrityWork] = []
    /// Replicas registered by the attempt.
    public var registered: [RegisteredReplica] = []
    /// A clustered job's tasks that ran in this attempt, in order (empty for other jobs).
    public var tasks: [ClusterTaskRun] = []
    /// The `wf_id` of the sub-workflow the attempt ran (`job_instance.subwf_id`).
    public var subworkflowID: Int64?
}

/// The observer of a run's life, called on the engine queue: provenance, the journal,
/// progress lines. It must not block: writers queue their own I/O.
public protocol RunObserver: AnyObject {
    /// `alreadySucceeded` jobs succeeded in earlier engines of this run (a resume).
    func workflowStarted(plan: ExecutablePlan, restartCount: Int, alreadySucceeded: Int, at time: Double)
    func attemptStarted(job: Int, attempt: Int, at time: Double)
    func attemptProgress(job: Int, attempt: Int, _ progress: AttemptProgress, at time: Double)
    func attemptFinished(_ result: AttemptResult, willRetry: Bool)
    func jobUnrunnable(job: Int, because: Int, at time: Double)
    func commandHandled(_ command: ControlChannel.Command, result: String, at time: Double)
    /// The engine was told to stop (a signal): running attempts are being stopped.
    func engineStopping(reason: String, at time: Double)
    /// A file in `control/` written by another user than the run's owner: not acted on.
    func controlFileIgnored(_ file: String, owner: uid_t, at time: Double)
    func workflowFinished(_ outcome: WorkflowOutcome, at time: Double)
    /// Before the journal is compacted: everything the observer keeps of the attempts that
    /// ended must be on disk (the provenance database committed), since a resume no longer
    /// sees their journal lines. False: it is not, do not compact now.
    func commitBeforeJournalCompaction() -> Bool
    /// The engine's queue finished acting on a batch of news (jobs started and ended): an
    /// observer that holds output back (progress lines) lets it out now.
    func turnEnded()
}

extension RunObserver {
    public func commitBeforeJournalCompaction() -> Bool { true }
    public func turnEnded() {}
    public func engineStopping(reason: String, at time: Double) {}
    public func controlFileIgnored(_ file: String, owner: uid_t, at time: Double) {}
}
