/// Each planned job's place in the plan by its id, for writing every job's parents as
/// indices while plan.json is written: an open-addressed table of job numbers (4 bytes a
/// slot) under a hash of the id's bytes, and the ids in job order (compared there, not in
/// the jobs: a job is hundreds of bytes, and a cache miss each). `ExecutableWorkflow.jobIndex()`'s
/// `[String: Int]` was 50 MB at a million jobs, and its SipHash per parent a fifth of writing
/// the plan.
struct JobPositions {
    private var slots: [Int32]
    private let mask: Int
    /// The jobs' ids (their storage shared with the jobs').
    private let ids: [String]
    /// Whether no two jobs share an id (then a guess that names the id is the answer).
    private let unique: Bool

    /// A later job with an id wins, as in `jobIndex()`.
    init(_ jobs: UnsafeBufferPointer<PlannedJob>) {
        precondition(jobs.count < Int(Int32.max), "more jobs than a plan holds")
        // At most three quarters full (linear probing stays short); 8 MB at a million jobs.
        var size = 16
        while 3 * size < 4 * jobs.count { size <<= 1 }
        var slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        let ids = jobs.map(\.job.id)
        var unique = true
        for i in ids.indices {
            var slot = Self.hash(ids[i]) & mask
            while slots[slot] >= 0 && ids[Int(slots[slot])] != ids[i] { slot = (slot + 1) & mask }
            if slots[slot] >= 0 { unique = false }
            slots[slot] = Int32(i)
        }
        self.slots = slots
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
    func position(of id: String) -> Int? {
        var slot = Self.hash(id) & mask
        while true {
            let n = slots[slot]
            if n < 0 { return nil }
            if ids[Int(n)] == id { return Int(n) }
            slot = (slot + 1) & mask
        }
    }

    /// FNV-1a of the UTF-8 bytes, then MurmurHash3's finalizer: a product moves bits only
    /// upwards, and the table uses the low ones (ids that differ in a digit or two).
    static func hash(_ id: String) -> Int {
        var text = id
        return text.withUTF8 { bytes in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            h ^= h >> 33
            h &*= 0xff51_afd7_ed55_8ccd
            h ^= h >> 33
            return Int(truncatingIfNeeded: h)
        }
    }
}
