import Foundation
import SkeinRunFormat
import SkeinProvenance

/// Reads `StatisticsReport`s with the queries of pegasus-statistics
/// (`Pegasus.db.workflow.stampede_statistics`): the same filters (sub-workflow jobs apart),
/// the same "last attempt decides" rule, the same retry arithmetic, so the numbers match.
public enum StatisticsReader {
    public static func read(_ path: String, includeJobs: Bool = false) throws -> StatisticsReport {
        try read(RunLocation.locate(path), includeJobs: includeJobs)
    }

    public static func read(_ location: RunLocation, includeJobs: Bool = false) throws -> StatisticsReport {
        let engine = location.kind == .skein ? EngineLock.state(runDirectory: location.directory) : nil
        guard location.databaseExists, let path = location.database else { throw ReportError.noDatabase(location.database ?? location.directory) }
        let db = try ReportDatabase(path: path)
        let all = try db.workflows()
        guard let wf = try db.selectWorkflow(location.wfUUID, in: all, subWorkflow: location.isSubWorkflow) else { throw ReportError.noDatabase(path) }
        let tree = db.descendants(of: wf, in: all).map(\.0)
        let states = try db.states(of: wf.id)
        let condition = RunCondition.make(states: states, kind: location.kind, engine: engine, directory: location.directory,
                                          hasDatabase: true, monitordDone: FileManager.default.fileExists(atPath: location.directory + "/monitord.done"))
        ReportTimings.step("open, workflows, states")
        let q = Queries(db: db)
        let ids = tree.map(\.id)
        let tables = try StatisticsTables.load(db, workflows: ids)
        ReportTimings.step("tables")
        let everything = Set(0..<ids.count)
        let summary = try tables.summary(everything)
        let (cumulative, _, badput) = tables.cumulativeJobWallTime(everything)
        let (submitSide, _, badputSubmit) = tables.submitSideJobWallTime(everything)
        var workflows: [WorkflowSummary] = []
        if tree.count > 1 {
            for (i, w) in tree.enumerated() {
                workflows.append(WorkflowSummary(wfUUID: w.uuid, label: w.label, retries: try q.workflowRetries([w.id]), rows: try tables.summary([i])))
            }
        }
        workflows.append(WorkflowSummary(wfUUID: nil, label: "All", retries: try q.workflowRetries(ids), rows: summary))
        var transformations: [TransformationGroup] = []
        for (i, w) in tree.enumerated() { transformations.append(TransformationGroup(wfUUID: w.uuid, label: w.label, rows: tables.transformations([i]))) }
        if tree.count > 1 { transformations.append(TransformationGroup(wfUUID: nil, label: "All", rows: tables.transformations(everything))) }
        ReportTimings.step("summaries")
        var jobs: [JobStatisticsGroup]?
        if includeJobs {
            let hosts = try db.hosts()
            jobs = try tree.map { JobStatisticsGroup(wfUUID: $0.uuid, label: $0.label, rows: try q.jobAttempts($0.id, hosts: hosts)) }
        }
        ReportTimings.step("jobs")
        return StatisticsReport(
            directory: location.directory, kind: location.kind, label: wf.label.isEmpty ? location.label : wf.label, wfUUID: wf.uuid,
            database: path, condition: condition, summary: summary, workflowWallTime: Self.wallTime(states),
            cumulativeJobWallTime: cumulative, cumulativeJobWallTimeSubmitSide: submitSide, badputWallTime: badput,
            badputWallTimeSubmitSide: badputSubmit, integrity: try q.integrity(ids), integrityErrors: try q.integrityErrors(ids),
            integrityFailures: try tables.integrityFailures(db), workflows: workflows, transformations: transformations, jobs: jobs,
            notes: location.notes + (location.kind == .pegasus && !FileManager.default.fileExists(atPath: location.directory + "/monitord.done")
                ? ["no monitord.done: pegasus-monitord may not have loaded every event of this run"] : []))
    }

    /// `get_workflow_wall_time`: the sum of ends minus the sum of starts, when every start
    /// has its end.
    static func wallTime(_ states: [ReportDatabase.WorkflowStateRow]) -> Double? {
        let starts = states.filter { $0.state == "WORKFLOW_STARTED" }.map(\.timestamp)
        let ends = states.filter { $0.state != "WORKFLOW_STARTED" }.map(\.timestamp)
        guard !starts.isEmpty, starts.count == ends.count else { return nil }
        return ends.reduce(0, +) - starts.reduce(0, +)
    }

    struct Queries {
        let db: ReportDatabase

        func list(_ ids: [Int]) -> String { ids.map(String.init).joined(separator: ", ") }

        static let subwf = "('dax', 'dag')"

        func int(_ sql: String) throws -> Int { Int(try db.db.scalar(sql).int ?? 0) }

        func workflowRetries(_ ids: [Int]) throws -> Int {
            try int("SELECT coalesce(sum(r), 0) FROM (SELECT max(restart_count) AS r FROM workflowstate WHERE wf_id IN (\(list(ids))) GROUP BY wf_id)")
        }

