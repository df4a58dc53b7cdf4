import Foundation
import SkeinRunFormat
import SkeinText
import SkeinProvenance

/// Reads `AnalysisReport`s and `JobAnalysis`es, with pegasus-analyzer's queries
/// (`Pegasus.db.workflow.stampede_statistics`, not expanded to sub-workflows).
public enum AnalysisReader {
    /// Lines of each output kept in a report (the tail); 0 keeps everything.
    public static let defaultTail = 40

    public static func read(_ path: String, tail: Int = defaultTail) throws -> AnalysisReport {
        try read(RunLocation.locate(path), tail: tail)
    }

    /// With `recurse` (pegasus-analyzer's `-r`), each failed job's sub-workflow is analysed
    /// too, all the way down; a sub-workflow that cannot be read is a remark, not an error.
    public static func read(_ location: RunLocation, tail: Int = defaultTail, recurse: Bool) throws -> AnalysisReport {
        var report = try read(location, tail: tail)
        guard recurse else { return report }
        var subworkflows: [SubworkflowAnalysis] = []
        for failed in report.failedJobs {
            guard let directory = subworkflowDirectory(of: failed, in: location, report: &report) else { continue }
            do {
                subworkflows.append(SubworkflowAnalysis(job: failed.job, report: try read(RunLocation.locate(directory), tail: tail, recurse: true)))
            } catch {
                report.remarks.append("the sub-workflow of \(failed.job) (\(directory)) cannot be analysed: \(error)")
            }
        }
        if !subworkflows.isEmpty { report.subworkflows = subworkflows }
        return report
    }

    /// The folder of a failed job's sub-workflow here: the one the database records (under
    /// this run when the run was copied from its submit host), else, for a Pegasus `dax` or
    /// `dag` job, the one its submit file names (`SubWorkflowFolder`); one never planned is
    /// a remark.
    static func subworkflowDirectory(of failed: AttemptDetail, in location: RunLocation, report: inout AnalysisReport) -> String? {
        if let recorded = failed.subworkflowDirectory { return location.relocated(recorded) ?? recorded }
        guard location.kind == .pegasus, failed.type == "dax" || failed.type == "dag", let submitFile = failed.submitFile,
              let folder = SubWorkflowFolder.find(submitFile: submitFile, submitDirectory: location.directory,
                                                  recordedSubmitDirectory: location.recordedSubmitDir, attempts: failed.attempts) else { return nil }
        if folder.found { return folder.directory }
        report.remarks.append("the sub-workflow of \(failed.job) was never planned (no \(folder.directory))")
        return nil
    }

