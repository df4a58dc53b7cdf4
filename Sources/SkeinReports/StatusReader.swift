import Foundation
import SkeinRunFormat
import SkeinProvenance

/// Reads a `StatusReport` from a run directory.
public enum StatusReader {
    /// Reads the status of the run at `path` (a Skein run directory, a Pegasus submit
    /// directory, or a `.stampede.db`). With `includeJobs`, lists every job.
    public static func read(_ path: String, includeJobs: Bool = false, now: Double = StampedeSchema.currentTime()) throws -> StatusReport {
        let location = try RunLocation.locate(path)
        ReportTimings.step("locate")
        return try read(location, includeJobs: includeJobs, now: now)
    }

    public static func read(_ location: RunLocation, includeJobs: Bool = false, now: Double = StampedeSchema.currentTime()) throws -> StatusReport {
        try readWithJobs(location, includeJobs: includeJobs, now: now).report
    }

    /// The report and, when it came from the database, the open database and the job graph
    /// it was built from: `RunGraphReader` reads the rest of the DAG through them.
    /// `onCounts` gets the report without its jobs as soon as the counts are known, before
    /// every job's status is built (the TUI draws a huge run's header from it).
    static func readWithJobs(_ location: RunLocation, includeJobs: Bool, now: Double,
                             onCounts: ((StatusReport) -> Void)? = nil) throws -> (report: StatusReport, jobs: DatabaseJobs?) {
        let engine = location.kind == .skein ? EngineLock.state(runDirectory: location.directory) : nil
        let monitordDone = FileManager.default.fileExists(atPath: location.directory + "/monitord.done")
        ReportTimings.step("engine lock, monitord")
        if location.databaseExists, let path = location.database {
            do {
                let db = try ReportDatabase(path: path)
                ReportTimings.step("open database")
                if let (report, jobs) = try fromDatabase(db, location, engine: engine, monitordDone: monitordDone, includeJobs: includeJobs, now: now,
                                                                onCounts: onCounts) {
                    return (report, jobs)
                }
            } catch ReportError.noDatabase {
                // Created but still empty: an engine that is just starting.
            }
        }
        if location.kind == .skein, let plan = PlanSummary.read(location.directory) {
            return (fromPlan(plan, location, engine: engine, includeJobs: includeJobs, now: now), nil)
        }
        if !location.dagmanOutFiles.isEmpty {
            return (try DagmanOutStatus.report(location, now: now), nil)
        }
        throw ReportError.noDatabase(location.database ?? location.directory)
    }

    /// What a report from the database was built from.
    struct DatabaseJobs {
        let db: ReportDatabase
        let graph: JobGraph
        /// The workflow and those below it (`graph.workflowIndex` indexes this).
        let workflows: [ReportDatabase.Workflow]
        /// Graph index of each `StatusReport.jobs` row (empty without `includeJobs`).
        let statusOrder: [Int]
    }

    // MARK: from the database

