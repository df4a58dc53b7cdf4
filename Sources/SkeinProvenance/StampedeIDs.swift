/// The writer's in-memory view of the ids in a run database, so callers get row ids without
/// waiting for SQLite. Loaded from the file on open (resume continues after the max ids and
/// finds existing workflows, jobs, tasks and hosts instead of inserting duplicates).
struct StampedeIDs {
    struct HostKey: Hashable {
        var wfID: WorkflowID, site: String, hostname: String, ip: String
    }

    var lastWorkflow: Int64 = 0
    var lastJob: Int64 = 0
    var lastInstance: Int64 = 0
    var lastHost: Int64 = 0
    var lastTask: Int64 = 0
    var lastInvocation: Int64 = 0

    var workflows: [String: WorkflowID] = [:]
    var jobs: [WorkflowID: [String: JobID]] = [:]
    var jobWorkflow = IDRanges()
    var tasks: [WorkflowID: [String: TaskID]] = [:]
    var hosts: [HostKey: HostID] = [:]
    var instanceWorkflow = IDRanges()
    /// Last job_submit_seq used per workflow (DAGMan numbers submissions per DAG).
    var lastSubmitSeq: [WorkflowID: Int] = [:]
    /// Last jobstate_submit_seq used per job instance, of the instances not finished yet
    /// (a finished attempt gets no more states).
    var lastJobstateSeq: [JobInstanceID: Int] = [:]

    static func load(from db: SQLiteDatabase) throws -> StampedeIDs {
        var ids = StampedeIDs()
        func maxID(_ column: String, _ table: String) throws -> Int64 {
            try db.scalar("SELECT coalesce(max(\(column)), 0) FROM \(table)").int ?? 0
        }
        ids.lastWorkflow = try maxID("wf_id", "workflow")
        ids.lastJob = try maxID("job_id", "job")
        ids.lastInstance = try maxID("job_instance_id", "job_instance")
        ids.lastHost = try maxID("host_id", "host")
        ids.lastTask = try maxID("task_id", "task")
        ids.lastInvocation = try maxID("invocation_id", "invocation")

        for row in try db.query("SELECT wf_id, wf_uuid FROM workflow") {
            if let id = row[0].int, let uuid = row[1].string { ids.workflows[uuid] = id }
        }
        for row in try db.query("SELECT job_id, wf_id, exec_job_id FROM job ORDER BY job_id") {
            guard let id = row[0].int, let wf = row[1].int, let name = row[2].string else { continue }
            ids.jobs[wf, default: [:]][name] = id
            ids.jobWorkflow[id] = wf
        }
        for row in try db.query("SELECT task_id, wf_id, abs_task_id FROM task") {
            guard let id = row[0].int, let wf = row[1].int, let name = row[2].string else { continue }
            ids.tasks[wf, default: [:]][name] = id
        }
        for row in try db.query("SELECT host_id, wf_id, site, hostname, ip FROM host") {
            guard let id = row[0].int, let wf = row[1].int else { continue }
            let key = HostKey(wfID: wf, site: row[2].string ?? "", hostname: row[3].string ?? "", ip: row[4].string ?? "")
            ids.hosts[key] = id
        }
        for row in try db.query("""
            SELECT ji.job_instance_id, j.wf_id FROM job_instance ji JOIN job j ON j.job_id = ji.job_id ORDER BY ji.job_instance_id
            """) {
            if let id = row[0].int, let wf = row[1].int { ids.instanceWorkflow[id] = wf }
        }
        for row in try db.query("""
            SELECT j.wf_id, max(ji.job_submit_seq) FROM job_instance ji JOIN job j ON j.job_id = ji.job_id
            GROUP BY j.wf_id
            """) {
            if let wf = row[0].int, let seq = row[1].int { ids.lastSubmitSeq[wf] = Int(seq) }
        }
        for row in try db.query("""
            SELECT s.job_instance_id, max(s.jobstate_submit_seq) FROM job_instance ji JOIN jobstate s ON s.job_instance_id = ji.job_instance_id
            WHERE ji.exitcode IS NULL GROUP BY s.job_instance_id
            """) {
            if let id = row[0].int, let seq = row[1].int { ids.lastJobstateSeq[id] = Int(seq) }
        }
        return ids
    }
}
