extension ExecutableWorkflow {
    /// The ids of every job so far, for `unusedID`.
    var jobIDs: Set<String> { Set(jobs.map(\.job.id)) }

    /// `base`, or `base` with a `_skeinN` suffix when a job (a user's job named like a
    /// generated one, `create_dir_...`, `stage_in_...`) already has it: a user job must
    /// never share its id, records and journal lines with a job the planner added. The id
    /// returned is added to `taken`.
    static func unusedID(_ base: String, taken: inout Set<String>) -> String {
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
