#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Creating and checking Pegasus's stampede schema v14. The check mirrors what Pegasus's
/// readers do (`Pegasus.db.admin.admin_loader._verify_tables`): every table must exist with
/// every column, except `trigger`; a `dbversion` row must say 14. Extra tables and columns
/// (Skein's own) are allowed.
public enum StampedeSchema {
    /// The schema version Pegasus 5.x expects in `dbversion.version`.
    public static let version = 14

    /// Tables a reader may find missing without complaint.
    public static let optionalTables: Set<String> = ["trigger"]

    /// Every table of the schema with its columns in order, derived from the DDL itself so
    /// there is one source of truth.
    public static let expectedColumns: [String: [String]] = {
        do {
            let db = try SQLiteDatabase(path: ":memory:")
            for sql in StampedeDDL.statements { try db.execute(sql) }
            var result: [String: [String]] = [:]
            for table in try db.tableNames() where !table.hasPrefix("sqlite_") {
                result[table] = try db.columnNames(of: table)
            }
            return result
        } catch {
            fatalError("StampedeDDL does not compile: \(error)")
        }
    }()

    /// Tables Pegasus's readers insist on.
    public static var requiredTables: Set<String> { Set(expectedColumns.keys).subtracting(optionalTables) }

    /// Creates every table and index of v14 and inserts the `dbversion` row, in one transaction.
    public static func create(in db: SQLiteDatabase, now: Double = currentTime()) throws {
        try db.transaction {
            for sql in StampedeDDL.statements { try db.execute(sql) }
            try db.run("INSERT INTO dbversion (version_number, version, version_timestamp) VALUES (?, ?, ?)",
                       [version, String(version), Int64(now)])
        }
    }

    /// Required tables that do not exist, sorted.
    public static func missingTables(in db: SQLiteDatabase) throws -> [String] {
        let present = try db.tableNames()
        return requiredTables.subtracting(present).sorted()
    }

    /// Columns missing from tables that do exist, per table (absent tables are not listed here).
    public static func missingColumns(in db: SQLiteDatabase) throws -> [String: [String]] {
        let present = try db.tableNames()
        var missing: [String: [String]] = [:]
        for (table, columns) in expectedColumns where present.contains(table) {
            let have = Set(try db.columnNames(of: table))
            let lacking = columns.filter { !have.contains($0) }
            if !lacking.isEmpty { missing[table] = lacking }
        }
        return missing
    }

    /// The `version` of the newest `dbversion` row, as Pegasus reads it; nil if none.
    public static func storedVersion(in db: SQLiteDatabase) throws -> Double? {
        guard try db.tableNames().contains("dbversion") else { return nil }
        return try db.scalar("SELECT version FROM dbversion ORDER BY id DESC LIMIT 1").double
    }

    /// Creates the schema in an empty database, or checks an existing one as Pegasus would.
    /// Throws `StampedeSchemaError` when an existing database is not stampede v14.
    public static func prepare(_ db: SQLiteDatabase) throws {
        let tables = try db.tableNames().filter { !$0.hasPrefix("sqlite_") }
        if tables.isEmpty { return try create(in: db) }
        let missing = try missingTables(in: db)
        let columns = try missingColumns(in: db)
        guard missing.isEmpty, columns.isEmpty else {
            throw StampedeSchemaError(path: db.path, problem: "missing tables \(missing), missing columns \(columns)")
        }
        let stored = try storedVersion(in: db)
        guard stored == Double(version) else {
            throw StampedeSchemaError(path: db.path, problem: "dbversion is \(stored.map { String($0) } ?? "absent"), expected \(version)")
        }
    }

    /// Wall-clock seconds since the epoch, with fractions.
    public static func currentTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// An existing file that is not a stampede v14 database.
public struct StampedeSchemaError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let problem: String
    public var description: String { "\(path) is not a Pegasus stampede v14 database: \(problem)" }
}