    static func fromDatabase(_ db: ReportDatabase, _ location: RunLocation, engine: EngineLock.State?, monitordDone: Bool,
                             includeJobs: Bool, now: Double, onCounts: ((StatusReport) -> Void)? = nil) throws -> (StatusReport, DatabaseJobs)? {
        let all = try db.workflows()
        guard let wf = try db.selectWorkflow(location.wfUUID, in: all, subWorkflow: location.isSubWorkflow) else { return nil }
        let tree = try WorkflowLabels.distinct(db.descendants(of: wf, in: all), in: db)
        let states = try db.states(of: wf.id)
        ReportTimings.step("workflows, states")
        var condition = RunCondition.make(states: states, kind: location.kind, engine: engine,
                                          directory: location.directory, hasDatabase: true, monitordDone: monitordDone,
                                          dagman: location.kind == .pegasus ? DagmanLiveness.verdict(directory: location.directory) : nil)
        let graph = try JobGraph.load(db, workflows: tree.map(\.0), condition: condition, detail: includeJobs)
        ReportTimings.step("job graph")
        var perWorkflow = Array(repeating: StateCounts(), count: tree.count)
        for j in graph.jobs.indices { perWorkflow[graph.workflowIndex[j]].count(graph.state[j]) }
        var workflows: [WorkflowStatus] = []
        for (i, (w, depth)) in tree.enumerated() {
            let counts = perWorkflow[i]
            let state: String
            if i == 0 {
                state = condition.shortText
            } else {
                let sub = RunCondition.make(states: try db.states(of: w.id), kind: .pegasus, engine: nil, directory: location.directory,
                                            hasDatabase: true, monitordDone: true)
                // A sub-workflow of a run that is no longer running is not running either.
                state = sub.phase == .running && condition.phase != .running ? condition.shortText : sub.shortText
            }
            workflows.append(WorkflowStatus(wfUUID: w.uuid, name: w.dag.isEmpty ? w.label : w.dag, label: w.label,
                                            depth: depth, state: state, counts: counts,
                                            directory: i == 0 ? location.directory : location.relocated(w.submitDir)))
        }
        let totals = workflows.map(\.counts).reduce(StateCounts(), +)
        if location.kind == .skein, condition.phase == .running,
           db.haltedSince(states.last { $0.state == "WORKFLOW_STARTED" }?.timestamp ?? 0, wfID: wf.id) {
            condition.markHalting(running: totals.running, directory: location.directory)
            if !workflows.isEmpty { workflows[0].state = condition.shortText }
        }
        // Why batch jobs still wait, while an engine runs them (the engine keeps the file).
        let waiting = location.kind == .skein && condition.phase == .running ? PendingReasons.read(runDirectory: location.directory) : [:]
        var report = StatusReport(directory: location.directory, kind: location.kind, label: wf.label.isEmpty ? location.label : wf.label,
                                  wfUUID: wf.uuid, source: "database", database: db.path, condition: condition, workflows: workflows,
                                  totals: totals, jobs: nil, notes: location.notes, readAt: now)
        if !waiting.isEmpty { report.pendingReasons = waiting.values.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
        onCounts?(report)
        let order = includeJobs ? graph.statusOrder() : []
        report.jobs = includeJobs ? try graph.jobStatuses(db, labels: tree.map { $0.0.label }, order: order, waiting: waiting, now: now) : nil
        return (report, DatabaseJobs(db: db, graph: graph, workflows: tree.map(\.0), statusOrder: order))
    }

    // MARK: from plan.json (a Skein run whose engine has not written its database yet)

    static func fromPlan(_ plan: PlanSummary, _ location: RunLocation, engine: EngineLock.State?, includeJobs: Bool, now: Double) -> StatusReport {
        let condition = RunCondition.make(states: [], kind: .skein, engine: engine, directory: location.directory,
                                          hasDatabase: false, monitordDone: false)
        var counts = StateCounts()
        var jobs: [JobStatus] = []
        for job in plan.jobs {
            let state: JobStatus.State = job.parents.isEmpty ? .ready : .unready
            counts.count(state)
            if includeJobs {
                jobs.append(JobStatus(id: job.id, workflow: plan.label, state: state, attempt: 0, maxAttempts: job.retries + 1,
                                      site: job.site, host: nil, started: nil, duration: nil, exitCode: nil, reason: nil))
            }
        }
        let wf = WorkflowStatus(wfUUID: plan.wfUUID, name: "\(plan.label)-0.dag", label: plan.label, depth: 0,
                                state: condition.shortText, counts: counts)
        return StatusReport(directory: location.directory, kind: .skein, label: plan.label, wfUUID: plan.wfUUID, source: "plan",
                            database: location.database, condition: condition, workflows: [wf], totals: counts,
                            jobs: includeJobs ? jobs : nil, notes: location.notes, readAt: now)
    }
}

/// The few fields of a Skein plan a status needs before the database exists, read through
/// SkeinRunFormat's one plan reader.
struct PlanSummary {
    struct Job {
        var id: String
        var parents: [Int]
        var retries: Int
        var site: String?
    }
    var label: String
    var wfUUID: String?
    var jobs: [Job]

    static func read(_ directory: String) -> PlanSummary? {
        guard let plan = try? RunDirectory(path: directory).readPlan() else { return nil }
        return PlanSummary(label: plan.label, wfUUID: plan.wfUUID,
                           jobs: plan.jobs.map { Job(id: $0.id, parents: $0.parents, retries: $0.retries, site: $0.site) })
    }
}

/// Every job of a workflow tree with its last attempt and its state, as status needs them.
/// Built from a handful of streamed queries (jobs, attempts, edges, and the jobstate rows of
/// unfinished attempts only), so a 100,000-job run reads in a fraction of a second.
struct JobGraph {
    var jobs: [Int] = []              // job_id
    var names: [String] = []
    var workflowIndex: [Int] = []
    var maxRetries: [Int] = []
    /// `type_desc`: compute, create-dir, stage-in-tx, dax, ...
    var typeDesc: [String] = []
    var attempts: [Int] = []
    var firstSeq: [Int] = []
    var lastSeq: [Int] = []
    var lastInstance: [Int] = []      // job_instance_id, 0 = none
    var exitcode: [Int?] = []
    var site: [String?] = []
    var hostID: [Int?] = []
    var localDuration: [Double?] = []
    var state: [JobStatus.State] = []
    /// For futile jobs: the failed job that blocks them.
    var blockedBy: [Int: Int] = [:]
    /// Unfinished attempts: when they were submitted.
    var openStart: [Int: Double] = [:]
    var parents: [[Int]] = []

