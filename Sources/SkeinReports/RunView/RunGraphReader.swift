import Foundation
import SkeinRunFormat

/// Reads a `RunGraph`: the status report with every job (`StatusReader`), then the DAG and
/// the transformations from the run database (the one source of truth), or from the plan
/// for a Skein run that has not written its database yet.
public enum RunGraphReader {
    public static func read(_ location: RunLocation, now: Double = Date().timeIntervalSince1970) throws -> RunGraph {
        let started = Date()
        var (status, database) = try StatusReader.readWithJobs(location, includeJobs: true, now: now)
        let statusSeconds = Date().timeIntervalSince(started)
        let jobs = status.jobs ?? []
        status.jobs = nil
        var edges = Edges(jobs: jobs)
        if let database {
            try edges.readDatabase(database)
        } else if location.kind == .skein, let plan = try? RunDirectory(path: location.directory).readPlan() {
            edges.readPlan(plan, label: status.label)
        }
        let order = edges.planOrder()
        edges.sortChildren(by: order)
        var graph = RunGraph(status: status, jobs: jobs, transformation: edges.transformation, parents: edges.parents,
                             children: edges.children, order: order, statusSeconds: statusSeconds)
        graph.subworkflowUUIDs = edges.subworkflowUUIDs
        if location.kind == .pegasus, let database {
            let folders = try unrecordedSubworkflowFolders(database, status: status, location: location, recorded: edges.subworkflowUUIDs)
            if !folders.isEmpty { graph.subworkflowFolders = folders }
        }
        return graph
    }

    /// The graph being built, by job index (the status report's order).
    struct Edges {
        let jobs: [JobStatus]
        var transformation: [String]
        var parents: [[Int32]]
        var children: [[Int32]]
        /// Where the plan (or the job table, whose ids ascend as the plan lists jobs) puts each job.
        var rank: [Int64]
        /// Job index by workflow label and job id.
        var byWorkflow: [String: [String: Int32]] = [:]
        /// The sub-workflow (wf_uuid) each sub-workflow job ran, by job index.
        var subworkflowUUIDs: [Int32: String] = [:]

        init(jobs: [JobStatus]) {
            self.jobs = jobs
            let n = jobs.count
            transformation = Array(repeating: "", count: n)
            parents = Array(repeating: [], count: n)
            children = Array(repeating: [], count: n)
            rank = Array(repeating: Int64.max, count: n)
            for (i, j) in jobs.enumerated() { byWorkflow[j.workflow, default: [:]][j.id] = Int32(i) }
        }

        mutating func addEdge(_ p: Int32, _ c: Int32) {
            parents[Int(c)].append(p)
            children[Int(p)].append(c)
        }

        /// Job types, transformations and edges of the status's workflows. The jobs, their
        /// ids and types are the status's own job graph; the tasks and the edges are read here.
        mutating func readDatabase(_ source: StatusReader.DatabaseJobs) throws {
            let db = source.db, graph = source.graph
            // Status row of each job id.
            var byJobID = IDIndex(expected: jobs.count)
            for (k, j) in source.statusOrder.enumerated() {
                byJobID.set(graph.jobs[j], k)
                rank[k] = Int64(graph.jobs[j])
                let type = graph.typeDesc[j]
                if type != "compute" { transformation[k] = type }
            }
            try db.each("SELECT job_id, transformation FROM task WHERE job_id IS NOT NULL") { r in
                guard let k = byJobID.get(r.int(0) ?? -1), let tr = r.text(1), !tr.isEmpty else { return }
                if transformation[k].isEmpty || transformation[k] == "compute" { transformation[k] = tr }
            }
            // Edges come grouped by workflow and parent: look each name up once.
            var labels: [Int: String] = [:]
            for w in source.workflows { labels[w.id] = w.label }
            var lastParent: (String, Int32) = ("", -1)
            var lastWF = -1
            var names: [String: Int32] = [:]
            try db.each("SELECT wf_id, parent_exec_job_id, child_exec_job_id FROM job_edge") { r in
                let wf = r.int(0) ?? 0
                if wf != lastWF {
                    lastWF = wf
                    names = labels[wf].flatMap { byWorkflow[$0] } ?? [:]
                    lastParent = ("", -1)
                }
                let pn = r.string(1), cn = r.string(2)
                let p: Int32
                if pn == lastParent.0 { p = lastParent.1 } else { p = names[pn] ?? -1; lastParent = (pn, p) }
                guard p >= 0, let c = names[cn] else { return }
                addEdge(p, c)
            }
            // A sub-workflow's jobs hang under the job that ran it.
            if labels.count > 1 {
                var runs: [(Int32, String)] = []
                try db.each("SELECT DISTINCT ji.job_id, w.dax_label, w.wf_uuid FROM job_instance ji JOIN workflow w ON w.wf_id = ji.subwf_id") { r in
                    guard let p = byJobID.get(r.int(0) ?? -1), let label = r.text(1) else { return }
                    if let uuid = r.text(2) { subworkflowUUIDs[Int32(p)] = uuid }
                    guard label != jobs[p].workflow else { return }
                    runs.append((Int32(p), label))
                }
                for (p, label) in runs {
                    for (_, c) in byWorkflow[label] ?? [:] where parents[Int(c)].isEmpty { addEdge(p, c) }
                }
            }
        }

        /// Kinds, transformations and edges as the plan lists them (no database yet).
        mutating func readPlan(_ plan: ExecutablePlan, label: String) {
            let names = byWorkflow[label] ?? byWorkflow.values.first ?? [:]
            var planIndex: [Int32] = []
            planIndex.reserveCapacity(plan.jobs.count)
            for (k, job) in plan.jobs.enumerated() {
                let j = names[job.id] ?? -1
                planIndex.append(j)
                if j >= 0 {
                    rank[Int(j)] = Int64(k)
                    transformation[Int(j)] = job.kind == .compute ? job.transformation : job.kind.rawValue
                }
            }
            for (k, job) in plan.jobs.enumerated() where planIndex[k] >= 0 {
                for p in job.parents where p < planIndex.count && planIndex[p] >= 0 { addEdge(planIndex[p], planIndex[k]) }
            }
        }

        /// Plan order; unknown jobs keep status order.
        func planOrder() -> [Int32] {
            (0..<Int32(jobs.count)).sorted { (a: Int32, b: Int32) -> Bool in
                let ra = rank[Int(a)], rb = rank[Int(b)]
                if ra != rb { return ra < rb }
                return a < b
            }
        }

        mutating func sortChildren(by order: [Int32]) {
            var position = [Int32](repeating: 0, count: order.count)
            for (k, j) in order.enumerated() { position[Int(j)] = Int32(k) }
            for j in children.indices where children[j].count > 1 { children[j].sort { position[Int($0)] < position[Int($1)] } }
        }
    }
}
