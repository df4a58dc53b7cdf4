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
    /// Job and task ids by name, of the workflows whose names were loaded
    /// (`loadNames`): only a writer that inserts a workflow's jobs or tasks needs them, so
    /// they are read on demand, not on open (a million names each, seconds of a restart).
    var jobs: [WorkflowID: [String: JobID]] = [:]
    var jobWorkflow = IDRanges()
    var tasks: [WorkflowID: [String: TaskID]] = [:]
    /// Workflows whose `jobs` and `tasks` hold every name in the file (or that this writer
    /// created: nothing to read).
    var namesLoaded = Set<WorkflowID>()
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
        if ids.workflows.count == 1, let only = ids.workflows.values.first {
            // One workflow (no sub-workflows): every job and attempt is its. Reading a
            // million rows to learn that cost seconds of a restart (issue 15).
            if ids.lastJob > 0 { ids.jobWorkflow.assign(1...ids.lastJob, to: only) }
            if ids.lastInstance > 0 { ids.instanceWorkflow.assign(1...ids.lastInstance, to: only) }
            if let seq = try db.scalar("SELECT max(job_submit_seq) FROM job_instance").int { ids.lastSubmitSeq[only] = Int(seq) }
        } else {
            for row in try db.query("SELECT job_id, wf_id FROM job ORDER BY job_id") {
                if let id = row[0].int, let wf = row[1].int { ids.jobWorkflow[id] = wf }
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
        }
        for row in try db.query("SELECT host_id, wf_id, site, hostname, ip FROM host") {
            guard let id = row[0].int, let wf = row[1].int else { continue }
            let key = HostKey(wfID: wf, site: row[2].string ?? "", hostname: row[3].string ?? "", ip: row[4].string ?? "")
            ids.hosts[key] = id
        }
        // The open attempts through `skein_open_instance` (`StampedeWriter.openInstanceIndex`):
        // SQLite's planner chose a scan of every jobstate row (seconds at a million jobs).
        for row in try db.query("""
            SELECT ji.job_instance_id, (SELECT max(s.jobstate_submit_seq) FROM jobstate s WHERE s.job_instance_id = ji.job_instance_id)
            FROM job_instance ji INDEXED BY skein_open_instance WHERE ji.exitcode IS NULL
            """) {
            if let id = row[0].int, let seq = row[1].int { ids.lastJobstateSeq[id] = Int(seq) }
        }
        return ids
    }

    /// The job and task names of workflow `wfID` in the file, as `jobs` and `tasks` keep them.
    static func names(of wfID: WorkflowID, in db: SQLiteDatabase) throws -> (jobs: [String: JobID], tasks: [String: TaskID]) {
        var jobs: [String: JobID] = [:]
        for row in try db.query("SELECT job_id, exec_job_id FROM job WHERE wf_id = ?", [wfID]) {
            if let id = row[0].int, let name = row[1].string { jobs[name] = id }
        }
        var tasks: [String: TaskID] = [:]
        for row in try db.query("SELECT task_id, abs_task_id FROM task WHERE wf_id = ?", [wfID]) {
            if let id = row[0].int, let name = row[1].string { tasks[name] = id }
        }
        return (jobs, tasks)
    }
}
