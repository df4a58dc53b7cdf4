import Foundation

/// What pegasus-statistics' summary, wall-time and transformation queries need, read in
/// three streamed passes (jobs, attempts, invocations) and aggregated here. The same figures
/// as its SQL (`stampede_statistics.py`): the last attempt (highest job_submit_seq) decides a
/// job; retries are attempts minus jobs that ran; tasks are counted by distinct abs_task_id;
/// sub-workflow jobs (type dax/dag) are counted apart. One SQL query per figure, with their
/// correlated sub-queries, took seconds on a 100,000-job run.
struct StatisticsTables {
    // Jobs.
    var jobWF: [Int] = []
    var jobIsSub: [Bool] = []
    var jobLastSeq: [Int] = []
    var jobLastInstance: [Int] = []   // position in instance arrays, -1 none
    var jobAttempts: [Int] = []
    // Attempts.
    var instJob: [Int] = []
    var instExit: [Int?] = []
    var instLocal: [Double?] = []
    var instMult: [Double] = []
    var instHasSubwf: [Bool] = []
    /// job_instance_id to position in the attempt arrays.
    var instIndex = IDIndex(expected: 1024)
    // Invocations.
    struct Invocation {
        var instance: Int
        var wf: Int
        var seq: Int
        var exit: Int
        var duration: Double
        /// The (job's workflow, abs_task_id) pair as a number (`taskKeys`), -1 without a task id.
        var task: Int32
        var transformation: String
        var maxrss: Double?
        var avgCPU: Double?
    }
    var invocations: [Invocation] = []
    /// Distinct (workflow position, abs_task_id) pairs numbered 0..<count (`InvocationRows`).
    var taskKeys: [[String: Int32]] = []
    var taskKeyCount = 0
    /// Non-sub-workflow tasks per workflow position (task table joined to its job).
    var taskTotals: [Int: Int] = [:]

    static func load(_ db: ReportDatabase, workflows ids: [Int]) throws -> StatisticsTables {
        var t = StatisticsTables()
        var wfPosition: [Int: Int] = [:]
        for (i, id) in ids.enumerated() { wfPosition[id] = i }
        let list = ids.map(String.init).joined(separator: ", ")
        let taskTotals = TaskTotalsReading.start(path: db.path, workflows: ids, positions: wfPosition)
        var jobIndex = IDIndex(expected: 1024)
        // A database of one workflow reads its jobs from the type_desc index alone (half the
        // pages of the job table), and its invocations on a second connection meanwhile:
        // their attempts are matched to the attempts read here after both.
        let single = try ids.count == 1 && Int(db.db.scalar("SELECT count(*) FROM workflow").int ?? 0) == 1
        let expectedTasks = single ? try db.jobIDRange()?.count ?? 0 : 0
        let separateInvocations = single ? BackgroundRead(path: db.path) { db in
            try InvocationRows.read(db, sql: InvocationRows.sql(workflows: nil), workflows: 1, expected: expectedTasks) { id, _ in (id, 0, 0) }
        } : nil
        try db.each(single ? "SELECT job_id, 0, type_desc IN ('dax', 'dag') FROM job"
                           : "SELECT job_id, wf_id, type_desc IN ('dax', 'dag') FROM job WHERE wf_id IN (\(list))") { r in
            jobIndex.set(r.int(0) ?? 0, t.jobWF.count)
            t.jobWF.append(single ? 0 : wfPosition[r.int(1) ?? 0] ?? 0)
            t.jobIsSub.append(r.int(2) == 1)
        }
        ReportTimings.step("  job table")
        let n = t.jobWF.count
        t.jobLastSeq = Array(repeating: Int.min, count: n)
        t.jobLastInstance = Array(repeating: -1, count: n)
        t.jobAttempts = Array(repeating: 0, count: n)
        try db.each("SELECT job_instance_id, job_id, job_submit_seq, exitcode, local_duration, multiplier_factor, subwf_id IS NOT NULL FROM job_instance") { r in
            guard let j = jobIndex.get(r.int(1) ?? -1) else { return }
            let k = t.instJob.count
            t.instIndex.set(r.int(0) ?? 0, k)
            t.instJob.append(j)
            t.instExit.append(r.int(3))
            t.instLocal.append(r.double(4))
            t.instMult.append(r.double(5) ?? 1)
            t.instHasSubwf.append(r.int(6) == 1)
            t.jobAttempts[j] += 1
            let seq = r.int(2) ?? 0
            if seq >= t.jobLastSeq[j] { t.jobLastSeq[j] = seq; t.jobLastInstance[j] = k }
        }
        ReportTimings.step("  job_instance table")
        var rows: InvocationRows
        if let separateInvocations {
            rows = try separateInvocations.wait()
            // Attempt ids to positions, in place; invocations of attempts not read here are left out.
            var unknown = false
            for i in rows.invocations.indices {
                if let k = t.instIndex.get(rows.invocations[i].instance) { rows.invocations[i].instance = k } else { rows.invocations[i].instance = -1; unknown = true }
            }
            if unknown { rows.invocations.removeAll { $0.instance < 0 } }
        } else {
            let tables = t
            rows = try InvocationRows.read(db, sql: InvocationRows.sql(workflows: list), workflows: ids.count, expected: ids.count == 1 ? n : 0) { id, wfID in
                guard let k = tables.instIndex.get(id) else { return nil }
                return (k, wfPosition[wfID] ?? -1, tables.jobWF[tables.instJob[k]])
            }
        }
        t.invocations = rows.invocations; t.taskKeys = rows.taskKeys; t.taskKeyCount = rows.taskKeyCount
        ReportTimings.step("  invocation table")
        t.taskTotals = try taskTotals.wait()
        ReportTimings.step("  task totals (wait)")
        return t
    }

