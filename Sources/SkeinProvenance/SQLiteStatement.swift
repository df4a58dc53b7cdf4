import CSQLite

/// A prepared statement: bind, step, read columns. Wrapped so that every failure becomes an
/// `SQLiteError` naming the database and the SQL, and so statements are finalized exactly once.
public final class SQLiteStatement {
    let handle: OpaquePointer
    /// The SQL this statement was prepared from.
    public let sql: String
    /// Path of the owning database, for error messages.
    public let path: String
    private let db: OpaquePointer

    init(db: OpaquePointer, path: String, sql: String) throws {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            throw SQLiteError(path: path, operation: "prepare", sql: sql, code: rc,
                              message: String(cString: sqlite3_errmsg(db)))
        }
        self.handle = stmt
        self.sql = sql
        self.path = path
        self.db = db
    }

    deinit { sqlite3_finalize(handle) }

    private static let transient = unsafeBitCast(Int(-1), to: sqlite3_destructor_type.self)

    private func error(_ operation: String, _ rc: Int32) -> SQLiteError {
        SQLiteError(path: path, operation: operation, sql: sql, code: rc,
                    message: String(cString: sqlite3_errmsg(db)))
    }

    /// Binds one value to a 1-based parameter index.
    public func bind(_ value: SQLiteValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .real(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let s): rc = sqlite3_bind_text(handle, index, s, -1, Self.transient)
        case .blob(let b):
            rc = b.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
        }
        guard rc == SQLITE_OK else { throw error("bind parameter \(index)", rc) }
    }

    /// Resets the statement and binds `values` to parameters 1...n.
    public func bind(_ values: [any SQLiteBindable]) throws {
        reset()
        for (i, v) in values.enumerated() { try bind(v.sqliteValue, at: Int32(i + 1)) }
    }

    // Typed binds for the writer's per-attempt rows: no array of existentials and no
    // `SQLiteValue` per value. A statement bound this way is run with `runBound()`, and
    // every one of its parameters is bound again before each run.

    public func bind(_ value: Int64, at index: Int32) throws {
        let rc = sqlite3_bind_int64(handle, index, value)
        guard rc == SQLITE_OK else { throw error("bind parameter \(index)", rc) }
    }

    public func bind(_ value: Int, at index: Int32) throws { try bind(Int64(value), at: index) }

    public func bind(_ value: Int?, at index: Int32) throws {
        if let value { try bind(Int64(value), at: index) } else { try bindNull(at: index) }
    }

    public func bind(_ value: Int64?, at index: Int32) throws {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    public func bind(_ value: Double?, at index: Int32) throws {
        let rc = value.map { sqlite3_bind_double(handle, index, $0) } ?? sqlite3_bind_null(handle, index)
        guard rc == SQLITE_OK else { throw error("bind parameter \(index)", rc) }
    }

    /// Text (SQLite copies it), or NULL for nil.
    public func bind(_ value: String?, at index: Int32) throws {
        guard var value else { return try bindNull(at: index) }
        let rc = value.withUTF8 { bytes -> Int32 in
            // An empty string is text, not NULL: it needs a pointer all the same.
            guard let base = bytes.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, Self.transient) }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { sqlite3_bind_text(handle, index, $0, Int32(bytes.count), Self.transient) }
        }
        guard rc == SQLITE_OK else { throw error("bind parameter \(index)", rc) }
    }

    public func bindNull(at index: Int32) throws {
        let rc = sqlite3_bind_null(handle, index)
        guard rc == SQLITE_OK else { throw error("bind parameter \(index)", rc) }
    }

    /// Runs a statement bound with the typed binds to completion and rewinds it.
    public func runBound() throws {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Steps once: true when a row is available, false when done.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw error("step", rc)
        }
    }

    /// Resets, binds `values`, and runs to completion (for INSERT/UPDATE/DELETE).
    public func run(_ values: [any SQLiteBindable] = []) throws {
        try bind(values)
        defer { reset() }
        while try step() {}
    }

    /// Resets, binds `values`, and returns every result row.
    public func query(_ values: [any SQLiteBindable] = []) throws -> [SQLiteRow] {
        try bind(values)
        defer { reset() }
        let names = (0..<columnCount).map(columnName)
        var rows: [SQLiteRow] = []
        while try step() {
            rows.append(SQLiteRow(columns: names, values: (0..<columnCount).map(value)))
        }
        return rows
    }

    /// Rewinds the statement and clears its bindings.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public var columnCount: Int32 { sqlite3_column_count(handle) }

    public func columnName(_ i: Int32) -> String { String(cString: sqlite3_column_name(handle, i)) }

    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }

    public func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }

    public func double(_ i: Int32) -> Double { sqlite3_column_double(handle, i) }

    /// Column text, or nil when the column is NULL.
    public func text(_ i: Int32) -> String? {
        guard let p = sqlite3_column_text(handle, i) else { return nil }
        return String(cString: p)
    }

    /// The column as a typed `SQLiteValue`.
    public func value(_ i: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: return .integer(int64(i))
        case SQLITE_FLOAT: return .real(double(i))
        case SQLITE_TEXT: return .text(text(i) ?? "")
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(handle, i))
            guard n > 0, let p = sqlite3_column_blob(handle, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
        default: return .null
        }
    }
}
