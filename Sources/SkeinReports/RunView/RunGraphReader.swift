import Foundation
import SkeinRunFormat

/// Reads a `RunGraph`: the status report with every job (`StatusReader`), then the DAG and
/// the transformations from the run database (the one source of truth), or from the plan
/// for a Skein run that has not written its database yet.
public enum RunGraphReader {
    /// `onCounts` gets the status report without jobs as soon as its counts are read (from
    /// the database; not for a run read from its plan or dagman.out), before the jobs and the DAG.
    public static func read(_ location: RunLocation, now: Double = Date().timeIntervalSince1970,
                            onCounts: ((StatusReport) -> Void)? = nil) throws -> RunGraph {
        let started = Date()
        // The edges and tasks on another core while the status reads jobs and attempts; when
        // the counts are wanted first, only once they are read, so they get the core to themselves.
        var tables: DAGTables.Reading?
        func startTables() {
            if tables == nil, location.databaseExists, let path = location.database { tables = DAGTables.Reading(path: path) }
        }
        if onCounts == nil { startTables() }
        let early: ((StatusReport) -> Void)? = onCounts.map { deliver in { report in startTables(); deliver(report) } }
        var (status, database) = try StatusReader.readWithJobs(location, includeJobs: true, now: now, onCounts: early)
        startTables()
        let statusSeconds = Date().timeIntervalSince(started)
        let jobs = status.jobs ?? []
        status.jobs = nil
        var edges = Edges(jobs: jobs)
        if let database, let tables {
            try edges.readDatabase(database, tables: tables.wait())
        } else if location.kind == .skein, let plan = try? RunDirectory(path: location.directory).readPlan() {
            edges.readPlan(plan, label: status.label)
        }
        let order = edges.planOrder()
        var graph = RunGraph(status: status, jobs: jobs, transformation: edges.transformation, parents: edges.links(parents: true),
                             children: edges.links(parents: false, order: order), order: order, statusSeconds: statusSeconds)
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
        /// Edges by job index, parent and child side by side.
        var edgeParent: [Int32] = []
        var edgeChild: [Int32] = []
        /// Where the plan (or the job table, whose ids ascend as the plan lists jobs) puts each job.
        var rank: [Int64]
        /// The sub-workflow (wf_uuid) each sub-workflow job ran, by job index.
        var subworkflowUUIDs: [Int32: String] = [:]

        init(jobs: [JobStatus]) {
            self.jobs = jobs
            let n = jobs.count
            transformation = Array(repeating: "", count: n)
            rank = Array(repeating: Int64.max, count: n)
        }

        mutating func addEdge(_ p: Int32, _ c: Int32) {
            edgeParent.append(p)
            edgeChild.append(c)
        }

        /// Job index by workflow label and job id (the plan's and the sub-workflows' names).
        func byWorkflow() -> [String: [String: Int32]] {
            var result: [String: [String: Int32]] = [:]
            for (i, j) in jobs.enumerated() { result[j.workflow, default: [:]][j.id] = Int32(i) }
            return result
        }

        /// Job types, transformations and edges of the status's workflows. The jobs, their
        /// ids and types are the status's own job graph; the tasks and the edges come from
        /// `tables`, read meanwhile.
        mutating func readDatabase(_ source: StatusReader.DatabaseJobs, tables: DAGTables) throws {
            let db = source.db, graph = source.graph
            // Status row of each job id.
            var byJobID = IDIndex(expected: jobs.count)
            for (k, j) in source.statusOrder.enumerated() {
                byJobID.set(graph.jobs[j], k)
                rank[k] = Int64(graph.jobs[j])
                let type = graph.typeDesc[j]
                if type != "compute" { transformation[k] = type }
            }
            for t in tables.taskJobIDs.indices {
                guard let k = byJobID.get(tables.taskJobIDs[t]) else { continue }
                if transformation[k].isEmpty || transformation[k] == "compute" {
                    transformation[k] = tables.transformationNames[Int(tables.taskTransformation[t])]
                }
            }
            edgeParent.reserveCapacity(tables.parentIDs.count)
            edgeChild.reserveCapacity(tables.parentIDs.count)
            for e in tables.parentIDs.indices {
                guard let p = byJobID.get(tables.parentIDs[e]), let c = byJobID.get(tables.childIDs[e]) else { continue }
                addEdge(Int32(p), Int32(c))
            }
            // A sub-workflow's jobs hang under the job that ran it.
            if source.workflows.count > 1 {
                var runs: [(Int32, String)] = []
                try db.each("SELECT DISTINCT ji.job_id, w.dax_label, w.wf_uuid FROM job_instance ji JOIN workflow w ON w.wf_id = ji.subwf_id") { r in
                    guard let p = byJobID.get(r.int(0) ?? -1), let label = r.text(1) else { return }
                    if let uuid = r.text(2) { subworkflowUUIDs[Int32(p)] = uuid }
                    guard label != jobs[p].workflow else { return }
                    runs.append((Int32(p), label))
                }
                if !runs.isEmpty {
                    var hasParent = [Bool](repeating: false, count: jobs.count)
                    for c in edgeChild { hasParent[Int(c)] = true }
                    let byWorkflow = byWorkflow()
                    for (p, label) in runs {
                        for (_, c) in byWorkflow[label] ?? [:] where !hasParent[Int(c)] { addEdge(p, c) }
                    }
                }
            }
        }

        /// Kinds, transformations and edges as the plan lists them (no database yet).
        mutating func readPlan(_ plan: ExecutablePlan, label: String) {
            let all = byWorkflow()
            let names = all[label] ?? all.values.first ?? [:]
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

        /// Plan order; unknown jobs keep status order. One sort of packed integer keys when
        /// they fit (ranks below 2^39, fewer than 16 million jobs).
        func planOrder() -> [Int32] {
            let n = jobs.count
            let limit = Int64(1) << 39
            if n < (1 << 24), !rank.contains(where: { $0 < 0 || ($0 >= limit && $0 != Int64.max) }) {
                var keys = [UInt64](repeating: 0, count: n)
                for j in 0..<n { keys[j] = UInt64(min(rank[j], limit)) << 24 | UInt64(j) }
                keys.sort()
                return keys.map { Int32(truncatingIfNeeded: $0 & 0xFF_FFFF) }
            }
            return (0..<Int32(n)).sorted { (a: Int32, b: Int32) -> Bool in
                let ra = rank[Int(a)], rb = rank[Int(b)]
                if ra != rb { return ra < rb }
                return a < b
            }
        }

        /// Each job's parents (in edge order), or its children in `order`.
        func links(parents: Bool, order: [Int32] = []) -> JobLinks {
            if parents { return JobLinks(count: jobs.count, from: edgeChild, to: edgeParent) }
            var children = JobLinks(count: jobs.count, from: edgeParent, to: edgeChild)
            var position = [Int32](repeating: 0, count: order.count)
            for (k, j) in order.enumerated() { position[Int(j)] = Int32(k) }
            children.sortEach(by: position)
            return children
        }
    }
}
