import Foundation
import SkeinProvenance

/// The DAG's own tables (`job_edge`, `task`), read on a database connection of their own
/// on another thread while `StatusReader` reads the jobs and their attempts: on a 2-core
/// machine the two halves of opening a huge run overlap. Jobs are named here by job_id;
/// `RunGraphReader` maps them to the status's rows.
struct DAGTables: Sendable {
    /// Edges, parent and child job_id side by side, grouped by parent.
    var parentIDs: [Int] = []
    var childIDs: [Int] = []
    /// Each task's job_id and its transformation (an index into `transformationNames`).
    var taskJobIDs: [Int] = []
    var taskTransformation: [Int32] = []
    var transformationNames: [String] = []

    /// Starts reading `path`; `wait` returns the tables (or the error).
    final class Reading: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<DAGTables, Error>?

        init(path: String) {
            DispatchQueue.global(qos: .userInitiated).async { [self] in
                result = Result { try DAGTables.read(path: path) }
                done.signal()
            }
        }

        func wait() throws -> DAGTables {
            done.wait()
            done.signal()  // a second wait returns at once
            return try result!.get()
        }
    }

    static func read(path: String) throws -> DAGTables {
        let db = try ReportDatabase(path: path)
        var t = DAGTables()
        // exec_job_id -> job_id, per workflow (most runs have one).
        let jobCount = Int((try? db.db.scalar("SELECT count(*) FROM job").int) ?? 0)
        var byWorkflow: [Int: [String: Int]] = [:]
        var currentWF = Int.min
        var current: [String: Int] = [:]
        current.reserveCapacity(jobCount)
        try db.each("SELECT wf_id, exec_job_id, job_id FROM job ORDER BY wf_id") { r in
            let wf = r.int(0) ?? 0
            if wf != currentWF {
                if currentWF != Int.min { byWorkflow[currentWF] = current; current = [:] }
                currentWF = wf
            }
            current[r.string(1)] = r.int(2) ?? 0
        }
        if currentWF != Int.min { byWorkflow[currentWF] = current }
        current = [:]
        // Edges come grouped by workflow and parent (the table's key): each parent is looked up once.
        let edgeCount = Int((try? db.db.scalar("SELECT count(*) FROM job_edge").int) ?? 0)
        t.parentIDs.reserveCapacity(edgeCount)
        t.childIDs.reserveCapacity(edgeCount)
        var lastWF = Int.min
        var names: [String: Int] = [:]
        var lastParent = ""
        var parentID = -1
        try db.each("SELECT wf_id, parent_exec_job_id, child_exec_job_id FROM job_edge ORDER BY wf_id, parent_exec_job_id") { r in
            let wf = r.int(0) ?? 0
            if wf != lastWF {
                lastWF = wf
                names = byWorkflow[wf] ?? [:]
                lastParent = ""
                parentID = -1
            }
            let pn = r.string(1)
            if pn != lastParent || parentID < 0 { lastParent = pn; parentID = names[pn] ?? -1 }
            guard parentID >= 0, let c = names[r.string(2)] else { return }
            t.parentIDs.append(parentID)
            t.childIDs.append(c)
        }
        names = [:]
        byWorkflow = [:]
        var known: [String: Int32] = [:]
        var lastName = "", lastIndex: Int32 = -1
        try db.each("SELECT job_id, transformation FROM task WHERE job_id IS NOT NULL") { r in
            guard let job = r.int(0), let tr = r.text(1), !tr.isEmpty else { return }
            if tr != lastName || lastIndex < 0 {
                lastName = tr
                if let i = known[tr] { lastIndex = i } else {
                    lastIndex = Int32(t.transformationNames.count)
                    known[tr] = lastIndex
                    t.transformationNames.append(tr)
                }
            }
            t.taskJobIDs.append(job)
            t.taskTransformation.append(lastIndex)
        }
        return t
    }
}