    public static func read(_ location: RunLocation, tail: Int = defaultTail) throws -> AnalysisReport {
        let engine = location.kind == .skein ? EngineLock.state(runDirectory: location.directory) : nil
        guard location.databaseExists, let path = location.database else {
            return try notStarted(location, engine: engine)
        }
        let db: ReportDatabase
        do { db = try ReportDatabase(path: path) } catch ReportError.noDatabase { return try notStarted(location, engine: engine) }
        ReportTimings.step("open database")
        let all = try db.workflows()
        guard let wf = try db.selectWorkflow(location.wfUUID, in: all, subWorkflow: location.isSubWorkflow) else { return try notStarted(location, engine: engine) }
        let states = try db.states(of: wf.id)
        let condition = RunCondition.make(states: states, kind: location.kind, engine: engine, directory: location.directory,
                                          hasDatabase: true, monitordDone: FileManager.default.fileExists(atPath: location.directory + "/monitord.done"))
        ReportTimings.step("workflows, states")
        var workflowStatus = "unknown"
        if let last = states.last {
            workflowStatus = last.state == "WORKFLOW_STARTED" ? "running" : (last.status == 0 ? "success" : "failure")
        }
        // Held jobs (one jobstate lookup per job) on a second connection while this one
        // reads the last attempts.
        let wfID = wf.id
        let held = BackgroundRead(path: path) { db in
            var heldJobs: [HeldJob] = []
            try db.each("""
                SELECT DISTINCT js.job_instance_id, j.exec_job_id, js.reason FROM jobstate js
                JOIN (SELECT max(job_instance_id) AS maxid, job_id FROM job_instance GROUP BY job_id) m ON js.job_instance_id = m.maxid
                JOIN job j ON j.job_id = m.job_id
                WHERE js.state = 'JOB_HELD' AND j.wf_id = ?
                """, [wfID]) { r in
                heldJobs.append(HeldJob(job: r.string(1), instanceID: r.int(0) ?? 0, reason: r.text(2)))
            }
            return heldJobs
        }
        // Each job's last attempt (highest job_submit_seq) decides it.
        let attempts = try LastAttempts.read(db, workflow: wf.id)
        let total = attempts.jobs
        let succeeded = attempts.succeeded
        let failedInstances = attempts.failed
        ReportTimings.step("last attempts")
        let heldJobs = try held.wait()
        ReportTimings.step("held jobs")
        // Failing: the latest failed attempt of jobs that have an attempt running.
        let failingInstances = attempts.failing
        let details = try DetailReader(db: db, workflow: wf, all: all, location: location, tail: tail)
        let failed = failedInstances.count
        var report = AnalysisReport(
            directory: location.directory, kind: location.kind, label: wf.label.isEmpty ? location.label : wf.label, wfUUID: wf.uuid,
            database: path, submitDirectory: wf.submitDir.isEmpty ? location.directory : wf.submitDir, condition: condition,
            workflowStatus: workflowStatus, total: total, succeeded: succeeded, failed: failed, held: heldJobs.count,
            unsubmitted: total - succeeded - failed, heldJobs: heldJobs,
            failingJobs: try failingInstances.map { try details.attempt($0) },
            failedJobs: try failedInstances.map { try details.attempt($0) }, notes: location.notes, remarks: [], exitCode: 0)
        ReportTimings.step("failed details")
        if location.kind == .skein && condition.phase == .running {
            let waiting = PendingReasons.read(runDirectory: location.directory)
            if !waiting.isEmpty { report.pendingJobs = waiting.sorted { $0.key < $1.key }.map { PendingJob(job: $0.key, reason: $0.value) } }
        }
        if workflowStatus == "failure" && failed == 0 {
            report.remarks.append("the workflow failed with no failed job: check \(location.kind == .skein ? "engine.log" : "the dagman.out and monitord.log files") in \(location.directory)")
        }
        report.exitCode = workflowStatus == "failure" || failed > 0 ? 2 : 0
        return report
    }

    /// One job with every attempt (`--job ID`).
    public static func job(_ id: String, in path: String, tail: Int = defaultTail) throws -> JobAnalysis {
        try job(id, in: RunLocation.locate(path), tail: tail)
    }

    public static func job(_ id: String, in location: RunLocation, tail: Int = defaultTail) throws -> JobAnalysis {
        let engine = location.kind == .skein ? EngineLock.state(runDirectory: location.directory) : nil
        guard location.databaseExists, let path = location.database else { throw ReportError.noDatabase(location.database ?? location.directory) }
        let db = try ReportDatabase(path: path)
        let all = try db.workflows()
        guard let wf = try db.selectWorkflow(location.wfUUID, in: all, subWorkflow: location.isSubWorkflow) else { throw ReportError.noDatabase(path) }
        let condition = RunCondition.make(states: try db.states(of: wf.id), kind: location.kind, engine: engine, directory: location.directory,
                                          hasDatabase: true, monitordDone: FileManager.default.fileExists(atPath: location.directory + "/monitord.done"))
        let tree = db.descendants(of: wf, in: all).map(\.0)
        var found: (jobID: Int, wf: ReportDatabase.Workflow, type: String, retries: Int)?
        for w in tree {
            try db.each("SELECT job_id, type_desc, max_retries FROM job WHERE wf_id = ? AND exec_job_id = ?", [w.id, id]) { r in
                if found == nil { found = (r.int(0) ?? 0, w, r.string(1), r.int(2) ?? 0) }
            }
            if found != nil { break }
        }
        guard let found else {
            var names: [String] = []
            try db.each("SELECT exec_job_id FROM job WHERE wf_id = ?", [wf.id]) { r in names.append(r.string(0)) }
            throw ReportError.unknownJob(id, Suggestion.near(id, in: names))
        }
        let details = try DetailReader(db: db, workflow: found.wf, all: all, location: location, tail: tail)
        var instances: [Int] = []
        try db.each("SELECT job_instance_id FROM job_instance WHERE job_id = ? ORDER BY job_submit_seq", [found.jobID]) { r in instances.append(r.int(0) ?? 0) }
        var attempts: [AttemptDetail] = []
        for instance in instances {
            var a = try details.attempt(instance)
            a.states = try details.states(instance)
            attempts.append(a)
        }
        var parents: [String] = [], children: [String] = []
        try db.each("SELECT parent_exec_job_id FROM job_edge WHERE wf_id = ? AND child_exec_job_id = ? ORDER BY 1", [found.wf.id, id]) { r in parents.append(r.string(0)) }
        try db.each("SELECT child_exec_job_id FROM job_edge WHERE wf_id = ? AND parent_exec_job_id = ? ORDER BY 1", [found.wf.id, id]) { r in children.append(r.string(0)) }
        // The job's state as status sees it.
        let graph = try JobGraph.load(db, workflows: [found.wf], condition: condition)
        let state = graph.names.firstIndex(of: id).map { graph.state[$0].rawValue } ?? "unknown"
        return JobAnalysis(directory: location.directory, label: found.wf.label, job: id, type: found.type, maxAttempts: found.retries + 1,
                           state: state, parents: parents, children: children, attempts: attempts,
                           files: try details.files(jobID: found.jobID, name: id), condition: condition)
    }

