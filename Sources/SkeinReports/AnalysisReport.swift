/// `skein analyze`: what pegasus-analyzer prints, and more. The summary (total, succeeded,
/// failed, held, unsubmitted), then every failed job's last attempt with the reason it
/// failed, its files, each task's executable, arguments, exit code and working directory,
/// and the tail of its output. Jobs that failed but are being retried ("failing") are
/// listed apart.
public struct AnalysisReport: Codable, Sendable, Equatable {
    public var directory: String
    public var kind: RunLocation.Kind
    public var label: String
    public var wfUUID: String?
    public var database: String?
    /// The submit directory as the database records it (what pegasus-analyzer prints).
    public var submitDirectory: String
    public var condition: RunCondition
    /// pegasus-analyzer's "Workflow Status": "success", "failure", "running" or "unknown",
    /// decided from the last workflow state alone.
    public var workflowStatus: String
    public var total: Int
    public var succeeded: Int
    public var failed: Int
    public var held: Int
    public var unsubmitted: Int
    public var heldJobs: [HeldJob]
    /// Jobs whose last attempt failed and that have another attempt running.
    public var failingJobs: [AttemptDetail]
    /// Jobs whose last attempt failed.
    public var failedJobs: [AttemptDetail]
    /// How the run was found (moved directories, missing properties, ...).
    public var notes: [String]
    /// What the analysis noticed beyond the failed jobs (a failed workflow without a failed job).
    public var remarks: [String]

    /// pegasus-analyzer's exit code: 2 when the workflow failed or any job failed, else 0.
    public var exitCode: Int32
    /// Submitted jobs the batch system has not started, and why (Slurm's reason), while an
    /// engine runs them.
    public var pendingJobs: [PendingJob]? = nil
    /// With `--recurse` (pegasus-analyzer's `-r`): the analysis of each failed job's
    /// sub-workflow, down to the jobs that failed in it.
    public var subworkflows: [SubworkflowAnalysis]? = nil
}

/// The analysis of the sub-workflow a failed job (`pegasus-plan_*`, type `dax`) ran.
public struct SubworkflowAnalysis: Codable, Sendable, Equatable {
    /// The parent's job that ran it.
    public var job: String
    public var report: AnalysisReport
}

/// A job submitted to the batch system and still waiting there.
public struct PendingJob: Codable, Sendable, Equatable {
    public var job: String
    public var reason: String
}

/// A job held by the batch system in its last attempt.
public struct HeldJob: Codable, Sendable, Equatable {
    public var job: String
    public var instanceID: Int
    public var reason: String?
}

/// One attempt of a job in detail.
public struct AttemptDetail: Codable, Sendable, Equatable {
    public var job: String
    /// job.type_desc: compute, create-dir, stage-in-tx, dax, ...
    public var type: String
    /// 1-based position of this attempt among the job's attempts, of `attempts` made and
    /// `maxAttempts` allowed.
    public var attempt: Int
    public var attempts: Int
    public var maxAttempts: Int
    public var instanceID: Int
    /// The last jobstate of the attempt (JOB_FAILURE, POST_SCRIPT_FAILED, ...).
    public var lastState: String?
    public var site: String?
    public var host: String?
    public var submitFile: String?
    public var stdoutFile: String?
    public var stderrFile: String?
    public var workDir: String?
    public var executable: String?
    public var arguments: String?
    /// The attempt's exit code (regular; negative for a signal); nil while it runs.
    public var exitCode: Int?
    /// Why it failed: the engine's reason (exit code, signal, walltime, failure message,
    /// missing output, ...), else what the tasks and scripts tell.
    public var reason: String?
    public var started: Double?
    public var duration: Double?
    /// Every state change, with its time and reason (`--job` only).
    public var states: [StateChange]?
    public var files: [FileUse]
    public var tasks: [TaskDetail]
    /// The job's own stderr file as recorded (PegasusLite's log for Pegasus jobs).
    public var jobStderr: OutputText?
    /// For a sub-workflow job: the sub-workflow's submit directory.
    public var subworkflowDirectory: String?
}

public struct StateChange: Codable, Sendable, Equatable {
    public var state: String
    public var time: Double
    public var reason: String?
}

/// A file a job uses: "input", "output", "stdin", "stdout", "stderr" (or Pegasus's types).
public struct FileUse: Codable, Sendable, Equatable {
    public var lfn: String
    public var type: String
}

/// One task (or PRE/POST script: seq -1/-2) of an attempt, from its invocation record.
public struct TaskDetail: Codable, Sendable, Equatable {
    public var seq: Int
    public var transformation: String
    public var taskID: String?
    public var executable: String
    public var arguments: String?
    /// Regular exit code (negative: killed by that signal), and the raw wait status.
    public var exitCode: Int
    public var rawStatus: Int
    public var started: Double?
    public var duration: Double?
    public var maxrssKB: Int?
    public var stdout: OutputText?
    public var stderr: OutputText?
}

/// The tail of some output: at most the last N lines (the total is kept).
public struct OutputText: Codable, Sendable, Equatable {
    public var text: String
    public var lines: Int
    public var omittedLines: Int

    public init(_ full: String, tail: Int) {
        var all = full.split(separator: "\n", omittingEmptySubsequences: false)
        if all.last == "" { all.removeLast() }
        lines = all.count
        if tail > 0, all.count > tail {
            omittedLines = all.count - tail
            text = all.suffix(tail).joined(separator: "\n")
        } else {
            omittedLines = 0
            text = all.joined(separator: "\n")
        }
    }
}

/// `skein analyze RUN --job ID`: one job with every attempt.
public struct JobAnalysis: Codable, Sendable, Equatable {
    public var directory: String
    public var label: String
    public var job: String
    public var type: String
    public var maxAttempts: Int
    /// The job's state now (done, failed, running, futile, ...).
    public var state: String
    public var parents: [String]
    public var children: [String]
    public var attempts: [AttemptDetail]
    public var files: [FileUse]
    public var condition: RunCondition
}
