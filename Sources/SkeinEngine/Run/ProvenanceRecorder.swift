import Foundation
import SkeinKickstart
import SkeinRunFormat
import SkeinProvenance

/// Writes a run's life into its stampede database (`<label>-0.stampede.db`), the one source
/// of truth that `skein status`, the TUI and Pegasus's own tools read: the workflow and its
/// states, jobs, edges and tasks, one job_instance per attempt with its jobstate
/// transitions, and one invocation per attempt. Writes are queued to the writer's own queue.
public final class ProvenanceRecorder: RunObserver {
    let writer: StampedeWriter
    let plan: ExecutablePlan
    let layout: RunLayout
    var wfID: WorkflowID = 0
    /// The job_id of each plan job, by plan index (0 until the workflow started).
    var jobIDs: [JobID] = []
    private var instances: [Int: (attempt: Int, id: JobInstanceID)] = [:]
    private var heldInstances = Set<JobInstanceID>()
    /// Host rows by site and host name: batch jobs land on many nodes.
    var hostIDs: [String: HostID] = [:]
    let user = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
    private var startTime: Double = 0
    private var restartCount = 0
    /// Why the engine was stopped, for the workflow's end state.
    private var stopReason: String?
    /// The job rows' thread (`writeJobRowsInBackground`), until it is done.
    private let jobRowsWriting = DispatchGroup()

    public static func databasePath(for plan: ExecutablePlan) -> String {
        (plan.runDirectory as NSString).appendingPathComponent(PegasusSubmitFiles.databaseFileName(dag: "\(plan.label)-0.dag"))
    }

    /// Called (on any thread) with the first of the failed writes, at once: the engine stops
    /// on it (`WorkflowEngine.reportWriteFailure`) instead of reporting a run whose
    /// provenance is lost as a success.
    let onWriteFailure: @Sendable (String) -> Void

    public init(plan: ExecutablePlan, onWriteFailure: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.plan = plan
        self.layout = RunLayout(runDirectory: plan.runDirectory)
        self.onWriteFailure = onWriteFailure
        writer = try StampedeWriter(path: Self.databasePath(for: plan), errorHandler: { onWriteFailure($0.description) })
        hierarchy = nil
    }

    /// A sub-workflow's recorder: its rows go into the root workflow's database (as Pegasus
    /// keeps a whole hierarchy in the root's), through the root's writer, with the parent's
    /// and the root's `wf_id`. The writer stays open for the parent when the child ends.
    public init(subworkflow plan: ExecutablePlan, writer: StampedeWriter, parentWfID: WorkflowID, rootWfID: WorkflowID, rootDatabase: String,
                onWriteFailure: @escaping @Sendable (String) -> Void = { _ in }) {
        self.plan = plan
        self.layout = RunLayout(runDirectory: plan.runDirectory)
        self.onWriteFailure = onWriteFailure
        self.writer = writer
        hierarchy = Hierarchy(parent: parentWfID, root: rootWfID, database: rootDatabase)
    }

    /// Where a sub-workflow's rows hang in the root's database; nil for a root workflow.
    struct Hierarchy {
        var parent: WorkflowID
        var root: WorkflowID
        var database: String
    }

    let hierarchy: Hierarchy?

    /// The `wf_id` of this run's workflow row (once the workflow started), for its sub-workflows.
    public var workflowID: WorkflowID { wfID }
    /// The writer sub-workflows share, and the database it writes.
    public var sharedWriter: StampedeWriter { writer }
    public var databasePath: String { hierarchy?.database ?? Self.databasePath(for: plan) }
    /// The root workflow's `wf_id`.
    public var rootWorkflowID: WorkflowID { hierarchy?.root ?? wfID }

    /// Commits what is queued; a failure goes to `onWriteFailure` (the writer's own handler
    /// has usually reported it already, and only the first counts).
    func commit(closing: Bool = false) {
        do {
            if closing { try writer.close() } else { try writer.flush() }
        } catch {
            onWriteFailure("\(error)")
        }
    }