    /// Without `detail` only what the counts need is read (no names, types, retries, sites,
    /// hosts or durations): the job ids come from the (wf_id, exec_job_id) index alone, a
    /// third of the job table's pages, and no string is made per job.
    static func load(_ db: ReportDatabase, workflows: [ReportDatabase.Workflow], condition: RunCondition, detail: Bool = true) throws -> JobGraph {
        var g = JobGraph()
        let wfIDs = workflows.map(\.id)
        var wfPosition: [Int: Int] = [:]
        for (i, id) in wfIDs.enumerated() { wfPosition[id] = i }
        let inList = ReportDatabase.placeholders(wfIDs.count)
        let params: [any SQLiteBindable] = wfIDs
        let ids = try db.jobIDRange()
        // A report on every workflow of the database reads job_instance whole; then, when the
        // job ids fit a table, on a second connection while the jobs are read here.
        let allWorkflows = wfIDs.count == (try? db.db.scalar("SELECT count(*) FROM workflow").int).map(Int.init) ?? -1
        let instanceSQL = "SELECT \(JobAttempts.columns(detail: detail)) FROM job_instance"
            + (allWorkflows ? "" : " WHERE job_id IN (SELECT job_id FROM job WHERE wf_id IN (\(inList)))")
        let separateIDs = allWorkflows ? ids.flatMap { $0.count <= IDIndex.largestPresizedRange ? $0 : nil } : nil
        let reading = separateIDs.map { JobAttempts.reading(path: db.path, sql: instanceSQL, ids: $0, detail: detail) }
        var index: IDIndex
        if detail {
            index = IDIndex(expected: 1024)
            // In job_id order by a plain scan: `+wf_id` keeps SQLite off the (wf_id, exec_job_id)
            // index, which would fetch each row through it and sort a million of them after.
            try db.each("SELECT job_id, wf_id, exec_job_id, max_retries, type_desc FROM job WHERE +wf_id IN (\(inList)) ORDER BY job_id", params) { r in
                let id = r.int(0) ?? 0
                index.set(id, g.jobs.count)
                g.jobs.append(id); g.names.append(r.string(2)); g.workflowIndex.append(wfPosition[r.int(1) ?? 0] ?? 0); g.maxRetries.append(r.int(3) ?? 0)
                g.typeDesc.append(r.string(4))
            }
        } else {
            // In index order, not job_id order: the index is sized for the ids' whole range.
            index = IDIndex(range: ids)
            try db.each("SELECT job_id, wf_id FROM job WHERE wf_id IN (\(inList))", params) { r in
                let id = r.int(0) ?? 0
                index.set(id, g.jobs.count)
                g.jobs.append(id); g.workflowIndex.append(wfPosition[r.int(1) ?? 0] ?? 0)
            }
        }
        ReportTimings.step("  job table")
        let n = g.jobs.count
        g.parents = Array(repeating: [], count: n)
        var attempts: JobAttempts
        if let reading, let base = separateIDs?.lowerBound {
            attempts = try reading.wait().gathered(g.jobs.map { $0 - base })
        } else {
            attempts = JobAttempts(slots: n, detail: detail)
            try db.each(instanceSQL, allWorkflows ? [] : params) { r in
                if let j = index.get(r.int(0) ?? -1) { attempts.add(r, slot: j) }
            }
        }
        g.attempts = attempts.count; g.firstSeq = attempts.firstSeq; g.lastSeq = attempts.lastSeq
        g.lastInstance = attempts.lastInstance; g.exitcode = attempts.exitcode
        g.site = attempts.site; g.hostID = attempts.hostID; g.localDuration = attempts.localDuration
        ReportTimings.step("  job_instance table")
        // Unfinished attempts: their phase is their last jobstate.
        var phase: [Int: String] = [:]
        try db.each("""
            SELECT js.job_instance_id, js.state, js.timestamp FROM jobstate js
            WHERE js.job_instance_id IN (SELECT job_instance_id FROM job_instance WHERE exitcode IS NULL)
            ORDER BY js.job_instance_id, js.jobstate_submit_seq, js.timestamp
            """) { r in
            let id = r.int(0) ?? 0
            let state = r.string(1)
            phase[id] = state
            if g.openStart[id] == nil, state == "SUBMIT" || state == "PRE_SCRIPT_STARTED" || state == "EXECUTE" {
                g.openStart[id] = r.double(2)
            }
        }
        ReportTimings.step("  open attempts")
        // States: what ran is what its last attempt says; what did not is ready, unready or
        // futile (a job it depends on, directly or not, failed).
        let ended = condition.phase != .running
        g.state = Array(repeating: .unready, count: n)
        for j in 0..<n {
            if g.attempts[j] == 0 { continue }
            if let code = g.exitcode[j] {
                g.state[j] = code == 0 ? .done : .failed
            } else if ended {
                g.state[j] = .interrupted
            } else {
                switch phase[g.lastInstance[j]] ?? "SUBMIT" {
                case "PRE_SCRIPT_STARTED", "PRE_SCRIPT_TERMINATED", "PRE_SCRIPT_SUCCESS": g.state[j] = .pre
                case "EXECUTE", "IMAGE_SIZE": g.state[j] = .running
                case "JOB_HELD": g.state[j] = .held
                case "JOB_TERMINATED", "JOB_SUCCESS", "JOB_FAILURE", "POST_SCRIPT_STARTED", "POST_SCRIPT_TERMINATED": g.state[j] = .post
                default: g.state[j] = .queued
                }
            }
        }
        // An attempt the engine's restart closed because the engine died under it (recorded
        // as failed, SIGKILL) was interrupted, not failed: the resumed run runs it again, and
        // the jobs below it are waiting for it, not futile.
        try g.markInterrupted(db)
        ReportTimings.step("  states, interrupted")
        // Futile: walk down from failed jobs through jobs that never ran. job_edge's key
        // (wf_id, parent, child) finds a job's children directly, from the parent's row.
        var queue: [Int] = []
        for j in 0..<n where g.state[j] == .failed { queue.append(j) }
        var head = 0
        while head < queue.count {
            let j = queue[head]; head += 1
            try db.each("""
                SELECT c.job_id FROM job p JOIN job_edge e ON e.wf_id = p.wf_id AND e.parent_exec_job_id = p.exec_job_id
                JOIN job c ON c.wf_id = e.wf_id AND c.exec_job_id = e.child_exec_job_id
                WHERE p.job_id = ?
                """, [g.jobs[j]]) { r in
                guard let c = index.get(r.int(0) ?? -1), g.attempts[c] == 0, g.state[c] != .futile else { return }
                g.state[c] = .futile
                g.blockedBy[c] = g.blockedBy[j] ?? j
                queue.append(c)
            }
        }
        ReportTimings.step("  futile")
        // The other jobs that never ran are ready when all their parents succeeded. Only
        // they need their parents, and only then is the whole edge table read.
        let pending = (0..<n).filter { g.attempts[$0] == 0 && g.state[$0] != .futile }
        if !pending.isEmpty {
            try db.each("""
                SELECT p.job_id, c.job_id FROM job_edge e
                JOIN job c ON c.wf_id = e.wf_id AND c.exec_job_id = e.child_exec_job_id
                JOIN job p ON p.wf_id = e.wf_id AND p.exec_job_id = e.parent_exec_job_id
                WHERE e.wf_id IN (\(inList)) AND NOT EXISTS (SELECT 1 FROM job_instance ji WHERE ji.job_id = c.job_id)
                """, params) { r in
                guard let p = index.get(r.int(0) ?? -1), let c = index.get(r.int(1) ?? -1) else { return }
                g.parents[c].append(p)
            }
            for j in pending {
                g.state[j] = g.parents[j].allSatisfy { g.state[$0] == .done } ? .ready : .unready
            }
        }
        ReportTimings.step("  ready, unready")
        return g
    }

