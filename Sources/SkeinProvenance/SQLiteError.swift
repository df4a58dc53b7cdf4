import CSQLite

/// An SQLite failure that names the database file and the operation that failed, because
/// "database is locked" alone is useless when an engine writes one database per run and a
/// registry besides.
public struct SQLiteError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Path of the database file (":memory:" for in-memory databases).
    public let path: String
    /// What was being done: "open", "prepare", "step", "exec", "bind", "pragma", ...
    public let operation: String
    /// The SQL text involved, if any.
    public let sql: String?
    /// SQLite's (extended) result code.
    public let code: Int32
    /// SQLite's message (sqlite3_errmsg) or our own explanation.
    public let message: String

    public init(path: String, operation: String, sql: String? = nil, code: Int32, message: String) {
        self.path = path
        self.operation = operation
        self.sql = sql
        self.code = code
        self.message = message
    }

    public var description: String {
        var text = "SQLite error \(code) in \(path) during \(operation): \(message)"
        if let sql {
            let short = sql.count > 200 ? String(sql.prefix(200)) + "…" : sql
            text += " [SQL: \(short.split(whereSeparator: \.isNewline).joined(separator: " "))]"
        }
        return text
    }
}
