import SkeinProvenance
import SkeinRunFormat

/// A clustered job's provenance: one invocation per task run (task_submit_seq = the task's
/// place in the cluster, abs_task_id = its id), as monitord reads pegasus-cluster's output.
extension ProvenanceRecorder {
    func insertTaskInvocations(_ runs: [ClusterTaskRun], instance: JobInstanceID) {
        for run in runs {
            _ = writer.insertInvocation(InvocationRow(
                instanceID: instance, taskSubmitSeq: run.seq, startTime: run.start, remoteDuration: run.duration, remoteCPUTime: run.cpu,
                exitcode: run.rawStatus, transformation: run.transformation, executable: run.executable,
                argv: run.arguments.joined(separator: " "), absTaskID: run.id, maxrss: run.maxrssKB,
                avgCPU: run.cpu.flatMap { run.duration > 0 ? $0 / run.duration : nil }))
        }
    }

    /// After a restart: the tasks of a cluster's attempt from its record on disk.
    func reconcileClusterInvocations(_ job: ExecutableJob, recordFile: String, instance: JobInstanceID) {
        guard let record = ClusterRecordScan.read(recordFile) else { return }
        insertTaskInvocations(ClusterAttempt.runs(record, job: job), instance: instance)
    }
}
