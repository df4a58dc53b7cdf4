extension ExecutableWorkflow {
    /// The ids of every job so far, for `unusedID`.
    func jobIDs(_ context: PlanningContext) -> TakenIDs { TakenIDs(self, context) }

    /// `base`, or `base` with a `_skeinN` suffix when a job (a user's job named like a
    /// generated one, `create_dir_...`, `stage_in_...`) already has it: a user job must
    /// never share its id, records and journal lines with a job the planner added. The id
    /// returned is added to `taken`.
    static func unusedID(_ base: String, taken: inout TakenIDs) -> String {
        var id = base
        var n = 1
        while taken.contains(id) {
            id = "\(base)_skein\(n)"
            n += 1
        }
        taken.insert(id)
        return id
    }
}

/// The ids jobs have, as a set would hold them, without hashing every id: a job planned
/// from an abstract job under that job's own id is found through the graph's index of the
/// abstract ids (built once, by validation) and one flag; only the other jobs' ids (the
/// planner's own, renamed ones) are hashed here. Nine passes each made a set of every id,
/// 1.2 million strings at a million jobs, to add a handful of jobs.
struct TakenIDs {
    private let abstractIDs: [String: Int]
    /// Whether abstract job `n` is planned under its own id.
    private var ownID: [Bool]
    private var others = Set<String>()

    init(_ workflow: ExecutableWorkflow, _ context: PlanningContext) {
        abstractIDs = context.graph.index
        ownID = Array(repeating: false, count: context.graph.ids.count)
        // With no id used twice (a valid workflow), abstract job `a`'s id indexes `a`: no hash per job.
        let unique = abstractIDs.count == context.graph.ids.count
        for i in workflow.jobs.indices {
            let id = workflow.jobs[i].job.id
            if let a = workflow.jobs[i].abstractIndex, a < ownID.count, context.graph.ids[a] == id, unique || abstractIDs[id] == a {
                ownID[a] = true
            } else {
                others.insert(id)
            }
        }
    }

    /// For tests: exactly `ids`.
    init(_ ids: Set<String>) {
        abstractIDs = [:]
        ownID = []
        others = ids
    }

    func contains(_ id: String) -> Bool {
        if others.contains(id) { return true }
        if let a = abstractIDs[id], a < ownID.count { return ownID[a] }
        return false
    }

    mutating func insert(_ id: String) { others.insert(id) }

    mutating func remove(_ id: String) {
        others.remove(id)
        if let a = abstractIDs[id], a < ownID.count { ownID[a] = false }
    }
}