    /// Failed jobs whose last attempt had integrity errors: the attempts tagged `int.error`
    /// (a small table) checked against the attempts read here, not a correlated query per attempt.
    func integrityFailures(_ db: ReportDatabase) throws -> Int {
        var failures = 0
        try db.each("SELECT DISTINCT job_instance_id FROM tag WHERE name = 'int.error' AND count > 0") { r in
            guard let k = instIndex.get(r.int(0) ?? -1), jobLastInstance[instJob[k]] == k, let code = instExit[k], code != 0 else { return }
            failures += 1
        }
        return failures
    }

    /// Workflow positions as flags: a set lookup per row would hash each time.
    struct Flags { var flags: [Bool]; func has(_ w: Int) -> Bool { w >= 0 && w < flags.count && flags[w] } }

    func flags(_ wfs: Set<Int>) -> Flags {
        var flags = [Bool](repeating: false, count: taskKeys.count)
        for w in wfs where w >= 0 && w < flags.count { flags[w] = true }
        return Flags(flags: flags)
    }

    func summary(_ wfs: Set<Int>) throws -> [SummaryRow] {
        [tasks(wfs), jobs(wfs, sub: false), jobs(wfs, sub: true)]
    }

    func row(_ type: String, succeeded: Int, failed: Int, total: Int, retries: Int) -> SummaryRow {
        SummaryRow(type: type, succeeded: succeeded, failed: failed, incomplete: total - succeeded - failed, total: total,
                   retries: retries, totalPlusRetries: succeeded + failed + retries)
    }

    func jobs(_ wfs: Set<Int>, sub: Bool) -> SummaryRow {
        let inWFs = flags(wfs)
        var total = 0, succeeded = 0, failed = 0, attempts = 0, ran = 0
        for j in jobWF.indices where jobIsSub[j] == sub && inWFs.has(jobWF[j]) {
            total += 1
            attempts += jobAttempts[j]
            if jobAttempts[j] > 0 { ran += 1 }
            let last = jobLastInstance[j]
            if last >= 0, let code = instExit[last] { if code == 0 { succeeded += 1 } else { failed += 1 } }
        }
        return row(sub ? "Sub-Workflows" : "Jobs", succeeded: succeeded, failed: failed, total: total, retries: attempts - ran)
    }

    func tasks(_ wfs: Set<Int>) -> SummaryRow {
        let inWFs = flags(wfs)
        // Distinct (workflow, abs_task_id) pairs: one flag per pair.
        var succeeded = [Bool](repeating: false, count: taskKeyCount), failed = succeeded, seen = succeeded
        var rows = 0
        for inv in invocations where inv.task >= 0 {
            let task = Int(inv.task)
            let j = instJob[inv.instance]
            let w = jobWF[j]
            guard !jobIsSub[j], inWFs.has(w) else { continue }
            if inv.wf == w {
                rows += 1
                seen[task] = true
            }
            if jobLastInstance[j] == inv.instance {
                if inv.exit == 0 { succeeded[task] = true } else { failed[task] = true }
            }
        }
        func total(_ flags: [Bool]) -> Int { flags.reduce(0) { $1 ? $0 + 1 : $0 } }
        let planned = wfs.reduce(0) { $0 + (taskTotals[$1] ?? 0) }
        return row("Tasks", succeeded: total(succeeded), failed: total(failed), total: planned, retries: rows - total(seen))
    }

