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

    /// `madeByParent` for the `inputs` files of one job. A join (a montage's mAdd: 500,000
    /// inputs from 250,000 parents at a million jobs) asks once per input: the parents'
    /// outputs become a set once, instead of a scan of every parent per input (quadratic).
    func madeByParent(of parents: [Int], inputs: Int) -> (String) -> Bool {
        guard parents.count * inputs > 256 else { return { lfn in madeByParent(lfn, parents: parents) } }
        let made = Set(parents.lazy.flatMap { p in workflow.jobs[p].uses.lazy.filter { $0.type.isOutput }.map(\.lfn) })
        return { made.contains($0) }
    }
}

/// How many transfer or cleanup jobs a level gets: a fixed count when the properties give
/// one, else one per `perJob` compute jobs of the level (Pegasus's BalancedCluster and
/// InPlace defaults), never more than there are files, at least one.
func auxiliaryJobCount(files: Int, jobsOnLevel: Int, perJob: Int, fixed: Int? = nil) -> Int {
    max(1, min(files, fixed ?? (jobsOnLevel + perJob - 1) / perJob))
}
