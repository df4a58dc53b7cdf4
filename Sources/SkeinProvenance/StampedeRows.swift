/// Value types shaped like the stampede tables the writer fills. Field names follow the
/// column names (camel-cased) so the mapping to Pegasus's schema stays obvious.

/// Row ids, allocated by `StampedeWriter` in memory (they equal the SQLite row ids).
public typealias WorkflowID = Int64
public typealias JobID = Int64
public typealias JobInstanceID = Int64
public typealias HostID = Int64
public typealias TaskID = Int64
public typealias InvocationID = Int64

/// A `workflow` row: one planned workflow (the root, or a sub-workflow in the root's database).
public struct WorkflowRow: Sendable, Equatable {
    public var wfUUID: String
    /// Basename of the DAG file, e.g. "diamond-0.dag"; Pegasus derives the db name from it.
    public var dagFileName: String?
    /// Planning time, epoch seconds.
    public var timestamp: Double?
    public var submitHostname: String?
    public var submitDir: String?
    public var plannerArguments: String?
    public var user: String?
    public var gridDN: String?
    public var plannerVersion: String?
    public var daxLabel: String?
    public var daxVersion: String?
    public var daxFile: String?
    public var dbURL: String?
    /// The parent workflow for a sub-workflow; nil for the root.
    public var parentWfID: WorkflowID?
    /// The root workflow; nil means "this row is the root" (root_wf_id = its own wf_id).
    public var rootWfID: WorkflowID?

    public init(wfUUID: String, dagFileName: String? = nil, timestamp: Double? = nil,
                submitHostname: String? = nil, submitDir: String? = nil, plannerArguments: String? = nil,
                user: String? = nil, gridDN: String? = nil, plannerVersion: String? = nil,
                daxLabel: String? = nil, daxVersion: String? = nil, daxFile: String? = nil,
                dbURL: String? = nil, parentWfID: WorkflowID? = nil, rootWfID: WorkflowID? = nil) {
        self.wfUUID = wfUUID; self.dagFileName = dagFileName; self.timestamp = timestamp
        self.submitHostname = submitHostname; self.submitDir = submitDir
        self.plannerArguments = plannerArguments; self.user = user; self.gridDN = gridDN
        self.plannerVersion = plannerVersion; self.daxLabel = daxLabel; self.daxVersion = daxVersion
        self.daxFile = daxFile; self.dbURL = dbURL; self.parentWfID = parentWfID; self.rootWfID = rootWfID
    }
}

/// `workflowstate.state` values.
public enum WorkflowState: String, Sendable {
    case started = "WORKFLOW_STARTED"
    case terminated = "WORKFLOW_TERMINATED"
}

/// `job.type_desc` values (the schema's CHECK constraint allows exactly these).
public enum JobType: String, Sendable, CaseIterable {
    case unknown, compute, cleanup, chmod, dax, dag, registration
    case stageInTx = "stage-in-tx"
    case stageOutTx = "stage-out-tx"
    case interSiteTx = "inter-site-tx"
    case createDir = "create-dir"
    case stagedCompute = "staged-compute"
}

/// A `job` row: one node of the executable workflow.
public struct JobRow: Sendable, Equatable {
    /// The job's name in the executable workflow (unique per workflow).
    public var execJobID: String
    /// Submit file path relative to the submit dir (NOT NULL in the schema).
    public var submitFile: String
    public var typeDesc: JobType
    public var clustered: Bool
    public var maxRetries: Int
    public var executable: String
    public var argv: String?
    /// Number of tasks (abstract jobs) the job runs: 1 for a compute job, 0 for auxiliary jobs.
    public var taskCount: Int

    public init(execJobID: String, submitFile: String = "", typeDesc: JobType, clustered: Bool = false,
                maxRetries: Int = 0, executable: String, argv: String? = nil, taskCount: Int = 0) {
        self.execJobID = execJobID; self.submitFile = submitFile; self.typeDesc = typeDesc
        self.clustered = clustered; self.maxRetries = maxRetries; self.executable = executable
        self.argv = argv; self.taskCount = taskCount
    }
}

/// A parent -> child edge (`job_edge` by exec_job_id, `task_edge` by abs_task_id).
public struct Edge: Sendable, Hashable {
    public var parent: String
    public var child: String
    public init(parent: String, child: String) { self.parent = parent; self.child = child }
}

/// A `task` row: one job of the abstract workflow, mapped to the executable job running it.
public struct TaskRow: Sendable, Equatable {
    /// The abstract job id (e.g. "ID0000001").
    public var absTaskID: String
    /// The executable job running this task, if known.
    public var jobID: JobID?
    public var transformation: String
    public var argv: String?
    /// Pegasus writes "compute" for ordinary tasks, "dax"/"dag" for sub-workflows.
    public var typeDesc: String

    public init(absTaskID: String, jobID: JobID?, transformation: String, argv: String? = nil, typeDesc: String = "compute") {
        self.absTaskID = absTaskID; self.jobID = jobID; self.transformation = transformation
        self.argv = argv; self.typeDesc = typeDesc
    }
}