        func integrity(_ ids: [Int]) throws -> [IntegrityRow] {
            var rows: [IntegrityRow] = []
            try db.each("""
                SELECT type, file_type, sum(count), sum(duration) FROM integrity WHERE wf_id IN (\(list(ids)))
                GROUP BY type, file_type ORDER BY type, file_type
                """) { r in rows.append(IntegrityRow(type: r.string(0), fileType: r.text(1), count: r.int(2) ?? 0, duration: r.double(3) ?? 0)) }
            return rows
        }

        func integrityErrors(_ ids: [Int]) throws -> Int {
            try int("SELECT coalesce(sum(count), 0) FROM tag WHERE name = 'int.error' AND wf_id IN (\(list(ids)))")
        }

        /// jobs.txt: one row per attempt in submission order. The jobstate and invocation
        /// figures come from two aggregate scans joined here by attempt id (one correlated
        /// lookup per attempt and figure would take seconds on a large run).
        func jobAttempts(_ wfID: Int, hosts: [Int: String]) throws -> [JobAttemptStatistics] {
            struct Times { var firstExec: Double?; var submit: Double?; var exec: Double?; var grid: Double?; var postEnd: Double?; var postStart: Double? }
            struct Inv { var kickstart: Double?; var exit: Int?; var cpu: Double? }
            var timeIndex = IDIndex(expected: 1024), invIndex = IDIndex(expected: 1024)
            var times: [Times] = [], invs: [Inv] = []
            let instanceFilter = "job_instance_id IN (SELECT ji.job_instance_id FROM job_instance ji JOIN job j ON j.job_id = ji.job_id WHERE j.wf_id = \(wfID))"
            let single = try int("SELECT count(*) FROM workflow") == 1
            try db.each("""
                SELECT job_instance_id,
                  min(CASE WHEN state IN ('GRID_SUBMIT', 'GLOBUS_SUBMIT', 'EXECUTE') THEN timestamp END),
                  min(CASE WHEN state = 'SUBMIT' THEN timestamp END),
                  min(CASE WHEN state = 'EXECUTE' THEN timestamp END),
                  min(CASE WHEN state IN ('GRID_SUBMIT', 'GLOBUS_SUBMIT') THEN timestamp END),
                  min(CASE WHEN state = 'POST_SCRIPT_TERMINATED' THEN timestamp END),
                  max(CASE WHEN state IN ('POST_SCRIPT_STARTED', 'JOB_TERMINATED') THEN timestamp END)
                FROM jobstate \(single ? "" : "WHERE " + instanceFilter) GROUP BY job_instance_id
                """) { r in
                timeIndex.set(r.int(0) ?? 0, times.count)
                times.append(Times(firstExec: r.double(1), submit: r.double(2), exec: r.double(3), grid: r.double(4),
                                   postEnd: r.double(5), postStart: r.double(6)))
            }
            try db.each("""
                SELECT job_instance_id, sum(CASE WHEN task_submit_seq >= 0 THEN remote_duration END),
                  max(CASE WHEN task_submit_seq >= -1 THEN exitcode END), sum(CASE WHEN task_submit_seq >= 0 THEN remote_cpu_time END)
                FROM invocation WHERE wf_id = \(wfID) GROUP BY job_instance_id
                """) { r in
                invIndex.set(r.int(0) ?? 0, invs.count)
                invs.append(Inv(kickstart: r.double(1), exit: r.int(2), cpu: r.double(3)))
            }
            var rows: [JobAttemptStatistics] = []
            var tryIndex = IDIndex(expected: 1024)
            var tries: [Int] = []
            var lastSite: String?
            try db.each("""
                SELECT j.exec_job_id, ji.job_instance_id, ji.site, ji.multiplier_factor, ji.local_duration, ji.cluster_duration, ji.host_id, j.job_id
                FROM job_instance ji JOIN job j ON j.job_id = ji.job_id WHERE j.wf_id = ? ORDER BY ji.job_submit_seq
                """, [wfID]) { r in
                let name = r.string(0)
                let id = r.int(1) ?? 0
                let t = timeIndex.get(id).map { times[$0] }
                let inv = invIndex.get(id).map { invs[$0] }
                let mult = r.int(3) ?? 1
                let jobID = r.int(7) ?? 0
                let n: Int
                if let k = tryIndex.get(jobID) { tries[k] += 1; n = tries[k] } else { tryIndex.set(jobID, tries.count); tries.append(1); n = 1 }
                let site = r.text(2)
                if site != lastSite { lastSite = site }
                func minus(_ a: Double?, _ b: Double?) -> Double? { if let a, let b { return a - b }; return nil }
                let seqexec = r.double(5)
                let kickstart = inv?.kickstart
                rows.append(JobAttemptStatistics(
                    job: name, attempt: n, site: lastSite, kickstart: kickstart, multiplier: mult,
                    kickstartMultiplied: kickstart.map { $0 * Double(mult) }, cpuTime: inv?.cpu,
                    post: minus(t?.postEnd, t?.postStart), queueTime: minus(t?.firstExec, t?.submit), resourceDelay: minus(t?.exec, t?.grid),
                    runtime: r.double(4), seqexec: seqexec, seqexecDelay: minus(seqexec, kickstart),
                    exitCode: inv?.exit.map(PegasusFormat.regularExitCode), host: r.int(6).flatMap { hosts[$0] }))
            }
            return rows
        }
    }
}
