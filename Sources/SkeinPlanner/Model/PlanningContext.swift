import SkeinWorkflow

/// What every pass reads and none changes: the abstract workflow with its catalogs, its
/// DAG, the options, and lookup tables built once (so 100,000 jobs are placed without
/// scanning a catalog per job).
struct PlanningContext {
    private(set) var loaded: LoadedWorkflow
    private(set) var workflow: Workflow
    let graph: WorkflowGraph
    let options: PlanOptions
    let transformations: TransformationIndex
    let replicas: ReplicaLocations
    /// `graph.levels()`, worked out once for the passes that ask (staging, cleanup): each
    /// sorted the million jobs of a montage again.
    let levels: [Int]?
    /// Sandbox and cleanup paths in a scratch folder are held as names (`PathsInFolder`), for
    /// a caller that writes the plan with `PlanWriter.writePlan` or takes `plan()`: the
    /// planned jobs' `job` do not have them whole.
    var pathsAsNames = false

    /// `graph`: the one validation built of this workflow, if at hand (else built here).
    init(_ loaded: LoadedWorkflow, _ workflow: Workflow, options: PlanOptions, graph: WorkflowGraph? = nil) {
        self.loaded = loaded
        self.workflow = workflow
        self.graph = graph.flatMap { $0.count == workflow.jobs.count ? $0 : nil } ?? WorkflowGraph(workflow)
        self.options = options
        self.transformations = TransformationIndex(loaded.transformations?.transformations ?? [])
        self.replicas = ReplicaLocations(loaded.replicas, catalogFile: loaded.replicasFile, reused: options.reusedReplicas)
        self.levels = self.graph.levels()
    }

    /// Lets go of what no pass from the sandbox pass on reads: every (plain) job's profiles
    /// (`ProfilesPass` read them), the dependencies (the graph has them), the replica catalog
    /// as read (`replicas` has what the passes ask) and `loaded`'s copy of the workflow (passes
    /// read `workflow`). Only when this context holds the workflow's only copy: otherwise
    /// every job is copied here. Sub-workflow jobs keep theirs (`SubWorkflowPass` reads them).
    mutating func releaseWhatLaterPassesDoNotRead() {
        loaded.workflow = nil
        loaded.replicas = nil
        workflow.dependencies = []
        for i in workflow.jobs.indices where workflow.jobs[i].kind == .job && !workflow.jobs[i].profiles.namespaces.isEmpty {
            workflow.jobs[i].profiles = Profiles()
        }
    }

    /// The first site to run: where the run's scratch folder and create_dir job live.
    var primarySite: String { options.sitesToRun.first ?? "local" }
}
