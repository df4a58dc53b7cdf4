/// The table-shaped write API of `StampedeWriter`. Every method returns at once: ids come
/// from memory, the row is committed by the next batch.
extension StampedeWriter {
    /// Inserts a `workflow` row and returns its wf_id. A wf_uuid already in the database (a
    /// resumed run) returns the existing id and writes nothing.
    public func insertWorkflow(_ row: WorkflowRow) -> WorkflowID {
        enqueue { ids in
            if let existing = ids.workflows[row.wfUUID] { return (existing, []) }
            ids.lastWorkflow += 1
            let id = ids.lastWorkflow
            ids.workflows[row.wfUUID] = id
            ids.namesLoaded.insert(id)  // new: no names in the file to read
            return (id, [.workflow(id, row)])
        }
    }

    /// Appends a `workflowstate` row: `.started` when a run (or a restart) begins, `.terminated`
    /// with `status` 0 (success) or non-zero when it ends. `restartCount` is 0 for the first run.
    public func workflowState(_ wfID: WorkflowID, _ state: WorkflowState, timestamp: Double,
                              restartCount: Int = 0, status: Int? = nil, reason: String? = nil) {
        enqueue { _ in ((), [.workflowState(wfID, state, timestamp: timestamp, restartCount: restartCount,
                                              status: status, reason: reason)]) }
    }

    /// Sets one `workflow_meta` key (replacing an earlier value).
    public func workflowMeta(_ wfID: WorkflowID, key: String, value: String) {
        enqueue { _ in ((), [.workflowMeta(wfID, key: key, value: value)]) }
    }

    /// Inserts `job` rows; returns exec_job_id -> job_id for all of them (jobs already in the
    /// database keep their ids and are not inserted again).
    @discardableResult
    public func insertJobs(_ wfID: WorkflowID, _ rows: [JobRow]) -> [String: JobID] {
        loadNames(of: wfID)
        return enqueue { ids in
            var result: [String: JobID] = [:]
            var fresh: [(JobID, JobRow)] = []
            for row in rows {
                if let existing = ids.jobs[wfID]?[row.execJobID] { result[row.execJobID] = existing; continue }
                ids.lastJob += 1
                ids.jobs[wfID, default: [:]][row.execJobID] = ids.lastJob
                ids.jobWorkflow[ids.lastJob] = wfID
                result[row.execJobID] = ids.lastJob
                fresh.append((ids.lastJob, row))
            }
            return (result, fresh.isEmpty ? [] : [.jobs(wfID, fresh)])
        }
    }

    /// Inserts `job_edge` rows (parent/child exec_job_ids); duplicates are ignored.
    public func insertJobEdges(_ wfID: WorkflowID, _ edges: [Edge]) {
        enqueue { _ in ((), edges.isEmpty ? [] : [.jobEdges(wfID, edges)]) }
    }

    /// Inserts `task` rows; returns abs_task_id -> task_id (existing tasks keep their ids).
    @discardableResult
    public func insertTasks(_ wfID: WorkflowID, _ rows: [TaskRow]) -> [String: TaskID] {
        loadNames(of: wfID)
        return enqueue { ids in
            var result: [String: TaskID] = [:]
            var fresh: [(TaskID, TaskRow)] = []
            for row in rows {
                if let existing = ids.tasks[wfID]?[row.absTaskID] { result[row.absTaskID] = existing; continue }
                ids.lastTask += 1
                ids.tasks[wfID, default: [:]][row.absTaskID] = ids.lastTask
                result[row.absTaskID] = ids.lastTask
                fresh.append((ids.lastTask, row))
            }
            return (result, fresh.isEmpty ? [] : [.tasks(wfID, fresh)])
        }
    }

    /// Inserts `task_edge` rows (parent/child abs_task_ids); duplicates are ignored.
    public func insertTaskEdges(_ wfID: WorkflowID, _ edges: [Edge]) {
        enqueue { _ in ((), edges.isEmpty ? [] : [.taskEdges(wfID, edges)]) }
    }

    /// Sets one `task_meta` key (replacing an earlier value).
    public func taskMeta(_ taskID: TaskID, key: String, value: String) {
        enqueue { _ in ((), [.taskMeta(taskID, key: key, value: value)]) }
    }

    /// The host_id for (workflow, site, hostname, ip), inserting a `host` row the first time.
    public func host(_ wfID: WorkflowID, site: String, hostname: String, ip: String,
                     uname: String? = nil, totalMemory: Int? = nil) -> HostID {
        enqueue { ids in
            let key = StampedeIDs.HostKey(wfID: wfID, site: site, hostname: hostname, ip: ip)
            if let existing = ids.hosts[key] { return (existing, []) }
            ids.lastHost += 1
            ids.hosts[key] = ids.lastHost
            return (ids.lastHost, [.host(ids.lastHost, wfID, site: site, hostname: hostname, ip: ip,
                                         uname: uname, totalMemory: totalMemory)])
        }
    }
}
