/// A batch of `StampedeOp`s applied in order, with runs of consecutive `jobstate` rows (an
/// attempt's SUBMIT and EXECUTE, its five states at the end, and other attempts' in between)
/// inserted by one multi-row INSERT each: the same rows in the same order, fewer statements.
extension StampedeOp {
    /// Most `jobstate` rows one INSERT carries (5 values each, well under SQLite's limit).
    static let jobStatesPerInsert = 16

    /// Applies `ops` in order (inside the caller's transaction).
    static func apply(_ ops: [StampedeOp], to db: SQLiteDatabase) throws {
        var i = 0
        while i < ops.count {
            guard case .jobState = ops[i] else {
                try ops[i].apply(to: db)
                i += 1
                continue
            }
            var end = i + 1
            while end < ops.count, end - i < jobStatesPerInsert, case .jobState = ops[end] { end += 1 }
            try insertJobStates(ops[i..<end], into: db)
            i = end
        }
    }

    /// Inserts the `jobstate` rows of `ops` (all `.jobState`) with one statement.
    static func insertJobStates(_ ops: ArraySlice<StampedeOp>, into db: SQLiteDatabase) throws {
        let statement = try db.cached(jobStatesSQL[ops.count])
        var parameter: Int32 = 1
        for op in ops {
            guard case .jobState(let id, let state, let timestamp, let seq, let reason) = op else { continue }
            try statement.bind(id, at: parameter)
            try statement.bind(state.rawValue, at: parameter + 1)
            try statement.bind(timestamp, at: parameter + 2)
            try statement.bind(seq, at: parameter + 3)
            try statement.bind(reason, at: parameter + 4)
            parameter += 5
        }
        try statement.runBound()
    }

    /// The INSERT of n `jobstate` rows, by n (index 0 unused).
    static let jobStatesSQL: [String] = (0...jobStatesPerInsert).map { n in
        "INSERT INTO jobstate (job_instance_id, state, timestamp, jobstate_submit_seq, reason) VALUES "
            + Array(repeating: "(?,?,?,?,?)", count: max(n, 1)).joined(separator: ",")
    }
}
