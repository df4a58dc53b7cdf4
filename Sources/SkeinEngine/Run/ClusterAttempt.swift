#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinKickstart
import SkeinRunFormat

/// One attempt of a clustered job: which of its tasks run (those that did not already
/// succeed in an earlier attempt of this run: a retried cluster does not redo them, which
/// Pegasus's rerun of the whole `merge_*` job does), the task list skein-kickstart's cluster
/// mode reads, and, after it ends, the tasks' results read back from its record.
struct ClusterAttempt {
    typealias TaskRun = ClusterTaskRun

    let job: ExecutableJob
    /// The tasks this attempt runs, with their 1-based place in the cluster.
    let tasks: [(seq: Int, task: ExecutableTask)]
    /// The tasks that succeeded in an earlier attempt and are not run again: their results
    /// are carried into this attempt's provenance, so the last attempt holds every task (as
    /// pegasus-statistics counts tasks from a job's last attempt).
    let carried: [TaskRun]

    /// `earlier` holds the tasks that succeeded in earlier attempts, by task id.
    init(job: ExecutableJob, earlier: [String: TaskRun]) {
        self.job = job
        tasks = job.tasks.enumerated().filter { earlier[$0.element.id] == nil }.map { ($0.offset + 1, $0.element) }
        carried = earlier.values.sorted { $0.seq < $1.seq }
    }

    /// The tasks that succeeded in the attempts before `attempt` (from their records), by id.
    static func succeededTasks(index: Int, job: ExecutableJob, before attempt: Int, layout: RunLayout) -> [String: TaskRun] {
        var done: [String: TaskRun] = [:]
        for earlier in 0..<attempt {
            guard let record = ClusterRecordScan.read(layout.record(index, job.id, attempt: earlier)) else { continue }
            for run in runs(record, job: job) where run.succeeded { done[run.id] = run }
        }
        return done
    }

    /// The task list: each task under skein-kickstart with its own record entries, stdio
    /// files and outputs to stat. Declared stdio files are the task's, in the working
    /// directory; the others go to one pair of files per attempt (`<cluster>.task.stdout.AAA`,
    /// emptied for each task), and each task's output is kept in its record, as
    /// pegasus-kickstart keeps a clustered task's: a file per task would cost more than a
    /// no-op task on a busy ext4.
    func taskList(index: Int, attempt: Int, layout: RunLayout, workflowLabel: String, workflowStamp: String) -> String {
        let sharedStdout = layout.stdout(index, job.id + ".task", attempt: attempt)
        let sharedStderr = layout.stderr(index, job.id + ".task", attempt: attempt)
        let entries = tasks.map { seq, task in
            var args = ["-n", task.transformation, "-N", task.id, "-R", job.site, "-L", workflowLabel, "-T", workflowStamp, "-w", job.workingDirectory]
            if let stdin = task.stdin { args += ["-i", JobFolderPath.inside(job.workingDirectory, stdin) ?? "/dev/null"] }
            args += ["-o", task.stdout.flatMap { JobFolderPath.inside(job.workingDirectory, $0) } ?? sharedStdout]
            args += ["-e", task.stderr.flatMap { JobFolderPath.inside(job.workingDirectory, $0) } ?? sharedStderr]
            for lfn in task.outputs ?? [] where lfn != task.stdout && lfn != task.stderr {
                if let path = JobFolderPath.inside(job.workingDirectory, lfn) { args += ["-s", "\(lfn)=\(path)"] }
            }
            args += ["--", task.executable] + task.arguments
            return TaskList.Entry(number: seq, transformation: task.transformation, id: task.id, arguments: args)
        }
        return TaskList.text(entries)
    }

    /// The job as the post-run checks see this attempt: the outputs of the tasks it ran
    /// (a skipped task's outputs are older than the attempt), no message checks (each task
    /// writes its own files).
    var checkedJob: ExecutableJob {
        var checked = job
        checked.outputs = tasks.flatMap { $0.task.outputs ?? [] }
        checked.successMessage = nil
        checked.failureMessage = nil
        return checked
    }

    /// The tasks that ran, from the attempt's record (empty when there is none).
    func runs(recordFile: String) -> (runs: [TaskRun], summary: ClusterLine?) {
        guard let record = ClusterRecordScan.read(recordFile) else { return ([], nil) }
        return (Self.runs(record, job: job), record.clusterSummary)
    }

    /// The tasks of `job` a cluster record holds, in its order.
    static func runs(_ record: KickstartRecord, job: ExecutableJob) -> [TaskRun] {
        var seqByID: [String: Int] = [:]
        for (i, task) in job.tasks.enumerated() { seqByID[task.id] = i + 1 }
        return record.invocations.compactMap { inv -> TaskRun? in
            guard let id = inv.derivation, let seq = seqByID[id] else { return nil }
            let task = job.tasks[seq - 1]
            let start = (inv.mainStart ?? inv.start).flatMap(KickstartRecord.epoch) ?? 0
            return TaskRun(
                seq: seq, id: id, transformation: inv.transformation ?? task.transformation, executable: inv.executable ?? task.executable,
                arguments: task.arguments, start: start, duration: inv.mainDuration ?? inv.duration ?? 0,
                rawStatus: inv.failure != nil ? -1 : (inv.rawStatus ?? -1), cpu: inv.cpu, maxrssKB: inv.maxrssKB,
                stdoutText: inv.stdoutData ?? "", stderrText: inv.stderrData ?? "", failure: inv.failure)
        }
    }

    /// The verdict on a cluster's attempt: the process's (and the checks') verdict, with the
    /// first failed task named; a cluster that exited 0 without a summary line failed (as
    /// pegasus-exitcode judges a clustered job's output).
    static func judge(_ outcome: AttemptOutcome, runs: [TaskRun], summary: ClusterLine?) -> AttemptOutcome {
        var judged = outcome
        if !outcome.succeeded {
            if let reason = failureReason(runs), !outcome.interrupted { judged.reason = reason }
            return judged
        }
        if summary == nil {
            return AttemptOutcome(succeeded: false, exitCode: outcome.exitCode, reason: "the cluster's record has no [cluster-summary] line")
        }
        if let reason = failureReason(runs) { return AttemptOutcome(succeeded: false, exitCode: outcome.exitCode, reason: reason) }
        return outcome
    }

    /// Why a cluster failed, naming its first failed task; nil when no task failed.
    static func failureReason(_ runs: [TaskRun]) -> String? {
        guard let failed = runs.first(where: { !$0.succeeded }) else { return nil }
        return "task \(failed.id) (\(failed.transformation), task \(failed.seq) of the cluster) failed: \(failed.outcome)"
    }
}

/// A task as it ran in this attempt, from its invocation record.
public struct ClusterTaskRun: Sendable, Equatable {
    /// `task_submit_seq`: the task's place in the cluster, 1-based.
    public var seq: Int
    public var id: String
    public var transformation: String
    public var executable: String
    public var arguments: [String]
    public var start: Double
    public var duration: Double
    /// Raw wait status (exit 1 = 256); -1 when it could not start.
    public var rawStatus: Int
    public var cpu: Double?
    public var maxrssKB: Int?
    public var stdoutText: String
    public var stderrText: String
    public var failure: String?

    public var succeeded: Bool { rawStatus == 0 && failure == nil }

    public var outcome: String {
        if let failure { return "could not start: \(failure)" }
        if rawStatus & 0x7f != 0 { return "killed by signal \(rawStatus & 0x7f)" }
        return "exit code \(rawStatus >> 8)"
    }
}

