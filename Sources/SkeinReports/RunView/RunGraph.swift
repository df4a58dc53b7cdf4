/// Every job of a run with its state and its place in the DAG: what a live view of the run
/// (the TUI's Run screen) draws. Columnar (one array per field, indexed like `jobs`) so a
/// 100,000-job run stays a handful of allocations.
public struct RunGraph: Codable, Sendable, Equatable {
    /// The run's status, without its job list (that is `jobs`).
    public var status: StatusReport
    /// Every job, in status order (`StatusReport.jobs`' order: as submitted, then the rest).
    public var jobs: [JobStatus]
    /// The transformation of each job (the job type, `type_desc`, for auxiliary jobs).
    public var transformation: [String]
    /// Indices into `jobs`. A sub-workflow's top jobs hang under the job that ran it.
    public var parents: JobLinks
    /// Indices into `jobs`, each list in `order`.
    public var children: JobLinks
    /// Every job index once, in plan order (job ids ascend as the plan lists jobs); jobs the
    /// plan or database does not place keep status order.
    public var order: [Int32]
    /// How long the status report alone took to read, seconds.
    public var statusSeconds: Double
    /// The wf_uuid of the sub-workflow each sub-workflow job ran (by job index), to open it
    /// as a run of its own (`status.workflows` has its directory; labels may repeat).
    public var subworkflowUUIDs: [Int32: String]? = nil
    /// For a Pegasus run: the folder of each sub-workflow job the database links to no
    /// workflow, found from its submit file (by job index), or where it would be.
    public var subworkflowFolders: [Int32: SubWorkflowFolder]? = nil

    public init(status: StatusReport, jobs: [JobStatus], transformation: [String], parents: JobLinks, children: JobLinks,
                order: [Int32], statusSeconds: Double = 0) {
        self.status = status; self.jobs = jobs; self.transformation = transformation
        self.parents = parents; self.children = children; self.order = order; self.statusSeconds = statusSeconds
    }
}
