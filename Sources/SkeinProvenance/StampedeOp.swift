/// One pending write of `StampedeWriter`, with ids already allocated. Kept as plain data (not
/// closures) so a batch can be replayed op by op when it fails, and described in errors.
enum StampedeOp: Sendable, CustomStringConvertible {
    case workflow(WorkflowID, WorkflowRow)
    case workflowState(WorkflowID, WorkflowState, timestamp: Double, restartCount: Int, status: Int?, reason: String?)
    case workflowMeta(WorkflowID, key: String, value: String)
    case jobs(WorkflowID, [(JobID, JobRow)])
    case jobEdges(WorkflowID, [Edge])
    case tasks(WorkflowID, [(TaskID, TaskRow)])
    case taskEdges(WorkflowID, [Edge])
    case taskMeta(TaskID, key: String, value: String)
    case host(HostID, WorkflowID, site: String, hostname: String, ip: String, uname: String?, totalMemory: Int?)
    case beginInstance(JobInstanceID, submitSeq: Int, InstanceStart)
    case jobState(JobInstanceID, JobStateName, timestamp: Double, seq: Int, reason: String?)
    case finishInstance(JobInstanceID, InstanceFinish)
    case subworkflow(JobInstanceID, WorkflowID)
    case invocation(InvocationID, WorkflowID, InvocationRow)
    case integrity(WorkflowID, JobInstanceID, IntegrityType, IntegrityFileType?, count: Int, duration: Double)
    case replica(lfn: String, pfn: String?, site: String?, metadata: [String: String])
    /// A `tag` row (monitord's `job_inst.tag`: `int.error` with the failed checksum count).
    case tag(WorkflowID, JobInstanceID, name: String, count: Int)
    /// Skein's mark of a workflow's job ids (`skein_job_rows`): reserved, and whether every
    /// job, edge and task row of it is written.
    case jobRowsMark(WorkflowID, jobCount: Int, firstJobID: JobID, complete: Bool)
    /// `job` rows with the ids reserved for them; rows already there are kept.
    case reservedJobs(WorkflowID, [(JobID, JobRow)])

    var description: String {
        switch self {
        case .workflow(let id, let row): return "workflow \(id) \(row.wfUUID)"
        case .workflowState(let id, let state, _, _, _, _): return "workflowstate \(id) \(state.rawValue)"
        case .workflowMeta(let id, let key, _): return "workflow_meta \(id) \(key)"
        case .jobs(let id, let rows): return "\(rows.count) job rows of workflow \(id)"
        case .jobEdges(let id, let edges): return "\(edges.count) job edges of workflow \(id)"
        case .tasks(let id, let rows): return "\(rows.count) task rows of workflow \(id)"
        case .taskEdges(let id, let edges): return "\(edges.count) task edges of workflow \(id)"
        case .taskMeta(let id, let key, _): return "task_meta \(id) \(key)"
        case .host(let id, _, let site, let hostname, _, _, _): return "host \(id) \(site)/\(hostname)"
        case .beginInstance(let id, let seq, let start): return "job_instance \(id) (job \(start.jobID), seq \(seq))"
        case .jobState(let id, let state, _, let seq, _): return "jobstate \(id) \(state.rawValue) #\(seq)"
        case .finishInstance(let id, let finish): return "finish job_instance \(id) exitcode \(finish.exitcode)"
        case .subworkflow(let id, let wf): return "job_instance \(id) subwf \(wf)"
        case .invocation(let id, _, let row): return "invocation \(id) of job_instance \(row.instanceID)"
        case .integrity(_, let id, let type, _, _, _): return "integrity \(type.rawValue) of job_instance \(id)"
        case .replica(let lfn, _, _, _): return "replica \(lfn)"
        case .tag(_, let id, let name, _): return "tag \(name) of job_instance \(id)"
        case .jobRowsMark(let id, let count, _, let complete): return "skein_job_rows \(id) (\(count) jobs\(complete ? ", complete" : ""))"
        case .reservedJobs(let id, let rows): return "\(rows.count) job rows of workflow \(id)"
        }
    }

