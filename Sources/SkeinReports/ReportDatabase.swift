import Foundation
import SkeinProvenance

/// A read-only connection to a run's stampede database with the few queries every report
/// shares (workflows, their states, hosts). Reports stream rows through `each` rather than
/// materialising `SQLiteRow`s: a 100,000-job run has close to a million jobstate rows.
final class ReportDatabase {
    let path: String
    let db: SQLiteDatabase

    /// Tables a report reads; a database without them is not (yet) a stampede database.
    static let neededTables: Set<String> = ["workflow", "workflowstate", "job", "job_instance", "jobstate", "invocation", "job_edge", "host", "task"]

    /// `memoryMapped: false` for a second connection of the same report (`BackgroundRead`):
    /// pages both map would count twice in the process's resident size.
    init(path: String, memoryMapped: Bool = true) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw ReportError.noDatabase(path) }
        do {
            db = try SQLiteDatabase(path: path, readOnly: true, create: false, busyTimeout: 10)
            // On a local disk, read pages through a memory map instead of a pread copy each:
            // a report on a million-job run reads a gigabyte of them. Not on network
            // filesystems, where a mapped file that changes under us is not safe.
            if memoryMapped, JournalPolicy.automatic.resolve(forDatabaseAt: path) == .wal { try? db.execute("PRAGMA mmap_size = 4294967296") }
            let tables = try db.tableNames()
            let missing = Self.neededTables.subtracting(tables)
            if !missing.isEmpty {
                if tables.filter({ !$0.hasPrefix("sqlite_") }).isEmpty { throw ReportError.noDatabase(path) }
                throw ReportError.badDatabase(path, "not a Pegasus stampede database (missing tables: \(missing.sorted().joined(separator: ", ")))")
            }
        } catch let error as ReportError {
            throw error
        } catch {
            throw ReportError.badDatabase(path, "\(error)")
        }
    }

    /// Runs `sql` and calls `body` for each row. Statements are prepared once per
    /// connection (an analysis of hundreds of failed jobs runs the same few queries for each).
    /// `body` must not run the same SQL again (the statement is in use).
    func each(_ sql: String, _ values: [any SQLiteBindable] = [], _ body: (Row) throws -> Void) throws {
        let statement = try db.cached(sql)
        try statement.bind(values)
        defer { statement.reset() }
        let row = Row(statement: statement)
        while try statement.step() { try body(row) }
    }

    /// One row under the cursor: typed, NULL-aware column access.
    struct Row {
        let statement: SQLiteStatement
        func int(_ i: Int32) -> Int? { statement.isNull(i) ? nil : Int(statement.int64(i)) }
        func double(_ i: Int32) -> Double? { statement.isNull(i) ? nil : statement.double(i) }
        func text(_ i: Int32) -> String? { statement.text(i) }
        func string(_ i: Int32) -> String { statement.text(i) ?? "" }
    }

    // MARK: workflows

    struct Workflow: Sendable {
        var id: Int
        var uuid: String
        var parent: Int?
        var root: Int?
        var label: String
        var dag: String
        var submitDir: String
        var timestamp: Double?
    }

    struct WorkflowStateRow: Sendable {
        var state: String
        var timestamp: Double
        var restartCount: Int
        var status: Int?
        var reason: String?
    }

    func workflows() throws -> [Workflow] {
        var result: [Workflow] = []
        try each("SELECT wf_id, wf_uuid, parent_wf_id, root_wf_id, dax_label, dag_file_name, submit_dir, timestamp FROM workflow ORDER BY wf_id") { r in
            result.append(Workflow(id: r.int(0) ?? 0, uuid: r.string(1), parent: r.int(2), root: r.int(3),
                                   label: r.text(4) ?? "", dag: r.text(5) ?? "", submitDir: r.text(6) ?? "", timestamp: r.double(7)))
        }
        return result
    }

    /// The workflow with `uuid`, else the root (no parent); nil when the table is empty.
    /// A sub-workflow's directory (`subWorkflow`) whose workflow has no row yet (its DAGMan
    /// has not started) is no workflow: never the root's, which the database would offer.
    func selectWorkflow(_ uuid: String?, in all: [Workflow], subWorkflow: Bool = false) throws -> Workflow? {
        if let uuid, let wf = all.first(where: { $0.uuid == uuid }) { return wf }
        if all.isEmpty || subWorkflow { return nil }
        if let uuid, !uuid.isEmpty {
            // A braindump that names a workflow the database does not hold: say so, unless
            // the database has a single workflow (a run directory that was copied).
            if all.count > 1 { throw ReportError.unknownWorkflow(uuid, path) }
        }
        return all.first { $0.parent == nil } ?? all[0]
    }

    /// `wf` and every workflow below it, depth-first (parents before children), with depths.
    func descendants(of wf: Workflow, in all: [Workflow]) -> [(Workflow, Int)] {
        var children: [Int: [Workflow]] = [:]
        for w in all where w.parent != nil && w.parent != w.id {
            if let p = w.parent { children[p, default: []].append(w) }
        }
        var out: [(Workflow, Int)] = []
        var seen = Set<Int>()
        func visit(_ w: Workflow, _ depth: Int) {
            guard seen.insert(w.id).inserted else { return }
            out.append((w, depth))
            for c in children[w.id] ?? [] { visit(c, depth + 1) }
        }
        visit(wf, 0)
        return out
    }

    /// A workflow's states in Pegasus's order (by restart count, then time).
    func states(of wfID: Int) throws -> [WorkflowStateRow] {
        var result: [WorkflowStateRow] = []
        try each("SELECT state, timestamp, restart_count, status, reason FROM workflowstate WHERE wf_id = ? ORDER BY restart_count, timestamp", [wfID]) { r in
            result.append(WorkflowStateRow(state: r.string(0), timestamp: r.double(1) ?? 0, restartCount: r.int(2) ?? 0,
                                           status: r.int(3), reason: r.text(4)))
        }
        return result
    }

    /// Whether the last halt or resume a Skein engine took since `since` (epoch seconds) was a
    /// halt. The engine records each control command it handles as workflow meta
    /// `skein.command.TIME` = `halt: done`; a database without that table has none.
    func haltedSince(_ since: Double, wfID: Int) -> Bool {
        var last: (time: Double, halt: Bool)?
        try? each("SELECT key, value FROM workflow_meta WHERE wf_id = ? AND key LIKE 'skein.command.%'", [wfID]) { r in
            guard let time = Double(r.string(0).dropFirst("skein.command.".count)), time >= since else { return }
            let value = r.string(1)
            let halt = value == "halt: done"
            guard halt || value.hasPrefix("resume:") else { return }
            if last == nil || time >= last!.time { last = (time, halt) }
        }
        return last?.halt ?? false
    }

    /// The lowest and highest job_id (two lookups at the ends of the table's key), nil when
    /// there are no jobs.
    func jobIDRange() throws -> ClosedRange<Int>? {
        var range: ClosedRange<Int>?
        try each("SELECT min(job_id), max(job_id) FROM job") { r in
            if let low = r.int(0), let high = r.int(1), low <= high { range = low...high }
        }
        return range
    }

    func hosts() throws -> [Int: String] {
        var result: [Int: String] = [:]
        try each("SELECT host_id, hostname FROM host") { r in if let id = r.int(0) { result[id] = r.string(1) } }
        return result
    }

    /// "?, ?, ?" for an IN list.
    static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: max(n, 1)).joined(separator: ", ") }
}
