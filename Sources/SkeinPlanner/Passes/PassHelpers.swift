import SkeinWorkflow

extension ExecutableWorkflow {
    /// The abstract parents of abstract job `index` that are planned (data reuse left the
    /// others out: their files come from the catalog).
    func plannedParents(of index: Int, _ context: PlanningContext) -> [Int] {
        context.graph.parents[index].filter { pruned[$0] == nil }
    }
}

extension PlanningContext {
    /// Whether one of `parents` (abstract jobs) writes `lfn`: then it is not fetched or linked.
    func madeByParent(_ lfn: String, parents: [Int]) -> Bool {
        parents.contains { p in workflow.jobs[p].uses.contains { $0.lfn == lfn && $0.type.isOutput } }
    }
}

/// How many transfer or cleanup jobs a level gets: a fixed count when the properties give
/// one, else one per `perJob` compute jobs of the level (Pegasus's BalancedCluster and
/// InPlace defaults), never more than there are files, at least one.
func auxiliaryJobCount(files: Int, jobsOnLevel: Int, perJob: Int, fixed: Int? = nil) -> Int {
    max(1, min(files, fixed ?? (jobsOnLevel + perJob - 1) / perJob))
}

