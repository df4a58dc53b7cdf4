import Foundation
import XCTest
@testable import SkeinProvenance

/// The schema Skein creates must be Pegasus's stampede v14: checked against the reference
/// markdown (every table, column, type, NOT NULL, primary key, unique constraint) and against
/// a database written by Pegasus itself.
final class StampedeSchemaTests: XCTestCase {
    struct RefColumn: Equatable { var name: String; var type: String; var notNull: Bool }
    struct RefTable { var name: String; var optional: Bool; var pk: [String] = []; var uniques: [[String]] = []; var columns: [RefColumn] = [] }

    /// Parses reference/stampede-schema-v14.md.
    func parseReference() throws -> [String: RefTable] {
        let text = try String(contentsOf: TestPaths.schemaMarkdown, encoding: .utf8)
        var tables: [String: RefTable] = [:]
        var current: RefTable?
        func quotedNames(_ s: Substring) -> [String] {
            s.split(separator: "'", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }
        }
        for line in text.split(separator: "\n") {
            if line.hasPrefix("## ") {
                if let t = current { tables[t.name] = t }
                let parts = line.dropFirst(3).split(separator: " ")
                current = RefTable(name: String(parts[0]), optional: line.contains("[optional]"))
            } else if line.hasPrefix("PK: "), current != nil {
                let halves = line.components(separatedBy: "; UNIQUE: ")
                current!.pk = quotedNames(Substring(halves[0]))
                // UNIQUE: [('NAME', ['a', 'b']), ...]: names at even positions after the constraint name
                for group in halves[1].components(separatedBy: "('").dropFirst() {
                    let names = quotedNames(Substring("'" + group))
                    current!.uniques.append(Array(names.dropFirst()))
                }
            } else if line.hasPrefix("- "), current != nil {
                let body = line.dropFirst(2)
                guard let colon = body.firstIndex(of: ":") else { continue }
                let name = String(body[..<colon])
                var rest = String(body[body.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                for marker in [" ->", " enum="] { if let r = rest.range(of: marker) { rest = String(rest[..<r.lowerBound]) } }
                let notNull = rest.hasSuffix(" NOT NULL")
                let type = notNull ? String(rest.dropLast(" NOT NULL".count)) : rest
                current!.columns.append(RefColumn(name: name, type: type, notNull: notNull))
            }
        }
        if let t = current { tables[t.name] = t }
        return tables
    }

    func makeDatabase() throws -> SQLiteDatabase {
        let db = try SQLiteDatabase(path: ":memory:")
        try StampedeSchema.create(in: db)
        return db
    }

    func testSchemaEqualsReferenceMarkdown() throws {
        let reference = try parseReference()
        XCTAssertEqual(reference.count, 24, "reference tables parsed")
        let db = try makeDatabase()
        let created = try db.tableNames().filter { !$0.hasPrefix("sqlite_") }
        XCTAssertEqual(created, Set(reference.keys), "same set of tables")
        for (name, ref) in reference {
            let info = try db.prepare("PRAGMA table_info(\"\(name)\")").query()
            let columns = info.map { RefColumn(name: $0["name"].string!, type: $0["type"].string!, notNull: $0["notnull"].int == 1) }
            XCTAssertEqual(columns, ref.columns, "columns of \(name)")
            let pk = info.filter { ($0["pk"].int ?? 0) > 0 }.sorted { $0["pk"].int! < $1["pk"].int! }.map { $0["name"].string! }
            XCTAssertEqual(pk, ref.pk, "primary key of \(name)")
            var uniques: [[String]] = []
            for index in try db.prepare("PRAGMA index_list(\"\(name)\")").query() where index["origin"].string == "u" {
                let cols = try db.prepare("PRAGMA index_info(\"\(index["name"].string!)\")").query()
                    .sorted { $0["seqno"].int! < $1["seqno"].int! }.map { $0["name"].string! }
                uniques.append(cols)
            }
            XCTAssertEqual(Set(uniques), Set(ref.uniques), "unique constraints of \(name)")
        }
        XCTAssertEqual(Set(reference.filter { $0.value.optional }.keys), StampedeSchema.optionalTables)
    }

    func testSchemaEqualsPegasusWrittenDatabase() throws {
        let fixture = TestPaths.fixtureRuns.appendingPathComponent("process_wf_success/process-0.stampede.db").path
        let pegasus = try SQLiteDatabase(path: fixture, readOnly: true)
        let ours = try makeDatabase()
        XCTAssertEqual(try ours.tableNames(), try pegasus.tableNames())
        for table in try pegasus.tableNames() {
            XCTAssertEqual(try ours.prepare("PRAGMA table_xinfo(\"\(table)\")").query().map(\.values),
                           try pegasus.prepare("PRAGMA table_xinfo(\"\(table)\")").query().map(\.values), table)
        }
        XCTAssertEqual(try StampedeSchema.missingTables(in: pegasus), [])
        XCTAssertEqual(try StampedeSchema.missingColumns(in: pegasus), [:])
        XCTAssertEqual(try StampedeSchema.storedVersion(in: pegasus), 14)
    }

    func testVersionRowAndChecks() throws {
        let db = try makeDatabase()
        let row = try db.query("SELECT version_number, version FROM dbversion").first
        XCTAssertEqual(row?["version"], .text("14"))
        XCTAssertEqual(row?["version_number"].int, 14)
        XCTAssertEqual(try StampedeSchema.missingTables(in: db), [])

        try db.execute("DROP TABLE \"trigger\"")  // optional for Pegasus's readers
        XCTAssertEqual(try StampedeSchema.missingTables(in: db), [])
        try db.execute("DROP TABLE tag; ALTER TABLE job_instance DROP COLUMN stdin_file")
        XCTAssertEqual(try StampedeSchema.missingTables(in: db), ["tag"])
        XCTAssertEqual(try StampedeSchema.missingColumns(in: db), ["job_instance": ["stdin_file"]])
        XCTAssertThrowsError(try StampedeSchema.prepare(db)) { error in
            XCTAssertTrue("\(error)".contains("tag"), "\(error)")
        }
    }

    func testPrepareAcceptsExistingAndExtraTables() throws {
        let db = try makeDatabase()
        try db.execute("CREATE TABLE skein_extra (x INTEGER)")
        XCTAssertNoThrow(try StampedeSchema.prepare(db))
        XCTAssertEqual(try db.int("SELECT count(*) FROM dbversion"), 1, "no second version row")
    }
}