    /// Failed jobs whose last attempt the engine's restart closed as interrupted. Only those
    /// attempts are looked up, by the jobstate key (job_instance_id, state): scanning the
    /// whole jobstate table for the reason costs seconds at a million jobs.
    mutating func markInterrupted(_ db: ReportDatabase) throws {
        let failed = jobs.indices.filter { state[$0] == .failed }
        if failed.isEmpty { return }
        if failed.count > jobs.count / 8 && failed.count > 50_000 {
            // Most of a huge run failed: one pass over the table is cheaper than the lookups.
            var interrupted = Set<Int>()
            try db.each("SELECT job_instance_id FROM jobstate WHERE state = 'JOB_FAILURE' AND reason LIKE 'interrupted:%'") { r in
                if let id = r.int(0) { interrupted.insert(id) }
            }
            for j in failed where interrupted.contains(lastInstance[j]) { state[j] = .interrupted }
            return
        }
        let lookup = try db.db.prepare("""
            SELECT 1 FROM jobstate WHERE job_instance_id = ? AND state = 'JOB_FAILURE' AND reason LIKE 'interrupted:%' LIMIT 1
            """)
        for j in failed {
            try lookup.bind([lastInstance[j]])
            if try lookup.step() { state[j] = .interrupted }
            lookup.reset()
        }
    }

