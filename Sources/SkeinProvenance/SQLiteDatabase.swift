import CSQLite

/// One SQLite connection: the thin layer every SkeinProvenance store is built on (the decision
/// was plain C API, no GRDB). Not thread-safe by itself: each owner confines it to one queue
/// or guards it with a lock.
public final class SQLiteDatabase {
    /// The file this connection opened (":memory:" for an in-memory database).
    public let path: String
    let handle: OpaquePointer
    private var statementCache: [String: SQLiteStatement] = [:]
    private var savepointDepth = 0

    /// Opens (and with `create`, creates) the database at `path`.
    /// - Parameters:
    ///   - readOnly: open without write access (readers of a run that an engine is writing).
    ///   - create: create the file if missing (ignored when `readOnly`).
    ///   - busyTimeout: seconds to wait on a lock held by another connection before failing.
    public init(path: String, readOnly: Bool = false, create: Bool = true, busyTimeout: Double = 5) throws {
        var db: OpaquePointer?
        var flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        flags |= SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(path: path, operation: readOnly ? "open read-only" : "open", code: rc, message: message)
        }
        self.path = path
        self.handle = db
        sqlite3_extended_result_codes(db, 1)
        setBusyTimeout(seconds: busyTimeout)
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Waits up to `seconds` for locks held by other connections before reporting SQLITE_BUSY.
    public func setBusyTimeout(seconds: Double) {
        sqlite3_busy_timeout(handle, Int32(max(0, seconds) * 1000))
    }

    func error(_ operation: String, sql: String? = nil, code: Int32) -> SQLiteError {
        SQLiteError(path: path, operation: operation, sql: sql, code: code,
                    message: String(cString: sqlite3_errmsg(handle)))
    }

    /// Runs one or more SQL statements that return nothing of interest (DDL, pragmas).
    public func execute(_ sql: String) throws {
        var errmsg: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errmsg)
        if rc != SQLITE_OK {
            let message = errmsg.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errmsg)
            throw SQLiteError(path: path, operation: "execute", sql: sql, code: rc, message: message)
        }
    }

    /// Prepares a new statement (the caller owns it).
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(db: handle, path: path, sql: sql)
    }

    /// A statement prepared once per connection and reused: the writer's hot path.
    public func cached(_ sql: String) throws -> SQLiteStatement {
        if let s = statementCache[sql] { return s }
        let s = try prepare(sql)
        statementCache[sql] = s
        return s
    }

    /// Runs a statement with parameters to completion.
    public func run(_ sql: String, _ values: [any SQLiteBindable] = []) throws {
        try cached(sql).run(values)
    }

    /// Returns all rows of a query.
    public func query(_ sql: String, _ values: [any SQLiteBindable] = []) throws -> [SQLiteRow] {
        try cached(sql).query(values)
    }

    /// The first column of the first row, or `.null` when there is no row.
    public func scalar(_ sql: String, _ values: [any SQLiteBindable] = []) throws -> SQLiteValue {
        try query(sql, values).first?.values.first ?? .null
    }

    /// Row id of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the most recent statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// True outside any transaction.
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Runs `body` in a transaction (BEGIN IMMEDIATE, so the write lock is taken up front and a
    /// busy database is waited on at the start, not mid-batch). Nested calls use savepoints.
    /// Commits when `body` returns, rolls back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if !isAutocommit {
            savepointDepth += 1
            let name = "skein_sp\(savepointDepth)"
            defer { savepointDepth -= 1 }
            try execute("SAVEPOINT \(name)")
            do {
                let result = try body()
                try execute("RELEASE \(name)")
                return result
            } catch {
                try? execute("ROLLBACK TO \(name); RELEASE \(name)")
                throw error
            }
        }
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if !isAutocommit { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// `PRAGMA integrity_check` joined into one string: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try query("PRAGMA integrity_check").compactMap { $0[0].string }.joined(separator: "\n")
    }

    /// Sets the journal mode and returns the mode SQLite reports back (it may refuse WAL).
    @discardableResult
    public func setJournalMode(_ mode: JournalMode) throws -> String {
        let reported = try scalar("PRAGMA journal_mode=\(mode.rawValue)").string ?? ""
        return reported.uppercased()
    }

    /// The journal mode in effect ("WAL", "DELETE", ...).
    public func journalMode() throws -> String {
        (try scalar("PRAGMA journal_mode").string ?? "").uppercased()
    }

    /// Names of the user tables in the database.
    public func tableNames() throws -> Set<String> {
        Set(try query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0[0].string })
    }

    /// Column names of `table`, in order (empty when the table does not exist).
    public func columnNames(of table: String) throws -> [String] {
        try prepare("PRAGMA table_info(\"\(table)\")").query().compactMap { $0["name"].string }
    }
}
