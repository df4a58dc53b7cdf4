/// The per-attempt write API of `StampedeWriter`: a `job_instance` row per attempt, its
/// `jobstate` transitions, its result, and an `invocation` row per task or script.
extension StampedeWriter {
    /// Starts an attempt of a job: inserts a `job_instance` row (exitcode NULL = running,
    /// multiplier_factor 1) and returns its id. With `start.submitSeq` nil the writer takes
    /// the next submit sequence of the job's workflow.
    public func beginInstance(_ start: InstanceStart) -> JobInstanceID {
        enqueue { ids in
            ids.lastInstance += 1
            let id = ids.lastInstance
            let wf = ids.jobWorkflow[start.jobID] ?? 0
            ids.instanceWorkflow[id] = wf
            let seq: Int
            if let given = start.submitSeq {
                seq = given
                ids.lastSubmitSeq[wf] = max(ids.lastSubmitSeq[wf] ?? 0, given)
            } else {
                seq = (ids.lastSubmitSeq[wf] ?? 0) + 1
                ids.lastSubmitSeq[wf] = seq
            }
            return (id, [.beginInstance(id, submitSeq: seq, start)])
        }
    }

    /// Appends a `jobstate` row. With `seq` nil the writer numbers the instance's states 1, 2, ...
    public func jobState(_ instanceID: JobInstanceID, _ state: JobStateName, timestamp: Double,
                         seq: Int? = nil, reason: String? = nil) {
        enqueue { ids in
            let n = seq ?? (ids.lastJobstateSeq[instanceID] ?? 0) + 1
            ids.lastJobstateSeq[instanceID] = max(ids.lastJobstateSeq[instanceID] ?? 0, n)
            return ((), [.jobState(instanceID, state, timestamp: timestamp, seq: n, reason: reason)])
        }
    }

    /// Records an attempt's result: exitcode, submit-side duration, host, scheduler id, and its
    /// output (quoted into Pegasus's `#@ N stdout` sections on the writer queue).
    public func finishInstance(_ instanceID: JobInstanceID, _ finish: InstanceFinish) {
        enqueue { ids in
            ids.lastJobstateSeq[instanceID] = nil
            return ((), [.finishInstance(instanceID, finish)])
        }
    }

    /// Convenience form of `finishInstance(_:_:)` with the usual columns spelled out.
    public func finishInstance(_ instanceID: JobInstanceID, exitcode: Int, localDuration: Double?,
                               hostID: HostID?, schedID: String? = nil, taskOutputs: [TaskOutput] = [],
                               stderrText: String? = nil) {
        finishInstance(instanceID, InstanceFinish(exitcode: exitcode, localDuration: localDuration, hostID: hostID,
                                                  schedID: schedID, taskOutputs: taskOutputs, stderrText: stderrText))
    }

    /// Links an attempt of a sub-workflow job to the sub-workflow's `workflow` row.
    public func setSubworkflow(_ instanceID: JobInstanceID, subwfID: WorkflowID) {
        enqueue { _ in ((), [.subworkflow(instanceID, subwfID)]) }
    }

    /// Inserts an `invocation` row (wf_id is taken from the instance's job) and returns its id.
    @discardableResult
    public func insertInvocation(_ row: InvocationRow) -> InvocationID {
        enqueue { ids in
            ids.lastInvocation += 1
            let wf = ids.instanceWorkflow[row.instanceID] ?? 0
            return (ids.lastInvocation, [.invocation(ids.lastInvocation, wf, row)])
        }
    }

    /// Adds checksum work to the `integrity` table (counts and durations accumulate).
    public func integrity(_ instanceID: JobInstanceID, type: IntegrityType, fileType: IntegrityFileType?,
                          count: Int, duration: Double) {
        enqueue { ids in
            let wf = ids.instanceWorkflow[instanceID] ?? 0
            return ((), [.integrity(wf, instanceID, type, fileType, count: count, duration: duration)])
        }
    }

    /// A `tag` row of an attempt: monitord writes `int.error` with the number of files whose
    /// checksum did not match.
    public func tag(_ instanceID: JobInstanceID, name: String, count: Int) {
        enqueue { ids in
            let wf = ids.instanceWorkflow[instanceID] ?? 0
            return ((), [.tag(wf, instanceID, name: name, count: count)])
        }
    }

    /// A file the run registered (`rc_lfn`, `rc_pfn`, `rc_meta`), as monitord records it when
    /// a `register_*` job succeeds.
    public func replica(lfn: String, pfn: String?, site: String?, metadata: [String: String]) {
        enqueue { _ in ((), [.replica(lfn: lfn, pfn: pfn, site: site, metadata: metadata)]) }
    }
}