    /// The order of the `--jobs` rows: by workflow, jobs that ran in submission order, then the others.
    /// One sort of packed integer keys (workflow, first submit, position: the job table is
    /// read in job_id order) when they fit, which is every run short of 16 million jobs.
    func statusOrder() -> [Int] {
        let n = jobs.count
        let maxWorkflow = workflowIndex.max() ?? 0
        var packable = n < (1 << 24) && maxWorkflow < (1 << 8)
        if packable {
            for s in firstSeq where s != Int.max && (s < 0 || s >= (1 << 31) - 1) { packable = false; break }
        }
        if packable {
            var keys = [UInt64](repeating: 0, count: n)
            for j in 0..<n {
                let seq = firstSeq[j] == Int.max ? UInt64((1 << 31) - 1) : UInt64(firstSeq[j])
                keys[j] = UInt64(workflowIndex[j]) << 55 | seq << 24 | UInt64(j)
            }
            keys.sort()
            return keys.map { Int($0 & 0xFF_FFFF) }
        }
        return jobs.indices.sorted { a, b in
            if workflowIndex[a] != workflowIndex[b] { return workflowIndex[a] < workflowIndex[b] }
            if firstSeq[a] != firstSeq[b] { return firstSeq[a] < firstSeq[b] }
            return jobs[a] < jobs[b]
        }
    }

    /// The `--jobs` rows, in `order` (`statusOrder()`).
    /// `waiting`: the batch system's reason by job id, for jobs submitted and not started.
    func jobStatuses(_ db: ReportDatabase, labels: [String], order: [Int], waiting: [String: String], now: Double) throws -> [JobStatus] {
        let hosts = try db.hosts()
        let reasonStatement = try db.db.prepare("""
            SELECT reason FROM jobstate WHERE job_instance_id = ? AND state IN ('JOB_FAILURE', 'POST_SCRIPT_FAILED', 'PRE_SCRIPT_FAILED', 'JOB_HELD', 'JOB_ABORTED')
            AND reason IS NOT NULL AND reason != '' ORDER BY jobstate_submit_seq LIMIT 1
            """)
        func reason(_ instance: Int) throws -> String? {
            try reasonStatement.bind([instance])
            defer { reasonStatement.reset() }
            return try reasonStatement.step() ? reasonStatement.text(0) : nil
        }
        let heldStatement = try db.db.prepare("""
            SELECT reason, timestamp FROM jobstate WHERE job_instance_id = ? AND state = 'JOB_HELD'
            ORDER BY jobstate_submit_seq DESC, timestamp DESC LIMIT 1
            """)
        /// The last hold of an attempt: its reason and when.
        func hold(_ instance: Int) throws -> (String?, Double?) {
            try heldStatement.bind([instance])
            defer { heldStatement.reset() }
            return try heldStatement.step() ? (heldStatement.text(0), heldStatement.double(1)) : (nil, nil)
        }
        var result: [JobStatus] = []
        result.reserveCapacity(jobs.count)
        for j in order {
            var row = JobStatus(id: names[j], workflow: labels[workflowIndex[j]], state: state[j], attempt: attempts[j],
                                maxAttempts: maxRetries[j] + 1, site: site[j], host: hostID[j].flatMap { hosts[$0] },
                                started: nil, duration: localDuration[j], exitCode: exitcode[j].map(PegasusFormat.regularExitCode), reason: nil)
            switch state[j] {
            case .failed:
                row.reason = try reason(lastInstance[j]) ?? exitcode[j].map(PegasusFormat.describeRawStatus)
            case .futile:
                if let b = blockedBy[j] { row.reason = "\(names[b]) failed" }
            case .held, .queued, .running, .pre, .post:
                if state[j] == .held { (row.reason, row.heldSince) = try hold(lastInstance[j]) }
                if state[j] == .queued { row.reason = waiting[names[j]].map { "pending: " + $0 } }
                if let start = openStart[lastInstance[j]] { row.started = start; row.duration = max(0, now - start) }
            case .interrupted:
                row.reason = exitcode[j] == nil ? "interrupted: the engine stopped while it ran"
                    : "interrupted: the engine stopped while it ran; runs again when the run resumes"
                row.exitCode = nil
            default: break
            }
            result.append(row)
        }
        return result
    }
}
