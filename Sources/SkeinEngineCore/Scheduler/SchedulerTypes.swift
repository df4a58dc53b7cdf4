/// What the scheduler needs to know of a job: its place in the DAG and its policies.
public struct SchedulerJob: Sendable, Equatable {
    public var parents: [Int]
    public var retries: Int
    public var priority: Int
    public var category: String?
    /// Seconds before the attempt is killed.
    public var walltime: Double?
    /// An exit code that aborts the whole workflow, and the workflow's exit value then.
    public var abortOnExitCode: Int32?
    public var abortReturnValue: Int32?
    /// Submitted to a batch system (Slurm): counted against `Scheduler.batchMaxJobs`, not
    /// the local slots, since it takes none of this machine's cores.
    public var onBatchSystem: Bool
    /// It may be sent ahead of a free slot (`Scheduler.launchAhead`): its process takes a slot
    /// of the engine's pool in skein-spawner, which starts it when one frees, and no walltime
    /// runs meanwhile.
    public var mayWaitInSpawner: Bool
    /// Its process takes a slot of the engine's pool in skein-spawner (every local job
    /// started there), whether or not it may wait for one: a job with a walltime takes one
    /// but is sent only to a free slot. Implied by `mayWaitInSpawner`.
    public var holdsSpawnerSlot: Bool

    public init(parents: [Int], retries: Int = 0, priority: Int = 0, category: String? = nil, walltime: Double? = nil, abortOnExitCode: Int32? = nil, abortReturnValue: Int32? = nil, onBatchSystem: Bool = false,
                mayWaitInSpawner: Bool = false, holdsSpawnerSlot: Bool = false) {
        self.onBatchSystem = onBatchSystem
        self.mayWaitInSpawner = mayWaitInSpawner
        self.holdsSpawnerSlot = holdsSpawnerSlot || mayWaitInSpawner
        self.parents = parents
        self.retries = retries
        self.priority = priority
        self.category = category
        self.walltime = walltime
        self.abortOnExitCode = abortOnExitCode
        self.abortReturnValue = abortReturnValue
    }
}

/// Where a job stands. Attempts are numbered from 0, as record files are (`.000`).
public enum JobState: Sendable, Equatable {
    /// Some parent has not succeeded yet.
    case waiting
    case ready(attempt: Int)
    case running(attempt: Int)
    case succeeded
    /// Failed with no retries left.
    case failed(attempt: Int)
    /// A parent failed for good: this job will never run.
    case unrunnable
}

/// How an attempt ended, as the executor and the post-run checks saw it.
public struct AttemptOutcome: Sendable, Equatable {
    public var succeeded: Bool
    /// The job's own exit code, when it exited normally.
    public var exitCode: Int32?
    /// Why it failed, for reports (`exit code 3`, `killed by SIGKILL`, ...).
    public var reason: String?
    /// Ended by Skein's own machinery, not by the job (its `skein-spawner` died): the job
    /// runs again without using up a retry, as after an engine crash.
    public var interrupted: Bool

    public init(succeeded: Bool, exitCode: Int32? = nil, reason: String? = nil, interrupted: Bool = false) {
        self.succeeded = succeeded
        self.exitCode = exitCode
        self.reason = reason
        self.interrupted = interrupted
    }

    public static let success = AttemptOutcome(succeeded: true, exitCode: 0)
}

/// Why the engine itself killed an attempt.
public enum KillReason: String, Sendable, Equatable {
    case walltime, user, abort, remove
    /// The engine itself was told to stop (SIGTERM, SIGINT): the attempt runs again on resume.
    case stop
}

public enum SchedulerCommand: Sendable, Equatable {
    case halt, resume, remove
    /// Stop the engine now (a signal): start nothing more, stop what runs, end as `stopped`
    /// without failing any job for good, so a resume runs the stopped attempts again.
    case stop
    case kill(job: Int)
    case retry(job: Int)
}

public enum SchedulerEvent: Sendable, Equatable {
    case start
    case finished(job: Int, attempt: Int, outcome: AttemptOutcome)
    case timer(job: Int, attempt: Int)
    case command(SchedulerCommand)
}

public enum WorkflowOutcome: Sendable, Equatable {
    case succeeded
    case failed
    /// ABORT-DAG-ON fired: the workflow's exit value.
    case aborted(returnValue: Int32)
    case halted
    case removed
    /// The engine was stopped (SIGTERM, SIGINT) before the workflow ended; it can be resumed.
    case stopped
}

public enum SchedulerAction: Sendable, Equatable {
    case spawn(job: Int, attempt: Int)
    case kill(job: Int, attempt: Int, reason: KillReason)
    case setTimer(job: Int, attempt: Int, at: Double)
    case succeeded(job: Int, attempt: Int)
    /// An attempt failed; `willRetry` says whether another attempt follows.
    case failed(job: Int, attempt: Int, willRetry: Bool, reason: String)
    case unrunnable(job: Int, because: Int)
    /// A command that does not apply now, and why (retry a running job, ...).
    case rejected(SchedulerCommand, reason: String)
    case finished(WorkflowOutcome)
}