    /// A run with no database yet: nothing has run.
    static func notStarted(_ location: RunLocation, engine: EngineLock.State?) throws -> AnalysisReport {
        guard location.kind == .skein, let plan = PlanSummary.read(location.directory) else {
            throw ReportError.noDatabase(location.database ?? location.directory)
        }
        let condition = RunCondition.make(states: [], kind: .skein, engine: engine, directory: location.directory, hasDatabase: false, monitordDone: false)
        return AnalysisReport(directory: location.directory, kind: .skein, label: plan.label, wfUUID: plan.wfUUID, database: location.database,
                              submitDirectory: location.directory, condition: condition,
                              workflowStatus: condition.phase == .running ? "running" : "unknown", total: plan.jobs.count, succeeded: 0,
                              failed: 0, held: 0, unsubmitted: plan.jobs.count, heldJobs: [], failingJobs: [], failedJobs: [],
                              notes: location.notes, remarks: [], exitCode: 0)
    }
}

/// Reads attempts in detail: job_instance, its last state and reasons, invocations, output.
struct DetailReader {
    let db: ReportDatabase
    let workflow: ReportDatabase.Workflow
    let location: RunLocation
    let tail: Int
    let hosts: [Int: String]
    let submitDirs: [Int: String]
    let plan: LazyPlanFiles

    init(db: ReportDatabase, workflow: ReportDatabase.Workflow, all: [ReportDatabase.Workflow], location: RunLocation, tail: Int) throws {
        self.db = db; self.workflow = workflow; self.location = location; self.tail = tail
        hosts = try db.hosts()
        var dirs: [Int: String] = [:]
        for w in all { dirs[w.id] = w.submitDir }
        submitDirs = dirs
        plan = LazyPlanFiles(directory: location.kind == .skein ? location.directory : nil)
    }

