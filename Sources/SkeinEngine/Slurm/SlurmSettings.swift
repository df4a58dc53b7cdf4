/// How Skein talks to Slurm. Defaults follow DAGMan's manners (about 20 submissions a
/// second, at most 1,000 jobs queued) and poll often enough that Slurm is never left idle.
public struct SlurmSettings: Sendable {
    /// Seconds between two state queries (one `squeue` for all the run's jobs).
    public var pollInterval: Double
    /// Submissions per second at most.
    public var submitRate: Double
    /// Jobs in Slurm (pending or running) at most; more wait in Skein.
    public var maxQueued: Int
    /// Where `sbatch`, `squeue`, `scancel` and `scontrol` are; nil: found on PATH.
    public var binDirectory: String?
    /// The wrapper run on the node around each job.
    public var kickstart: String
    /// Slurm's jobcomp file (`JobCompLoc` of `jobcomp/filetxt`), read for jobs that left
    /// the queue without a record; nil: asked of `scontrol show job` instead.
    public var jobCompletionFile: String?
    /// Seconds between two looks at the records of submitted jobs (a `stat` each, no Slurm
    /// command): a job whose record says it succeeded ends then, not at the next poll. 0: only
    /// polls end jobs.
    public var recordCheckInterval: Double

    public init(pollInterval: Double = 2, submitRate: Double = 20, maxQueued: Int = 1000, binDirectory: String? = nil, kickstart: String, jobCompletionFile: String? = nil,
                recordCheckInterval: Double = 0.05) {
        self.recordCheckInterval = recordCheckInterval
        self.pollInterval = pollInterval
        self.submitRate = submitRate
        self.maxQueued = maxQueued
        self.binDirectory = binDirectory
        self.kickstart = kickstart
        self.jobCompletionFile = jobCompletionFile
    }
}