    public func workflowStarted(plan: ExecutablePlan, restartCount: Int, alreadySucceeded: Int, at time: Double) {
        startTime = time
        self.restartCount = restartCount
        try? PegasusSubmitFiles.writeMonitordStarted(submitDir: plan.runDirectory, timestamp: time)
        wfID = writer.insertWorkflow(WorkflowRow(
            wfUUID: plan.wfUUID, dagFileName: "\(plan.label)-0.dag", timestamp: plan.createdAt,
            submitHostname: Host.name(), submitDir: plan.runDirectory, plannerArguments: plan.plannerArguments.joined(separator: " "),
            user: user, plannerVersion: SkeinVersionInfo.version, daxLabel: plan.label, daxVersion: "5.0",
            daxFile: plan.workflowFile, dbURL: "sqlite:///" + databasePath, parentWfID: hierarchy?.parent, rootWfID: hierarchy?.root))
        writer.workflowState(wfID, .started, timestamp: time, restartCount: restartCount)
        for (key, value) in plan.metadata.sorted(by: { $0.key < $1.key }) { writer.workflowMeta(wfID, key: key, value: value) }
        if restartCount > 0, let mark = writer.jobRowsMark(wfID), mark.jobCount == plan.jobs.count {
            // A restart: the job ids were reserved by an earlier engine, in plan order.
            jobIDs = Self.jobIDs(from: mark.firstJobID, count: plan.jobs.count)
            // Rows a killed engine did not finish: written before the journal's attempts are
            // reconciled (which reads attempts with their job rows).
            if !mark.complete { writeJobRows(firstJobID: mark.firstJobID) }
        } else if restartCount > 0, writer.hasJobRows(wfID) {
            // Rows of an engine before the mark: checked (or completed) before any job starts.
            if let known = jobRowsWritten() { jobIDs = known } else { insertJobRows(fullJobs, firstJobID: nil) }
            markJobRowsComplete()
        } else {
            // The ids first, committed before any attempt row names one; the rows follow
            // while the first jobs run: at a million jobs they took 46 s before the first
            // job could start (issue 15). Pegasus's monitord too inserts jobs as it goes.
            let first = writer.reserveJobIDs(wfID, count: plan.jobs.count)
            commit()
            jobIDs = Self.jobIDs(from: first, count: plan.jobs.count)
            if restartCount > 0 { writeJobRows(firstJobID: first) } else { writeJobRowsInBackground(firstJobID: first) }
        }
        if restartCount > 0 { reconcileAfterRestart(at: time) }
    }

    static func jobIDs(from first: JobID, count: Int) -> [JobID] { (0..<count).map { first + JobID($0) } }

    /// Writes the job, edge and task rows with their reserved ids and marks them complete.
    private func writeJobRows(firstJobID: JobID) {
        insertJobRows(fullJobs, firstJobID: firstJobID)
        writer.jobRowsComplete(wfID, jobCount: plan.jobs.count, firstJobID: firstJobID)
        commit()
    }

    /// Writes the job, edge and task rows on a thread of their own, then marks them complete.
    /// A kill meanwhile leaves the mark incomplete: the next engine writes them again (rows
    /// already there are kept). `workflowFinished` waits for it.
    private func writeJobRowsInBackground(firstJobID: JobID) {
        let jobs = fullJobs  // read here: `fullJobs` is not for two threads
        jobRowsWriting.enter()
        // The thread reads only what is set before it starts (plan, ids, writer), and the
        // writer is thread-safe: the recorder goes to it unchecked.
        struct Unchecked: @unchecked Sendable { let recorder: ProvenanceRecorder }
        let box = Unchecked(recorder: self)
        let thread = Thread {
            let recorder = box.recorder
            recorder.insertJobRows(jobs, firstJobID: firstJobID, holdable: true)
            recorder.writer.jobRowsComplete(recorder.wfID, jobCount: jobs.count, firstJobID: firstJobID)
            recorder.commit()
            recorder.jobRowsWriting.leave()
        }
        thread.name = "skein.provenance.jobrows"
        thread.start()
    }

    /// Marks the rows of an engine before the mark complete when the job ids follow plan order
    /// (they do unless it wrote them out of order), so the next restart need not read them.
    private func markJobRowsComplete() {
        guard let first = jobIDs.first, first != 0 else { return }
        for (i, id) in jobIDs.enumerated() where id != first + JobID(i) { return }
        writer.jobRowsComplete(wfID, jobCount: jobIDs.count, firstJobID: first)
        commit()
    }

    /// Every job in full: a resumed engine's plan has its succeeded jobs as skeletons
    /// (`ExecutablePlan.skeletonJobs`), and rows written again need the whole job. Read
    /// from plan.json again only on that rare path (rows an earlier engine did not finish).
    lazy var fullJobs: [ExecutableJob] = {
        guard plan.skeletonJobs != nil else { return plan.jobs }
        do {
            return try RunDirectory(path: plan.runDirectory).readPlan().jobs
        } catch {
            onWriteFailure("cannot read the plan again to complete the provenance database: \(error)")
            return plan.jobs
        }
    }()

