/// `skein statistics`: the tables pegasus-statistics writes, as data. The summary table
/// (Tasks, Jobs, Sub-Workflows: succeeded, failed, incomplete, total, retries,
/// total+retries), the wall times (workflow, cumulative job, from the submit side, badput),
/// integrity metrics, a per-workflow breakdown, a per-transformation breakdown, and (when
/// asked for) the per-job-attempt table.
public struct StatisticsReport: Codable, Sendable, Equatable {
    public var directory: String
    public var kind: RunLocation.Kind
    public var label: String
    public var wfUUID: String
    public var database: String
    public var condition: RunCondition
    /// Tasks, Jobs, Sub-Workflows over the workflow and all its sub-workflows.
    public var summary: [SummaryRow]
    /// From the first start to the last end (summed over restarts); nil while running.
    public var workflowWallTime: Double?
    /// Sum of the tasks' run times (kickstart), all attempts.
    public var cumulativeJobWallTime: Double?
    /// Sum of the jobs' run times as the submit side saw them, all attempts.
    public var cumulativeJobWallTimeSubmitSide: Double?
    /// The same, for failed tasks / attempts only.
    public var badputWallTime: Double?
    public var badputWallTimeSubmitSide: Double?
    public var integrity: [IntegrityRow]
    /// Integrity errors over all attempts, and failed jobs whose last attempt had some.
    public var integrityErrors: Int
    public var integrityFailures: Int
    /// Each workflow on its own, then "All" (only interesting with sub-workflows).
    public var workflows: [WorkflowSummary]
    /// Per transformation and outcome, for each workflow and then for all.
    public var transformations: [TransformationGroup]
    /// One row per job attempt (`--jobs`), per workflow.
    public var jobs: [JobStatisticsGroup]?
    /// How the run was found (moved directories, missing properties, ...).
    public var notes: [String]
}

public struct SummaryRow: Codable, Sendable, Equatable {
    /// "Tasks", "Jobs" or "Sub-Workflows".
    public var type: String
    public var succeeded: Int
    public var failed: Int
    public var incomplete: Int
    public var total: Int
    public var retries: Int
    public var totalPlusRetries: Int
}

public struct IntegrityRow: Codable, Sendable, Equatable {
    /// "check" (a checksum compared) or "compute" (generated).
    public var type: String
    public var fileType: String?
    public var count: Int
    public var duration: Double
}

public struct WorkflowSummary: Codable, Sendable, Equatable {
    /// nil for the "All" row.
    public var wfUUID: String?
    public var label: String
    public var retries: Int
    public var rows: [SummaryRow]
}

public struct TransformationGroup: Codable, Sendable, Equatable {
    /// nil for "All".
    public var wfUUID: String?
    public var label: String
    public var rows: [TransformationRow]
}

public struct TransformationRow: Codable, Sendable, Equatable {
    public var transformation: String
    /// "successful" or "failed".
    public var type: String
    public var count: Int
    /// Run time of its invocations, seconds.
    public var min: Double?
    public var max: Double?
    public var mean: Double?
    public var total: Double?
    /// Peak resident memory (maxrss) of its invocations, KiB.
    public var minMemoryKB: Double?
    public var maxMemoryKB: Double?
    public var meanMemoryKB: Double?
    /// Average CPU utilisation (CPU time / wall time), as a fraction.
    public var minCPU: Double?
    public var maxCPU: Double?
    public var meanCPU: Double?
}

public struct JobStatisticsGroup: Codable, Sendable, Equatable {
    public var wfUUID: String
    public var label: String
    public var rows: [JobAttemptStatistics]
}

/// A row of pegasus-statistics' jobs.txt: one attempt of a job.
public struct JobAttemptStatistics: Codable, Sendable, Equatable {
    public var job: String
    /// 1 for the first attempt of the job, 2 for its first retry, ...
    public var attempt: Int
    public var site: String?
    /// Run time of its tasks (kickstart), and that times the multiplier factor.
    public var kickstart: Double?
    public var multiplier: Int
    public var kickstartMultiplied: Double?
    public var cpuTime: Double?
    /// POST script time, time in the submit-side queue, resource queue delay.
    public var post: Double?
    public var queueTime: Double?
    public var resourceDelay: Double?
    /// Run time as the submit side saw it.
    public var runtime: Double?
    public var seqexec: Double?
    public var seqexecDelay: Double?
    public var exitCode: Int?
    public var host: String?
}
