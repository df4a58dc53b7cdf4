import SkeinPlanner

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
}

/// How an attempt ended, as its executor saw it.
public struct AttemptEnd: Sendable {
    public var exit: ProcessExit
    /// The record was written already, by a wrapper on the node; otherwise the engine writes
    /// it from `exit`.
    public var recordWritten: Bool
    public var host: String?
    /// The batch system's id (Slurm job id), for provenance's `sched_id`.
    public var schedulerID: String?
    /// Why the attempt ended when it was not the job's doing (cancelled outside Skein, a
    /// vanished job): reports show it instead of a bare signal.
    public var reason: String?

    public init(exit: ProcessExit, recordWritten: Bool = false, host: String? = nil, schedulerID: String? = nil, reason: String? = nil) {
        self.exit = exit
        self.recordWritten = recordWritten
        self.host = host
        self.schedulerID = schedulerID
        self.reason = reason
    }
}

/// Runs attempts somewhere: on this machine, or through a batch system. The engine calls it
/// on its queue; `ended` may be called on any thread.
public protocol JobExecutor: AnyObject, Sendable {
    /// Starts the attempt and returns an id that identifies it outside this process (a
    /// process id, a Slurm job id), recorded so a later engine can clean up after a crash;
    /// nil when it could not start, in which case `ended` has been called.
    func start(_ launch: AttemptLaunch, ended: @escaping @Sendable (AttemptEnd) -> Void) -> String?

    /// Asks a running attempt to stop; `force` is sent after the grace period.
    func stop(job: Int, attempt: Int, force: Bool)

    /// Ends what an engine that died may have left running under this id.
    func cleanUpOrphan(_ id: String)
}