    /// Plan job `index` in full (see `fullJobs`).
    func fullJob(_ index: Int) -> ExecutableJob {
        plan.skeletonJobs?.contains(index) == true ? fullJobs[index] : plan.jobs[index]
    }

    /// Jobs per slice of rows: each slice is committed before the next is built, so a
    /// 100,000-job run never holds all its rows in memory at once. `SKEIN_JOB_ROWS_SLICE`
    /// sets it for tests that kill an engine while it writes them.
    static let jobRowsSlice = ProcessInfo.processInfo.environment["SKEIN_JOB_ROWS_SLICE"].flatMap(Int.init).map { max(1, $0) } ?? 5_000

    /// Fault injection for tests (`SKEIN_JOB_ROWS_HOLD=PATH`): the background row writer
    /// stops after its first slice until PATH exists, so a test can kill the engine while the
    /// rows are certainly incomplete, however fast the machine writes them.
    static let jobRowsHold = ProcessInfo.processInfo.environment["SKEIN_JOB_ROWS_HOLD"]

    private static func waitForJobRowsHold() {
        guard let path = jobRowsHold else { return }
        while !FileManager.default.fileExists(atPath: path) { usleep(20_000) }
    }

    /// The job, edge and task rows, in slices. `firstJobID`: the ids reserved for the jobs
    /// (`jobIDs` holds them already); nil: ids given by the writer (rows of an engine before
    /// the mark, completed), which fills `jobIDs`.
    private func insertJobRows(_ jobs: [ExecutableJob], firstJobID: JobID?, holdable: Bool = false) {
        if firstJobID == nil { jobIDs = Array(repeating: 0, count: jobs.count) }
        let slice = Self.jobRowsSlice
        for lower in stride(from: 0, to: jobs.count, by: slice) {
            let range = lower..<min(lower + slice, jobs.count)
            let rows = range.map { i in
                let job = jobs[i]
                return JobRow(execJobID: job.id, submitFile: "\(job.id).sub", typeDesc: JobType(rawValue: job.kind.rawValue) ?? .unknown,
                              clustered: job.isClustered, maxRetries: job.retries, executable: job.executable,
                              argv: job.arguments.joined(separator: " "), taskCount: job.recordedTasks.count)
            }
            if let firstJobID {
                writer.insertJobs(wfID, rows, firstJobID: firstJobID + JobID(lower))
            } else {
                let ids = writer.insertJobs(wfID, rows)
                for i in range { jobIDs[i] = ids[jobs[i].id] ?? 0 }
            }
            var edges: [Edge] = []
            var taskEdges: [Edge] = []
            for i in range {
                let job = jobs[i]
                for p in job.parents {
                    edges.append(Edge(parent: jobs[p].id, child: job.id))
                    // Tasks depend on the tasks of the jobs before them (auxiliary jobs have none).
                    for parentTask in jobs[p].recordedTasks {
                        for childTask in job.recordedTasks { taskEdges.append(Edge(parent: parentTask.id, child: childTask.id)) }
                    }
                }
            }
            writer.insertJobEdges(wfID, edges)
            let tasks = range.flatMap { i in
                jobs[i].recordedTasks.map { task in
                    TaskRow(absTaskID: task.id, jobID: jobIDs[i], transformation: task.transformation, argv: task.arguments.joined(separator: " "),
                            typeDesc: jobs[i].kind.rawValue)
                }
            }
            let taskIDs = writer.insertTasks(wfID, tasks)
            for i in range {
                for task in jobs[i].recordedTasks where !task.metadata.isEmpty {
                    guard let taskID = taskIDs[task.id] else { continue }
                    for (key, value) in task.metadata.sorted(by: { $0.key < $1.key }) { writer.taskMeta(taskID, key: key, value: value) }
                }
            }
            writer.insertTaskEdges(wfID, taskEdges)
            commit()
            if holdable { Self.waitForJobRowsHold() }
        }
    }

