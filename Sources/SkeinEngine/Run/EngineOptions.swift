import SkeinRunFormat

/// How one engine runs a plan.
public struct EngineOptions: Sendable {
    /// Jobs running at once (slots); the number of cores by default.
    public var maxJobs: Int
    /// Jobs at once on batch systems (Slurm), apart from `maxJobs`: nil = as many as the
    /// executor queues (`--slurm-max-queued`); `dagman.maxjobs` sets it.
    public var batchMaxJobs: Int?
    /// Executors whose jobs run on a batch system's nodes, not this machine's cores.
    public static let batchExecutors: Set<String> = ["slurm"]
    /// `dagman.CATEGORY` limits: category -> jobs at once.
    public var categoryLimits: [String: Int]
    /// How often the control directory is checked for commands.
    public var controlPollInterval: Double
    /// Seconds between SIGTERM and SIGKILL when the engine kills a job.
    public var killGrace: Double
    /// Retries for jobs that set no `dagman.RETRY` (the run's stored `--retries`, which may
    /// have changed since planning); nil keeps what the plan says.
    public var defaultRetries: Int?
    /// Jobs that failed for good in an earlier engine and stay failed in this one (job id ->
    /// last attempt): `skein retry RUN JOB` on a stopped run runs only the jobs it names.
    public var stayFailed: [String: Int]
    /// skein-kickstart, which runs a clustered job's tasks (its cluster mode).
    public var kickstart: String = "skein-kickstart"
    /// Ended attempts between two compactions of the journal (`JournalCheckpoint`): a resume
    /// then reads a summary and at most about this many attempts' lines. 0: never compact.
    public var journalCompactionEvery = 20_000
    /// Local jobs sent to skein-spawner beyond `maxJobs`, to start there the moment a slot
    /// frees (`Scheduler.launchAhead`). 0: a job is sent only when a slot is free.
    public var launchAhead = 4

    public init(maxJobs: Int, batchMaxJobs: Int? = nil, categoryLimits: [String: Int] = [:], controlPollInterval: Double = 0.2, killGrace: Double = 5,
                defaultRetries: Int? = nil, stayFailed: [String: Int] = [:]) {
        self.maxJobs = maxJobs
        self.batchMaxJobs = batchMaxJobs
        self.categoryLimits = categoryLimits
        self.controlPollInterval = controlPollInterval
        self.killGrace = killGrace
        self.defaultRetries = defaultRetries
        self.stayFailed = stayFailed
    }

    /// A job's retries: its own `dagman.RETRY` (job, transformation, site or workflow
    /// profile) if it set one, else `defaultRetries`, else the plan's.
    public func retries(for job: ExecutableJob) -> Int {
        if job.profiles["dagman.RETRY"] != nil { return job.retries }
        return defaultRetries ?? job.retries
    }
}
