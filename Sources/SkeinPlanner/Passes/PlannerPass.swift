/// One step of planning: reads the abstract workflow (the context) and changes the
/// executable workflow, without I/O, so each is unit-tested on its own. The planner runs
/// them in order; later features (staging, cleanup, reuse, clustering, containers,
/// sub-workflows) are passes added to that list.
protocol PlannerPass {
    /// For messages and tests.
    var name: String { get }
    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext)
}