    /// Executes the op's SQL (inside the caller's transaction).
    func apply(to db: SQLiteDatabase) throws {
        switch self {
        case .workflow(let id, let w):
            try db.run("""
                INSERT INTO workflow (wf_id, wf_uuid, dag_file_name, timestamp, submit_hostname, submit_dir,
                  planner_arguments, user, grid_dn, planner_version, dax_label, dax_version, dax_file, db_url,
                  parent_wf_id, root_wf_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """, [id, w.wfUUID, w.dagFileName, w.timestamp, w.submitHostname, w.submitDir, w.plannerArguments,
                      w.user, w.gridDN, w.plannerVersion, w.daxLabel, w.daxVersion, w.daxFile, w.dbURL,
                      w.parentWfID, w.rootWfID ?? id])
        case .workflowState(let id, let state, let ts, let restarts, let status, let reason):
            try db.run("""
                INSERT INTO workflowstate (wf_id, state, timestamp, restart_count, status, reason)
                VALUES (?,?,?,?,?,?)
                """, [id, state.rawValue, ts, restarts, status, reason])
        case .workflowMeta(let id, let key, let value):
            try db.run("INSERT OR REPLACE INTO workflow_meta (wf_id, key, value) VALUES (?,?,?)", [id, key, value])
        case .jobs(let wf, let rows):
            let sql = """
                INSERT INTO job (job_id, wf_id, exec_job_id, submit_file, type_desc, clustered, max_retries,
                  executable, argv, task_count) VALUES (?,?,?,?,?,?,?,?,?,?)
                """
            for (id, j) in rows {
                try db.run(sql, [id, wf, j.execJobID, j.submitFile, j.typeDesc.rawValue, j.clustered,
                                 j.maxRetries, j.executable, j.argv, j.taskCount])
            }
        case .jobEdges(let wf, let edges):
            let sql = "INSERT OR IGNORE INTO job_edge (wf_id, parent_exec_job_id, child_exec_job_id) VALUES (?,?,?)"
            for e in edges { try db.run(sql, [wf, e.parent, e.child]) }
        case .tasks(let wf, let rows):
            let sql = """
                INSERT INTO task (task_id, wf_id, job_id, abs_task_id, transformation, argv, type_desc)
                VALUES (?,?,?,?,?,?,?)
                """
            for (id, t) in rows {
                try db.run(sql, [id, wf, t.jobID, t.absTaskID, t.transformation, t.argv, t.typeDesc])
            }
        case .taskEdges(let wf, let edges):
            let sql = "INSERT OR IGNORE INTO task_edge (wf_id, parent_abs_task_id, child_abs_task_id) VALUES (?,?,?)"
            for e in edges { try db.run(sql, [wf, e.parent, e.child]) }
        case .taskMeta(let id, let key, let value):
            try db.run("INSERT OR REPLACE INTO task_meta (task_id, key, value) VALUES (?,?,?)", [id, key, value])
        case .host(let id, let wf, let site, let hostname, let ip, let uname, let memory):
            try db.run("""
                INSERT INTO host (host_id, wf_id, site, hostname, ip, uname, total_memory) VALUES (?,?,?,?,?,?,?)
                """, [id, wf, site, hostname, ip, uname, memory])
        case .beginInstance(let id, let seq, let s):
            // The per-attempt rows bind value by value (no array of existentials per row).
            let statement = try db.cached("""
                INSERT INTO job_instance (job_instance_id, job_id, job_submit_seq, sched_id, site, user, work_dir,
                  stdout_file, stderr_file, stdin_file, multiplier_factor) VALUES (?,?,?,?,?,?,?,?,?,?,1)
                """)
            try statement.bind(id, at: 1); try statement.bind(s.jobID, at: 2); try statement.bind(seq, at: 3)
            try statement.bind(s.schedID, at: 4); try statement.bind(s.site, at: 5); try statement.bind(s.user, at: 6)
            try statement.bind(s.workDir, at: 7); try statement.bind(s.stdoutFile, at: 8); try statement.bind(s.stderrFile, at: 9)
            try statement.bind(s.stdinFile, at: 10)
            try statement.runBound()
        case .jobState:
            try Self.insertJobStates([self][...], into: db)
        case .finishInstance(let id, let f):
            let statement = try db.cached("""
                UPDATE job_instance SET exitcode = ?, local_duration = ?, host_id = coalesce(?, host_id),
                  sched_id = coalesce(?, sched_id), work_dir = coalesce(?, work_dir),
                  stdout_text = ?, stderr_text = ? WHERE job_instance_id = ?
                """)
            try statement.bind(f.exitcode, at: 1); try statement.bind(f.localDuration, at: 2); try statement.bind(f.hostID, at: 3)
            try statement.bind(f.schedID, at: 4); try statement.bind(f.workDir, at: 5)
            try statement.bind(StampedeText.jobStdoutText(f.taskOutputs), at: 6); try statement.bind(StampedeText.jobStderrText(f.stderrText), at: 7)
            try statement.bind(id, at: 8)
            try statement.runBound()
            guard db.changes == 1 else {
                throw SQLiteError(path: db.path, operation: "finish job_instance", code: 0,
                                  message: "no job_instance \(id)")
            }
        case .subworkflow(let id, let wf):
            try db.run("UPDATE job_instance SET subwf_id = ? WHERE job_instance_id = ?", [wf, id])
        case .invocation(let id, let wf, let i):
            let statement = try db.cached("""
                INSERT INTO invocation (invocation_id, wf_id, job_instance_id, task_submit_seq, start_time,
                  remote_duration, remote_cpu_time, exitcode, transformation, executable, argv, abs_task_id,
                  maxrss, avg_cpu) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """)
            try statement.bind(id, at: 1); try statement.bind(wf, at: 2); try statement.bind(i.instanceID, at: 3)
            try statement.bind(i.taskSubmitSeq, at: 4); try statement.bind(i.startTime, at: 5); try statement.bind(i.remoteDuration, at: 6)
            try statement.bind(i.remoteCPUTime, at: 7); try statement.bind(i.exitcode, at: 8); try statement.bind(i.transformation, at: 9)
            try statement.bind(i.executable, at: 10); try statement.bind(i.argv, at: 11); try statement.bind(i.absTaskID, at: 12)
            try statement.bind(i.maxrss, at: 13); try statement.bind(i.avgCPU, at: 14)
            try statement.runBound()
        case .integrity(let wf, let id, let type, let fileType, let count, let duration):
            try db.run("""
                INSERT INTO integrity (wf_id, job_instance_id, type, file_type, count, duration) VALUES (?,?,?,?,?,?)
                ON CONFLICT (job_instance_id, type, file_type) DO UPDATE SET
                  count = count + excluded.count, duration = duration + excluded.duration
                """, [wf, id, type.rawValue, fileType?.rawValue, count, duration])
        case .tag(let wf, let id, let name, let count):
            // The schema allows one tag per attempt (UNIQUE wf_id, job_instance_id).
            try db.run("""
                INSERT INTO tag (wf_id, job_instance_id, name, count) VALUES (?,?,?,?)
                ON CONFLICT (wf_id, job_instance_id) DO UPDATE SET count = count + excluded.count
                """, [wf, id, name, count])
        case .jobRowsMark(let wf, let count, let first, let complete):
            try db.run("INSERT OR REPLACE INTO skein_job_rows (wf_id, job_count, first_job_id, complete) VALUES (?,?,?,?)", [wf, count, first, complete])
        case .reservedJobs(let wf, let rows):
            let statement = try db.cached("""
                INSERT OR IGNORE INTO job (job_id, wf_id, exec_job_id, submit_file, type_desc, clustered, max_retries,
                  executable, argv, task_count) VALUES (?,?,?,?,?,?,?,?,?,?)
                """)
            for (id, j) in rows {
                try statement.run([id, wf, j.execJobID, j.submitFile, j.typeDesc.rawValue, j.clustered, j.maxRetries, j.executable, j.argv, j.taskCount])
            }
        case .replica(let lfn, let pfn, let site, let metadata):
            try db.run("INSERT OR IGNORE INTO rc_lfn (lfn) VALUES (?)", [lfn])
            guard let id = try db.scalar("SELECT lfn_id FROM rc_lfn WHERE lfn = ?", [lfn]).int else { return }
            if let pfn { try db.run("INSERT OR IGNORE INTO rc_pfn (lfn_id, pfn, site) VALUES (?, ?, ?)", [id, pfn, site]) }
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
                try db.run(#"INSERT OR REPLACE INTO rc_meta (lfn_id, "key", value) VALUES (?, ?, ?)"#, [id, key, value])
            }
        }
    }
}
