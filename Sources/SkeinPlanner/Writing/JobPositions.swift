/// Each planned job's place in the plan by its id, for writing every job's parents as
/// indices while plan.json is written: a `NameTable` of job numbers over the ids in job order
/// (compared there, not in the jobs: a job is hundreds of bytes, and a cache miss each).
/// `ExecutableWorkflow.jobIndex()`'s `[String: Int]` was 50 MB at a million jobs, and its
/// SipHash per parent a fifth of writing the plan.
struct JobPositions {
    private let table: NameTable
    /// The jobs' ids (their storage shared with the jobs').
    private let ids: [String]
    /// Whether no two jobs share an id (then a guess that names the id is the answer).
    private let unique: Bool

    /// A later job with an id wins, as in `jobIndex()`.
    init(_ jobs: UnsafeBufferPointer<PlannedJob>) {
        let ids = jobs.map(\.job.id)
        var table = NameTable()
        table.reserve(ids.count)
        var unique = true
        for i in ids.indices {
            if table.insert(ids[i], as: i, names: ids) != nil { unique = false }
        }
        self.table = table
        self.ids = ids
        self.unique = unique
    }

    /// Where the `k`th parent of the jobs before was found, in a run of consecutive jobs.
    struct Guesses {
        fileprivate var last: [Int] = []
    }

    /// As `position(of:)`, trying first the place of the `parent`th parent of the job before
    /// and the one after it: consecutive jobs of a level often have consecutive parents
    /// (montage's mBackground `i` reads mProject `i`), and a job's id beside the last one
    /// found is in the cache, where a hashed slot and its id were two misses each (a fifth
    /// of writing a million-job plan).
    func position(of id: String, parent k: Int, guesses: inout Guesses) -> Int? {
        if unique, k < guesses.last.count {
            let last = guesses.last[k]
            if last + 1 < ids.count, ids[last + 1] == id {
                guesses.last[k] = last + 1
                return last + 1
            }
            if ids[last] == id { return last }
        }
        guard let found = position(of: id) else { return nil }
        if k < guesses.last.count { guesses.last[k] = found } else if k == guesses.last.count, k < 16 { guesses.last.append(found) }
        return found
    }

    /// The place of the job `id`.
    func position(of id: String) -> Int? { table.find(id, in: ids) }
}