    /// The job ids of a restarted run whose job, edge and task rows an earlier engine wrote
    /// in full; nil when some are missing (they are written again, duplicates skipped).
    private func jobRowsWritten() -> [JobID]? {
        let known = writer.jobIDs(of: wfID)
        guard known.count == plan.jobs.count else { return nil }
        let jobs = fullJobs
        var ids: [JobID] = []
        ids.reserveCapacity(jobs.count)
        var edges = 0, tasks = 0, taskEdges = 0
        for job in jobs {
            guard let id = known[job.id] else { return nil }
            ids.append(id)
            edges += job.parents.count
            let own = Self.recordedTaskCount(job)
            tasks += own
            if own > 0 { for p in job.parents { taskEdges += Self.recordedTaskCount(jobs[p]) * own } }
        }
        let wfID = self.wfID
        let counts = try? writer.read { db in
            try ["job_edge", "task", "task_edge"].map { try db.scalar("SELECT count(*) FROM \($0) WHERE wf_id = ?", [wfID]).int ?? -1 }
        }
        return counts == [Int64(edges), Int64(tasks), Int64(taskEdges)] ? ids : nil
    }

    /// `job.recordedTasks.count` without making the tasks.
    static func recordedTaskCount(_ job: ExecutableJob) -> Int {
        !job.tasks.isEmpty ? job.tasks.count : (job.kind.isCompute ? 1 : 0)
    }

    func close(_ instance: JobInstanceID, succeeded: Bool, reason: String, at time: Double) {
        writer.jobState(instance, .jobTerminated, timestamp: time)
        writer.jobState(instance, succeeded ? .jobSuccess : .jobFailure, timestamp: time, reason: reason)
        writer.jobState(instance, succeeded ? .postScriptSuccess : .postScriptFailed, timestamp: time, reason: reason)
        // A failed interrupted attempt was ended with SIGKILL (raw wait status 9).
        writer.finishInstance(instance, InstanceFinish(exitcode: succeeded ? 0 : 9))
    }

    public func attemptStarted(job: Int, attempt: Int, at time: Double) {
        guard job < jobIDs.count, jobIDs[job] != 0 else { return }
        let jobID = jobIDs[job]
        // Field by field, not a copy of the whole job (a retain and release of each field).
        let name = plan.jobs[job].id
        let id = writer.beginInstance(InstanceStart(
            jobID: jobID, site: plan.jobs[job].site, user: user, workDir: plan.jobs[job].workingDirectory,
            stdoutFile: layout.relative(layout.record(job, name, attempt: attempt)),
            stderrFile: layout.relative(layout.stderr(job, name, attempt: attempt)),
            stdinFile: plan.jobs[job].stdin))
        instances[job] = (attempt, id)
        writer.jobState(id, .submit, timestamp: time)
    }

    public func attemptProgress(job: Int, attempt: Int, _ progress: AttemptProgress, at time: Double) {
        guard let instance = instances[job], instance.attempt == attempt else { return }
        switch progress {
        case .running:
            if heldInstances.remove(instance.id) != nil { writer.jobState(instance.id, .jobReleased, timestamp: time) }
            writer.jobState(instance.id, .execute, timestamp: time)
        case .held(let reason):
            heldInstances.insert(instance.id)
            writer.jobState(instance.id, .jobHeld, timestamp: time, reason: reason)
        case .pending:
            if heldInstances.remove(instance.id) != nil { writer.jobState(instance.id, .jobReleased, timestamp: time) }
        case .submitted:
            break
        }
    }

