import Dispatch
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

/// `(0..<count).map(transform)` on two threads, each a half, for a pass whose per-job work
/// reads only shared values: the machine's second core does half of a million jobs. Small
/// counts run on this thread alone. `transform` must only read what it captures.
func twoThreadMap<T>(_ count: Int, _ transform: (Int) -> T) -> [T] {
    guard count >= 20_000 else { return (0..<count).map(transform) }
    return withoutActuallyEscaping(transform) { transform in
        let shared = UncheckedSendable(transform)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let base = UncheckedSendable(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: 2) { half in
                let lower = half == 0 ? 0 : count / 2, upper = half == 0 ? count / 2 : count
                for i in lower..<upper { (base.value + i).initialize(to: shared.value(i)) }
            }
            initialized = count
        }
    }
}

/// A value handed to the two halves of `twoThreadMap`, which only read it (or write apart).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
