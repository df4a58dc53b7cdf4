import XCTest
@testable import SkeinProvenance

/// The wrapper: errors say which database and what failed; transactions roll back.
final class SQLiteDatabaseTests: XCTestCase {
    func testErrorsNameDatabaseAndOperation() throws {
        let dir = try TestPaths.tempDir(self)
        let db = try SQLiteDatabase(path: dir + "/x.db")
        XCTAssertThrowsError(try db.execute("SELEC 1")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(dir + "/x.db") && text.contains("SELEC 1"), text)
        }
        XCTAssertThrowsError(try SQLiteDatabase(path: dir + "/missing/y.db")) { error in
            XCTAssertTrue("\(error)".contains("missing/y.db") && "\(error)".contains("open"), "\(error)")
        }
        XCTAssertThrowsError(try SQLiteDatabase(path: dir + "/none.db", readOnly: true))
    }

    func testTransactionsCommitAndRollBack() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
        try db.transaction { try db.run("INSERT INTO t VALUES (?, ?)", [1, "one"]) }
        XCTAssertThrowsError(try db.transaction {
            try db.run("INSERT INTO t VALUES (?, ?)", [2, "two"])
            try db.run("INSERT INTO t VALUES (?, ?)", [1, "dup"])
        })
        XCTAssertEqual(try db.int("SELECT count(*) FROM t"), 1)
        try db.transaction {
            try db.run("INSERT INTO t VALUES (3, 'three')")
            _ = try? db.transaction { try db.run("INSERT INTO t VALUES (1, 'dup')") }  // savepoint rolls back alone
        }
        XCTAssertEqual(try db.int("SELECT count(*) FROM t"), 2)
        XCTAssertTrue(db.isAutocommit)
        XCTAssertEqual(try db.integrityCheck(), "ok")
    }

    func testBindAndReadValues() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE v (i INTEGER, r REAL, s TEXT, n TEXT, b BLOB)")
        let optional: String? = nil
        try db.run("INSERT INTO v VALUES (?,?,?,?,?)", [Int64.max, 1.5, "ü'x", optional, SQLiteValue.blob([1, 2])])
        let row = try XCTUnwrap(db.query("SELECT * FROM v").first)
        XCTAssertEqual(row["i"], .integer(Int64.max))
        XCTAssertEqual(row["r"].double, 1.5)
        XCTAssertEqual(row["s"].string, "ü'x")
        XCTAssertTrue(row["n"].isNull)
        XCTAssertEqual(row["b"], .blob([1, 2]))
    }
}