    func attempt(_ instanceID: Int) throws -> AttemptDetail {
        var d: AttemptDetail?
        var jobID = 0
        var stdoutText = "", stderrText = ""
        try db.each("""
            SELECT ji.job_id, j.exec_job_id, j.type_desc, j.max_retries, j.submit_file, j.executable, j.argv,
                   ji.site, ji.host_id, ji.stdout_file, ji.stderr_file, ji.work_dir, ji.exitcode, ji.local_duration,
                   ji.subwf_id, ji.stdout_text, ji.stderr_text, ji.job_submit_seq,
                   (SELECT count(*) FROM job_instance c WHERE c.job_id = ji.job_id),
                   (SELECT count(*) FROM job_instance c WHERE c.job_id = ji.job_id AND c.job_submit_seq <= ji.job_submit_seq),
                   (SELECT min(timestamp) FROM jobstate s WHERE s.job_instance_id = ji.job_instance_id)
            FROM job_instance ji JOIN job j ON j.job_id = ji.job_id WHERE ji.job_instance_id = ?
            """, [instanceID]) { r in
            jobID = r.int(0) ?? 0
            stdoutText = StampedeText.unquote(r.text(15) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            stderrText = StampedeText.unquote(r.text(16) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            d = AttemptDetail(
                job: r.string(1), type: r.string(2), attempt: r.int(19) ?? 1, attempts: r.int(18) ?? 1, maxAttempts: (r.int(3) ?? 0) + 1,
                instanceID: instanceID, lastState: nil, site: r.text(7), host: r.int(8).flatMap { hosts[$0] },
                submitFile: r.text(4), stdoutFile: r.text(9), stderrFile: r.text(10), workDir: r.text(11),
                executable: r.text(5), arguments: r.text(6), exitCode: r.int(12).map(PegasusFormat.regularExitCode), reason: nil,
                started: r.double(20), duration: r.double(13), states: nil, files: [], tasks: [],
                jobStderr: stderrText.isEmpty ? nil : OutputText(stderrText, tail: tail),
                subworkflowDirectory: r.int(14).flatMap { submitDirs[$0] })
        }
        guard var detail = d else { throw ReportError.badDatabase(db.path, "no job_instance \(instanceID)") }
        // The last state: highest jobstate_submit_seq (ties in the primary key's order, by state).
        var reasons: [(String, String)] = []
        try db.each("SELECT state, reason FROM jobstate WHERE job_instance_id = ? ORDER BY jobstate_submit_seq DESC, state ASC", [instanceID]) { r in
            if detail.lastState == nil { detail.lastState = r.string(0) }
            if let reason = r.text(1), !reason.isEmpty { reasons.append((r.string(0), reason)) }
        }
        try db.each("""
            SELECT i.task_submit_seq, i.exitcode, i.executable,
                   coalesce(i.argv, (SELECT t.argv FROM task t WHERE t.wf_id = i.wf_id AND t.abs_task_id = i.abs_task_id)),
                   i.transformation, i.abs_task_id, i.start_time, i.remote_duration, i.maxrss
            FROM invocation i WHERE i.job_instance_id = ? ORDER BY i.invocation_id
            """, [instanceID]) { r in
            let seq = r.int(0) ?? 0
            let raw = r.int(1) ?? 0
            var task = TaskDetail(seq: seq, transformation: r.string(4), taskID: r.text(5), executable: r.string(2), arguments: r.text(3),
                                  exitCode: PegasusFormat.regularExitCode(raw), rawStatus: raw, started: r.double(6), duration: r.double(7),
                                  maxrssKB: r.int(8), stdout: nil, stderr: nil)
            if seq == -1 {
                // A PRE script's output is the whole stdout_text (pegasus-analyzer, PM-808).
                if !stdoutText.isEmpty { task.stdout = OutputText(stdoutText, tail: tail) }
            } else if seq >= 0 {
                if let out = Self.section(stdoutText, seq: seq, kind: "stdout") { task.stdout = OutputText(out, tail: tail) }
                if let err = Self.section(stdoutText, seq: seq, kind: "stderr") { task.stderr = OutputText(err, tail: tail) }
            }
            detail.tasks.append(task)
        }
        // Skein writes no invocation for auxiliary jobs: their output is in section 1.
        if detail.tasks.allSatisfy({ $0.seq < 0 }), let err = Self.section(stdoutText, seq: 1, kind: "stderr"), detail.jobStderr == nil {
            detail.jobStderr = OutputText(err, tail: tail)
        }
        detail.reason = Self.reason(reasons: reasons, detail: detail, integrityErrors: try integrityErrors(instanceID))
        detail.files = try files(jobID: jobID, name: detail.job)
        return detail
    }

    func states(_ instanceID: Int) throws -> [StateChange] {
        var result: [StateChange] = []
        try db.each("SELECT state, timestamp, reason FROM jobstate WHERE job_instance_id = ? ORDER BY jobstate_submit_seq, timestamp", [instanceID]) { r in
            result.append(StateChange(state: r.string(0), time: r.double(1) ?? 0, reason: r.text(2)))
        }
        return result
    }

    func integrityErrors(_ instanceID: Int) throws -> Int {
        Int(try db.db.scalar("SELECT coalesce(sum(count), 0) FROM tag WHERE job_instance_id = ? AND name = 'int.error'", [instanceID]).int ?? 0)
    }

    /// Files of a job: Pegasus's workflow_files (through its tasks), and for Skein runs the
    /// plan's inputs, declared outputs and redirections.
    func files(jobID: Int, name: String) throws -> [FileUse] {
        var result: [FileUse] = []
        try db.each("""
            SELECT l.lfn, f.file_type FROM workflow_files f JOIN rc_lfn l ON l.lfn_id = f.lfn_id JOIN task t ON t.task_id = f.task_id
            WHERE t.job_id = ? ORDER BY l.lfn
            """, [jobID]) { r in result.append(FileUse(lfn: r.string(0), type: r.text(1) ?? "file")) }
        if let job = plan.files?.jobs[name] {
            for lfn in job.inputs where !result.contains(where: { $0.lfn == lfn }) { result.append(FileUse(lfn: lfn, type: "input")) }
            for lfn in job.outputs where !result.contains(where: { $0.lfn == lfn }) { result.append(FileUse(lfn: lfn, type: "output")) }
            if let s = job.stdin { result.append(FileUse(lfn: s, type: "stdin")) }
            if let s = job.stdout { result.append(FileUse(lfn: s, type: "stdout")) }
            if let s = job.stderr { result.append(FileUse(lfn: s, type: "stderr")) }
        }
        return result
    }

    /// Task N's stdout or stderr in Pegasus's `#@ N stdout` sections, as pegasus-analyzer cuts them.
    static func section(_ text: String, seq: Int, kind: String) -> String? {
        let marker = "#@ \(seq) \(kind)"
        guard let start = text.range(of: marker) else { return nil }
        var from = start.upperBound
        if from < text.endIndex { from = text.index(after: from) }  // the newline after the marker
        guard from < text.endIndex else { return nil }
        var to = text[from...].range(of: "#@")?.lowerBound ?? text.endIndex
        if to < text.endIndex, to > from { to = text.index(before: to) }
        guard to > from else { return nil }
        let body = String(text[from..<to])
        return body.isEmpty ? nil : body
    }

    /// Why an attempt failed, most specific first.
    static func reason(reasons: [(String, String)], detail: AttemptDetail, integrityErrors: Int) -> String? {
        var parts: [String] = []
        let preferred = ["JOB_FAILURE", "POST_SCRIPT_FAILED", "PRE_SCRIPT_FAILED", "JOB_ABORTED", "JOB_HELD", "JOB_EVICTED"]
        if let r = preferred.lazy.compactMap({ state in reasons.last(where: { $0.0 == state })?.1 }).first ?? reasons.first?.1 {
            parts.append(r)
        } else if let pre = detail.tasks.first(where: { $0.seq == -1 && $0.rawStatus != 0 }) {
            parts.append("PRE script failed: \(PegasusFormat.describeRawStatus(pre.rawStatus))")
        } else if let task = detail.tasks.first(where: { $0.seq >= 0 && $0.rawStatus != 0 }) {
            parts.append((detail.tasks.filter { $0.seq >= 0 }.count > 1 ? "task \(task.seq) (\(task.transformation)): " : "") + PegasusFormat.describeRawStatus(task.rawStatus))
        } else if let post = detail.tasks.first(where: { $0.seq == -2 && $0.rawStatus != 0 }) {
            parts.append("POST script failed: \(PegasusFormat.describeRawStatus(post.rawStatus))")
        } else if let code = detail.exitCode, code != 0 {
            parts.append(code < 0 ? "killed by signal \(-code)" : "exit code \(code)")
        }
        if integrityErrors > 0 { parts.append("integrity: \(Text.plural(integrityErrors, "checksum error"))") }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

/// The plan's files, read when a failed attempt first needs them: a run without failures
/// never reads its plan, whose million jobs take longer to decode than the whole report.
final class LazyPlanFiles {
    let directory: String?
    lazy var files: PlanFiles? = directory.flatMap { PlanFiles.read($0) }

    init(directory: String?) { self.directory = directory }
}

/// The files of each job of a Skein plan, read through SkeinRunFormat's one plan reader.
struct PlanFiles {
    struct Entry { var inputs: [String]; var outputs: [String]; var stdin: String?; var stdout: String?; var stderr: String? }
    var jobs: [String: Entry]

    static func read(_ directory: String) -> PlanFiles? {
        guard let plan = try? RunDirectory(path: directory).readPlan() else { return nil }
        var jobs: [String: Entry] = [:]
        for j in plan.jobs {
            jobs[j.id] = Entry(inputs: j.readFiles, outputs: j.outputs, stdin: j.stdin, stdout: j.stdout, stderr: j.stderr)
        }
        return PlanFiles(jobs: jobs)
    }
}
