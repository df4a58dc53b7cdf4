import SkeinWorkflow

/// What every pass reads and none changes: the abstract workflow with its catalogs, its
/// DAG, the options, and lookup tables built once (so 100,000 jobs are placed without
/// scanning a catalog per job).
struct PlanningContext {
    let loaded: LoadedWorkflow
    let workflow: Workflow
    let graph: WorkflowGraph
    let options: PlanOptions
    let transformations: TransformationIndex
    let replicas: ReplicaLocations

    /// `graph`: the one validation built of this workflow, if at hand (else built here).
    init(_ loaded: LoadedWorkflow, _ workflow: Workflow, options: PlanOptions, graph: WorkflowGraph? = nil) {
        self.loaded = loaded
        self.workflow = workflow
        self.graph = graph.flatMap { $0.count == workflow.jobs.count ? $0 : nil } ?? WorkflowGraph(workflow)
        self.options = options
        self.transformations = TransformationIndex(loaded.transformations?.transformations ?? [])
        self.replicas = ReplicaLocations(loaded.replicas, catalogFile: loaded.replicasFile, reused: options.reusedReplicas)
    }

    /// The first site to run: where the run's scratch folder and create_dir job live.
    var primarySite: String { options.sitesToRun.first ?? "local" }
}
