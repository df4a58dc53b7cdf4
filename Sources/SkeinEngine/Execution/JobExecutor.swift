import SkeinRunFormat

/// One attempt of one job, as every executor receives it.
public struct AttemptLaunch: Sendable {
    public var job: Int
    public var attempt: Int
    public var planned: ExecutableJob
    /// What to run, with its files; batch executors run it under skein-kickstart.
    public var spec: LaunchSpec
    /// Where the kickstart record of this attempt goes.
    public var recordFile: String
    public var workflowLabel: String
    /// The engine's slots in skein-spawner, for a local job sent ahead of a free slot
    /// (`Scheduler.launchAhead`); nil: start at once.
    public var slots: SlotPool? = nil
}

/// How an attempt ended, as its executor saw it.
public struct AttemptEnd: Sendable {
    public var termination: AttemptTermination
    /// The record was written already, by a wrapper on the node; otherwise the engine writes
    /// it from `termination`.
    public var recordWritten: Bool
    public var host: String?
    /// The batch system's id (Slurm job id; a local job's process id), for provenance's
    /// `sched_id`.
    public var schedulerID: String?
    /// Why the attempt ended when it was not the job's doing (cancelled outside Skein, a
    /// vanished job): reports show it instead of a bare signal.
    public var reason: String?

    /// Checksums the attempt computed or checked (Pegasus's `integrity` rows).
    public var integrity: [IntegrityWork] = []
    /// Replicas the attempt registered (lfn, pfn, site, metadata), for `rc_*` rows.
    public var registered: [RegisteredReplica] = []
    /// The sha256 of files the attempt put in the scratch folder (a stage-in's downloads),
    /// by lfn: recorded so the jobs reading them verify them (Pegasus's generated checksums).
    public var producedChecksums: [String: String] = [:]
    /// The sha256 of the job's outputs as hashed after it ended well (integrity checking on),
    /// by lfn: its kickstart record carries them (as `pegasus-kickstart -s` does) without
    /// hashing the files a second time.
    public var outputChecksums: [String: (sha256: String, seconds: Double)] = [:]
    /// The `wf_id` of the sub-workflow a sub-workflow job's attempt ran, for provenance.
    public var subworkflowID: Int64?
    /// Why the attempt ended by no doing of the job (a sub-workflow halted with its parent):
    /// it runs again without using up a retry.
    public var interruption: String?

    public init(_ termination: AttemptTermination, recordWritten: Bool = false, host: String? = nil, schedulerID: String? = nil, reason: String? = nil) {
        self.termination = termination
        self.recordWritten = recordWritten
        self.host = host
        self.schedulerID = schedulerID
        self.reason = reason
    }

    /// A process ended: what local and batch executors report.
    public init(exit: ProcessExit, recordWritten: Bool = false, host: String? = nil, schedulerID: String? = nil, reason: String? = nil) {
        self.init(.process(exit), recordWritten: recordWritten, host: host, schedulerID: schedulerID, reason: reason)
    }
}

/// What happened to an attempt before it ended.
public enum AttemptProgress: Sendable, Equatable {
    /// Handed to its executor: `id` identifies it outside this process (`local:PID`,
    /// `slurm:JOBID`), kept so a later engine can clean up after a crash.
    case submitted(id: String)
    /// Waiting in the batch system, and why (Resources, Priority, ...).
    case pending(reason: String)
    /// Held in the batch system, and why (JobHeldUser, ...).
    case held(reason: String)
    case running(host: String?)
}

/// Runs attempts somewhere: on this machine, or through a batch system. The engine calls it
/// on its queue; `progress` and `ended` may be called on any thread, `ended` exactly once.
public protocol JobExecutor: AnyObject, Sendable {
    /// Starts (or queues) the attempt. False when it could not, and `ended` has been called.
    func start(_ launch: AttemptLaunch, progress: @escaping @Sendable (AttemptProgress) -> Void, ended: @escaping @Sendable (AttemptEnd) -> Void) -> Bool

    /// Asks a running attempt to stop; `force` is sent after the grace period.
    func stop(job: Int, attempt: Int, force: Bool)

    /// Takes back the attempts it was given that have not started yet (local jobs sent ahead
    /// to wait for a slot): the run was halted, and nothing new may start. Each ends as
    /// interrupted (it runs again without using up a retry).
    func recallWaiting()

    /// Ends what an engine that died may have left running under this id, for attempt of
    /// `job` in the workflow `workflowUUID`.
    func cleanUpOrphan(_ id: String, job: String, workflowUUID: String)

    /// A line about the executor's work for the end of a run (commands called, ...), if any.
    var summary: String? { get }

    /// Whether it makes a sandboxed job's folder itself where the job runs (a batch node,
    /// with skein-transfer); otherwise the engine makes it before starting the attempt.
    var makesSandboxes: Bool { get }

    /// Called after the engine started every attempt one step of the run made ready (a
    /// parent's end, the run's start): an executor that gathers starts into one submission
    /// (Slurm's job arrays) submits them now.
    func startsEnded()
}

extension JobExecutor {
    public var summary: String? { nil }
    public var makesSandboxes: Bool { false }
    public func startsEnded() {}
    public func recallWaiting() {}
}

/// Checksum work of one attempt: `check` (compared with a known sha256) or `compute`
/// (generated), of `input` or `output` files, how many and how long, as Pegasus records it.
public struct IntegrityWork: Sendable, Equatable {
    public enum Kind: String, Sendable { case check, compute }
    public enum Files: String, Sendable { case input, output }

    public var kind: Kind
    public var files: Files
    /// Files checked (or hashed), failed ones included.
    public var count: Int
    public var seconds: Double
    /// Of `count`, the files whose sha256 did not match (Pegasus's `int.error` tag).
    public var failed: Int

    public init(_ kind: Kind, _ files: Files, count: Int, seconds: Double, failed: Int = 0) {
        self.kind = kind
        self.files = files
        self.count = count
        self.seconds = seconds
        self.failed = failed
    }
}

/// A replica a registration job recorded in the output replica catalog.
public struct RegisteredReplica: Sendable, Equatable {
    public var lfn: String
    public var pfn: String
    public var site: String
    public var metadata: [String: String]

    public init(lfn: String, pfn: String, site: String, metadata: [String: String]) {
        self.lfn = lfn
        self.pfn = pfn
        self.site = site
        self.metadata = metadata
    }
}

public struct EngineError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
