import SkeinWorkflow

/// Whether a job's planned parents write a file, for jobs that ask about many files: a join
/// with 10,000 parents and 10,000 inputs asked `PlanningContext.madeByParent` per input,
/// scanning every parent each time (10^8 comparisons per join). The parents' outputs are
/// gathered into a set once, on the first question, so a job whose inputs all lack a
/// replica (the usual join) pays nothing.
struct ParentOutputs {
    private let parents: [Int]
    /// The abstract jobs alone, not a copy of the whole context (its every field retained and
    /// released per job).
    private let jobs: [Job]
    private var outputs: Set<String>?

    init(parents: [Int], _ context: PlanningContext) {
        self.parents = parents
        self.jobs = context.workflow.jobs
    }

    mutating func contains(_ lfn: String) -> Bool {
        if outputs == nil {
            var made = Set<String>()
            for p in parents {
                for use in jobs[p].uses where use.type.isOutput { made.insert(use.lfn) }
            }
            outputs = made
        }
        return outputs!.contains(lfn)
    }
}