    /// Kickstart time of tasks (total, goodput, badput), all attempts.
    func cumulativeJobWallTime(_ wfs: Set<Int>) -> (Double?, Double?, Double?) {
        let inWFs = flags(wfs)
        var total = 0.0, good = 0.0, bad = 0.0, any = false
        for inv in invocations where inv.seq >= 0 && inWFs.has(inv.wf) && inv.transformation != "condor::dagman" {
            let d = inv.duration * instMult[inv.instance]
            any = true
            total += d
            if inv.exit == 0 { good += d } else if inv.exit > 0 { bad += d }
        }
        return any ? (total, good, bad) : (nil, nil, nil)
    }

    /// Submit-side time of attempts (total, goodput, badput).
    func submitSideJobWallTime(_ wfs: Set<Int>) -> (Double?, Double?, Double?) {
        let inWFs = flags(wfs)
        var total = 0.0, good = 0.0, bad = 0.0, any = false
        for k in instJob.indices {
            let j = instJob[k]
            guard inWFs.has(jobWF[j]), !jobIsSub[j] || !instHasSubwf[k] else { continue }
            guard let local = instLocal[k] else { continue }
            let d = local * instMult[k]
            any = true
            total += d
            if let code = instExit[k] { if code == 0 { good += d } else if code > 0 { bad += d } }
        }
        return any ? (total, good, bad) : (nil, nil, nil)
    }

    func transformations(_ wfs: Set<Int>) -> [TransformationRow] {
        let inWFs = flags(wfs)
        struct Acc { var count = 0; var min = Double.infinity; var max = -Double.infinity; var sum = 0.0
            var rssN = 0; var rssMin = Double.infinity; var rssMax = -Double.infinity; var rssSum = 0.0
            var cpuN = 0; var cpuMin = Double.infinity; var cpuMax = -Double.infinity; var cpuSum = 0.0 }
        var groups: [String: [Acc]] = [:]
        for inv in invocations where inWFs.has(inv.wf) {
            let d = inv.duration * instMult[inv.instance]
            var accs = groups[inv.transformation] ?? [Acc(), Acc()]
            let k = inv.exit == 0 ? 1 : 0
            accs[k].count += 1; accs[k].min = min(accs[k].min, d); accs[k].max = max(accs[k].max, d); accs[k].sum += d
            if let m = inv.maxrss { accs[k].rssN += 1; accs[k].rssMin = min(accs[k].rssMin, m); accs[k].rssMax = max(accs[k].rssMax, m); accs[k].rssSum += m }
            if let c = inv.avgCPU { accs[k].cpuN += 1; accs[k].cpuMin = min(accs[k].cpuMin, c); accs[k].cpuMax = max(accs[k].cpuMax, c); accs[k].cpuSum += c }
            groups[inv.transformation] = accs
        }
        var rows: [TransformationRow] = []
        // SQLite's BINARY order: by UTF-8 bytes; "failed" before "successful".
        for name in groups.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            for (k, type) in [(0, "failed"), (1, "successful")] {
                let a = groups[name]![k]
                guard a.count > 0 else { continue }
                rows.append(TransformationRow(
                    transformation: name, type: type, count: a.count, min: a.min, max: a.max, mean: a.sum / Double(a.count), total: a.sum,
                    minMemoryKB: a.rssN > 0 ? a.rssMin : nil, maxMemoryKB: a.rssN > 0 ? a.rssMax : nil, meanMemoryKB: a.rssN > 0 ? a.rssSum / Double(a.rssN) : nil,
                    minCPU: a.cpuN > 0 ? a.cpuMin : nil, maxCPU: a.cpuN > 0 ? a.cpuMax : nil, meanCPU: a.cpuN > 0 ? a.cpuSum / Double(a.cpuN) : nil))
            }
        }
        return rows
    }
}