    public func attemptFinished(_ result: AttemptResult, willRetry: Bool) {
        guard let instance = instances[result.job], instance.attempt == result.attempt else { return }
        let job = plan.jobs[result.job]
        let end = result.termination.end
        let hostKey = job.site + "|" + result.hostname
        let hostID = hostIDs[hostKey] ?? writer.host(wfID, site: job.site, hostname: result.hostname, ip: Host.primaryIPv4()?.address ?? "127.0.0.1", uname: "linux", totalMemory: nil)
        hostIDs[hostKey] = hostID
        writer.jobState(instance.id, .jobTerminated, timestamp: end)
        if result.outcome.succeeded {
            for replica in result.registered { writer.replica(lfn: replica.lfn, pfn: replica.pfn, site: replica.site, metadata: replica.metadata) }
        }
        for work in result.integrity {
            writer.integrity(instance.id, type: work.kind == .check ? .check : .compute, fileType: work.files == .input ? .input : .output,
                             count: work.count, duration: work.seconds)
            if work.failed > 0 { writer.tag(instance.id, name: "int.error", count: work.failed) }
        }
        writer.jobState(instance.id, result.outcome.succeeded ? .jobSuccess : .jobFailure, timestamp: end,
                        reason: result.outcome.succeeded ? nil : result.outcome.reason)
        writer.jobState(instance.id, .postScriptStarted, timestamp: end)
        writer.jobState(instance.id, .postScriptTerminated, timestamp: end)
        writer.jobState(instance.id, result.outcome.succeeded ? .postScriptSuccess : .postScriptFailed, timestamp: end,
                        reason: result.outcome.succeeded ? nil : result.outcome.reason)
        let raw = Int(result.termination.rawStatus)
        if let subwfID = result.subworkflowID { writer.setSubworkflow(instance.id, subwfID: subwfID) }
        writer.finishInstance(instance.id, InstanceFinish(
            exitcode: result.outcome.succeeded ? 0 : (raw != 0 ? raw : 256), localDuration: result.termination.duration,
            hostID: hostID, schedID: result.schedulerID,
            taskOutputs: job.isClustered
                ? result.tasks.map { TaskOutput(taskSeq: $0.seq, stdout: $0.stdoutText, stderr: $0.stderrText) }
                : [TaskOutput(taskSeq: 1, stdout: result.stdoutText, stderr: result.stderrText)],
            stderrText: result.stderrText))
        // Work done without a process has no rusage: cpu time, maxrss and avg cpu stay NULL.
        let usage = result.termination.usage
        let cpu = usage.map { Double($0.ru_utime.tv_sec) + Double($0.ru_utime.tv_usec) / 1e6 + Double($0.ru_stime.tv_sec) + Double($0.ru_stime.tv_usec) / 1e6 }
        // A clustered job's tasks: one invocation each, from its record (task_submit_seq =
        // the task's place in the cluster), as monitord reads pegasus-cluster's output.
        // A clustered job's tasks each get theirs; a job that is its own task, its one.
        if job.isClustered {
            insertTaskInvocations(result.tasks, instance: instance.id)
        } else if job.recordedTasks.count == 1, let task = job.recordedTasks.first {
            let duration = result.termination.duration
            // As monitord fills it: cpu time over wall time (nil for an instant job).
            _ = writer.insertInvocation(InvocationRow(
                instanceID: instance.id, taskSubmitSeq: 1, startTime: result.termination.start, remoteDuration: duration,
                remoteCPUTime: cpu, exitcode: raw, transformation: task.transformation, executable: task.executable,
                argv: task.arguments.joined(separator: " "), absTaskID: task.id, maxrss: usage.map { Int($0.ru_maxrss) },
                avgCPU: cpu.flatMap { duration > 0 ? $0 / duration : nil }))
        }
        instances[result.job] = nil
    }

    public func jobUnrunnable(job: Int, because: Int, at time: Double) {}

    public func commitBeforeJournalCompaction() -> Bool {
        do {
            try writer.flush()
            return true
        } catch {
            onWriteFailure("\(error)")
            return false
        }
    }

    public func commandHandled(_ command: ControlChannel.Command, result: String, at time: Double) {
        writer.workflowMeta(wfID, key: "skein.command.\(String(format: "%.6f", time))", value: "\(command.line): \(result)")
    }

    public func engineStopping(reason: String, at time: Double) {
        stopReason = reason
    }

    /// A stopped engine ends the workflow as Pegasus ends a removed DAGMan: WORKFLOW_TERMINATED
    /// with a non-zero status; the reason says it was stopped, and why.
    public func workflowFinished(_ outcome: WorkflowOutcome, at time: Double) {
        let status: Int
        switch outcome {
        case .succeeded: status = 0
        case .aborted(let value): status = Int(value)
        default: status = 1
        }
        let reason = outcome == .stopped ? "stopped" + (stopReason.map { ": \($0)" } ?? "") : outcome.description
        jobRowsWriting.wait()  // every row before the workflow's end
        writer.workflowState(wfID, .terminated, timestamp: time, restartCount: restartCount, status: status, reason: reason)
        commit(closing: hierarchy == nil)
        try? PegasusSubmitFiles.writeMonitordDone(submitDir: plan.runDirectory, start: startTime, end: time)
    }
}

extension WorkflowOutcome: CustomStringConvertible {
    public var description: String {
        switch self {
        case .succeeded: return "succeeded"
        case .failed: return "failed"
        case .aborted(let value): return "aborted (ABORT-DAG-ON, exit \(value))"
        case .halted: return "halted"
        case .removed: return "removed"
        case .stopped: return "stopped"
        }
    }
}

/// The version written into provenance; the CLI's `--version` says the same.
public enum SkeinVersionInfo {
    public static let version = "0.1.0"
}
