/// Value types for one attempt of a job (`job_instance`, `jobstate`, `invocation`,
/// `integrity`): what the engine reports while a job runs, shaped like Pegasus's columns.

/// `jobstate.state` values Skein writes (Pegasus's readers know these).
public enum JobStateName: String, Sendable, CaseIterable {
    case submit = "SUBMIT"
    case execute = "EXECUTE"
    case jobTerminated = "JOB_TERMINATED"
    case jobSuccess = "JOB_SUCCESS"
    case jobFailure = "JOB_FAILURE"
    case postScriptStarted = "POST_SCRIPT_STARTED"
    case postScriptTerminated = "POST_SCRIPT_TERMINATED"
    case postScriptSuccess = "POST_SCRIPT_SUCCESS"
    case postScriptFailed = "POST_SCRIPT_FAILED"
    case jobHeld = "JOB_HELD"
    case jobReleased = "JOB_RELEASED"
    case jobEvicted = "JOB_EVICTED"
    case jobAborted = "JOB_ABORTED"
}

/// The start of one attempt of a job: a new `job_instance` row (exitcode NULL = running).
public struct InstanceStart: Sendable, Equatable {
    public var jobID: JobID
    /// DAGMan-style submit sequence, unique per job; nil lets the writer allocate the next one
    /// of the job's workflow (monotonic across all its jobs, as DAGMan numbers submissions).
    public var submitSeq: Int?
    public var site: String?
    public var user: String?
    public var workDir: String?
    /// Relative paths of the attempt's files (e.g. "00/00/ls_ID1.out.000").
    public var stdoutFile: String?
    public var stderrFile: String?
    public var stdinFile: String?
    /// Batch system id (Slurm job id, local pid), if known at start.
    public var schedID: String?

    public init(jobID: JobID, submitSeq: Int? = nil, site: String? = nil, user: String? = nil,
                workDir: String? = nil, stdoutFile: String? = nil, stderrFile: String? = nil,
                stdinFile: String? = nil, schedID: String? = nil) {
        self.jobID = jobID; self.submitSeq = submitSeq; self.site = site; self.user = user
        self.workDir = workDir; self.stdoutFile = stdoutFile; self.stderrFile = stderrFile
        self.stdinFile = stdinFile; self.schedID = schedID
    }
}

/// Captured output of one task of an attempt, as kickstart records it.
public struct TaskOutput: Sendable, Equatable {
    /// The task's `task_submit_seq` (1...N).
    public var taskSeq: Int
    public var stdout: String
    public var stderr: String
    public init(taskSeq: Int, stdout: String = "", stderr: String = "") {
        self.taskSeq = taskSeq; self.stdout = stdout; self.stderr = stderr
    }
}

/// The end of one attempt: fills the `job_instance` row's result columns.
public struct InstanceFinish: Sendable, Equatable {
    /// The job's result: 0 success, non-zero failure (Pegasus stores the raw DAGMan status).
    public var exitcode: Int
    /// Wall time as seen from the submit side, seconds.
    public var localDuration: Double?
    public var hostID: HostID?
    public var schedID: String?
    /// Per-task kickstart stdout/stderr; stored URL-quoted in `#@ N stdout` sections.
    public var taskOutputs: [TaskOutput]
    /// The job's own stderr file content (PegasusLite's .err), stored URL-quoted.
    public var stderrText: String?
    /// Work directory if only known at the end.
    public var workDir: String?

    public init(exitcode: Int, localDuration: Double? = nil, hostID: HostID? = nil, schedID: String? = nil,
                taskOutputs: [TaskOutput] = [], stderrText: String? = nil, workDir: String? = nil) {
        self.exitcode = exitcode; self.localDuration = localDuration; self.hostID = hostID
        self.schedID = schedID; self.taskOutputs = taskOutputs; self.stderrText = stderrText
        self.workDir = workDir
    }
}

/// An `invocation` row: one executable run inside an attempt (a task, or a PRE/POST script).
public struct InvocationRow: Sendable, Equatable {
    public static let preScriptSeq = -1
    public static let postScriptSeq = -2

    public var instanceID: JobInstanceID
    /// 1...N for tasks, -1 for a PRE script, -2 for a POST script.
    public var taskSubmitSeq: Int
    public var startTime: Double
    public var remoteDuration: Double
    public var remoteCPUTime: Double?
    /// The raw wait status (exit 2 = 512), as kickstart's `status.raw`.
    public var exitcode: Int
    public var transformation: String
    public var executable: String
    public var argv: String?
    /// The task's abstract id; nil for PRE/POST scripts and auxiliary jobs.
    public var absTaskID: String?
    /// Peak resident set size in KB.
    public var maxrss: Int?
    /// Average CPU utilisation (cpu time / wall time).
    public var avgCPU: Double?

    public init(instanceID: JobInstanceID, taskSubmitSeq: Int, startTime: Double, remoteDuration: Double,
                remoteCPUTime: Double? = nil, exitcode: Int, transformation: String, executable: String,
                argv: String? = nil, absTaskID: String? = nil, maxrss: Int? = nil, avgCPU: Double? = nil) {
        self.instanceID = instanceID; self.taskSubmitSeq = taskSubmitSeq; self.startTime = startTime
        self.remoteDuration = remoteDuration; self.remoteCPUTime = remoteCPUTime; self.exitcode = exitcode
        self.transformation = transformation; self.executable = executable; self.argv = argv
        self.absTaskID = absTaskID; self.maxrss = maxrss; self.avgCPU = avgCPU
    }
}

/// `integrity.type` / `integrity.file_type` values: checksums computed or checked.
public enum IntegrityType: String, Sendable { case check, compute }
public enum IntegrityFileType: String, Sendable { case input, output }
