import Foundation
import SkeinEngine
import SkeinRunFormat

/// Runs sub-workflow jobs (`dax`) inside the parent's engine process: plans the child when its
/// turn comes (or resumes the child planned by an earlier attempt), runs it with a child
/// `WorkflowEngine` on a thread of its own, sharing the process's one `LocalExecutor` (so
/// skein-spawner starts and reaps every job of the hierarchy) and the root's provenance
/// writer (Pegasus keeps the whole hierarchy in the root's database), and links the files
/// the parent reads back into the parent's scratch. The attempt succeeds when the child does.
///
/// In-process rather than a child `skein run` process: provenance row ids are given out by
/// the one writer of the root database (two processes writing it would collide), and a
/// stop, a halt or a signal reaches the child's engine by a call, not a file or a process
/// signal. The child still has its own run folder, lock, journal and control folder, so
/// `skein status/kill/retry CHILD_RUN` work on it as on any run.
final class SubWorkflowExecutor: JobExecutor, ControlForwarding, @unchecked Sendable {
    static let name = "subworkflow"

    private let parent: ExecutablePlan
    private let rootWfUUID: String
    private let kickstart: String
    private let processes: LocalExecutor
    private let lock = NSLock()
    private var recorder: ProvenanceRecorder?
    /// Child engines by parent job, and whether the parent asked the attempt to stop.
    private var running: [Int: (attempt: Int, engine: WorkflowEngine?, stopReason: String?)] = [:]
    /// The parent was halted (and not resumed since): children start halted.
    private var haltedByParent = false

    /// The parent's progress prefix (nil: no progress lines).
    private let progressPrefix: String?

    init(parent: ExecutablePlan, rootWfUUID: String, kickstart: String, processes: LocalExecutor, progressPrefix: String?) {
        self.parent = parent
        self.rootWfUUID = rootWfUUID
        self.kickstart = kickstart
        self.processes = processes
        self.progressPrefix = progressPrefix
    }

    func attach(_ recorder: ProvenanceRecorder) {
        lock.withLock { self.recorder = recorder }
    }

    func start(_ launch: AttemptLaunch, progress: @escaping @Sendable (AttemptProgress) -> Void, ended: @escaping @Sendable (AttemptEnd) -> Void) -> Bool {
        lock.withLock { running[launch.job] = (launch.attempt, nil, nil) }
        progress(.running(host: nil))
        // A child engine waits for its workflow: a thread of its own, not a pool's.
        let thread = Thread { [self] in ended(run(launch)) }
        thread.name = "skein.subworkflow.\(launch.planned.id)"
        thread.start()
        return true
    }

    /// Plans (or resumes) and runs the child; what the attempt ended with.
    private func run(_ launch: AttemptLaunch) -> AttemptEnd {
        let start = Date().timeIntervalSince1970
        var log: [String] = []
        func end(_ succeeded: Bool, _ message: String?, subworkflowID: Int64? = nil) -> AttemptEnd {
            lock.withLock { running[launch.job] = nil }
            if let message { log.append(message) }
            try? (log.joined(separator: "\n") + "\n").write(toFile: launch.spec.stdout, atomically: false, encoding: .utf8)
            try? (succeeded ? "" : (message ?? "failed") + "\n").write(toFile: launch.spec.stderr, atomically: false, encoding: .utf8)
            var result = AttemptEnd(.completed(succeeded: succeeded, exitCode: succeeded ? 0 : 1, start: start, end: Date().timeIntervalSince1970,
                                               message: succeeded ? nil : message), reason: succeeded ? nil : message)
            result.subworkflowID = subworkflowID
            return result
        }
        let child: ExecutablePlan
        do {
            let (plan, note) = try SubWorkflowPlanning.planOrResume(launch.planned, rootWfUUID: rootWfUUID, parentRunDirectory: parent.runDirectory)
            child = plan
            log.append(note)
        } catch {
            return end(false, "\(error)")
        }
        guard let parentRecorder = lock.withLock({ recorder }) else { return end(false, "the parent's provenance is not open") }
        let assembled: (engine: WorkflowEngine, executors: EngineExecutors, recorder: ProvenanceRecorder)
        do {
            let settings = try RunSettings.current(runDirectory: child.runDirectory)
            let prefix = progressPrefix.map { $0 + child.label + " › " }
            let executors = EngineExecutors(plan: child, settings: settings, kickstart: kickstart, processes: processes, rootWfUUID: rootWfUUID,
                                            progressPrefix: prefix)
            var options = EngineOptions(settings: settings, plan: child)
            // A retry of some of the child's failed jobs (SubWorkflowRetryRequest): the others stay failed.
            if let asked = SubWorkflowRetryRequest.take(runDirectory: child.runDirectory) {
                options.stayFailed = FailedJobs.forGood(in: child, options: options).filter { !asked.contains($0.key) }
            }
            let engine = try WorkflowEngine(plan: child, options: options, executors: executors.all, processes: processes)
            let childRecorder = ProvenanceRecorder(
                subworkflow: child, writer: parentRecorder.sharedWriter, parentWfID: parentRecorder.workflowID, rootWfID: parentRecorder.rootWorkflowID,
                rootDatabase: parentRecorder.databasePath, onWriteFailure: { [engine] in engine.reportWriteFailure($0) })
            engine.add(childRecorder)
            executors.attach(childRecorder)
            if let prefix { engine.add(ProgressPrinter(plan: child, prefix: prefix)) }
            if executors.all["slurm"] != nil { engine.add(PendingReasonsRecorder(plan: child)) }
            assembled = (engine, executors, childRecorder)
        } catch {
            return end(false, "the sub-workflow \(child.runDirectory) cannot start: \(error)")
        }
        // A stop that came while the child was planned is passed on as soon as it exists.
        let (early, halted) = lock.withLock { () -> (String?, Bool) in
            running[launch.job]?.engine = assembled.engine
            return (running[launch.job]?.stopReason, haltedByParent)
        }
        if let early { assembled.engine.stop(reason: early) }
        if halted { assembled.engine.control(.halt) }
        let outcome = assembled.engine.run()
        assembled.executors.shutdown()
        let subwfID = assembled.recorder.workflowID
        log.append("the sub-workflow \(child.label) (\(child.runDirectory)) \(outcome)")
        if outcome == .halted {
            // Halted with its parent: not the job's doing; it resumes when the parent does.
            var halted = end(false, "the sub-workflow \(child.label) was halted", subworkflowID: subwfID)
            halted.interruption = "the sub-workflow \(child.label) was halted with its parent; it resumes when the parent does"
            return halted
        }
        guard outcome == .succeeded else {
            let failed = Self.failedJobs(of: child)
            return end(false, "the sub-workflow \(child.label) \(outcome)" + (failed.isEmpty ? "" : ": failed jobs \(failed.joined(separator: ", "))")
                       + " (see \(child.runDirectory))", subworkflowID: subwfID)
        }
        let missing = Self.linkOutputs(launch.planned.subworkflow!, child: child, log: &log)
        if !missing.isEmpty {
            return end(false, "the sub-workflow \(child.label) succeeded but did not make \(missing.joined(separator: ", ")), which the parent workflow expects from it", subworkflowID: subwfID)
        }
        return end(true, nil, subworkflowID: subwfID)
    }

    /// The child's jobs whose last journal entry is a failure.
    static func failedJobs(of child: ExecutablePlan) -> [String] {
        var last: [String: Bool] = [:]
        for entry in RunJournal.readExpanded(RunLayout(runDirectory: child.runDirectory).journal, jobs: child.jobs) {
            switch entry {
            case .succeeded(let job, _): last[job] = true
            case .failed(let job, _): last[job] = false
            default: break
            }
        }
        return child.jobs.map(\.id).filter { last[$0] == false }
    }

    /// Links each file the parent expects from the child (from the child's scratch, else its
    /// output folder, else where a DAG's node ran) into the parent's scratch; returns the names it could not find.
    static func linkOutputs(_ sub: PlannedSubworkflow, child: ExecutablePlan, log: inout [String]) -> [String] {
        var missing: [String] = []
        for lfn in sub.outputs {
            let target = (sub.parentScratch as NSString).appendingPathComponent(lfn)
            // A DAG's nodes write where they run (their initialdir).
            var folders = [child.scratchDirectory, child.outputDirectory]
            for job in child.jobs where !folders.contains(job.workingDirectory) && !job.workingDirectory.isEmpty { folders.append(job.workingDirectory) }
            let sources = folders.map { ($0 as NSString).appendingPathComponent(lfn) }
            guard let source = sources.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                missing.append(lfn)
                continue
            }
            unlink(target)
            if link(source, target) != 0 {
                do { try FileManager.default.copyItem(atPath: source, toPath: target) } catch {
                    missing.append(lfn)
                    continue
                }
            }
            log.append("\(lfn): \(source) -> \(target)")
        }
        return missing
    }

    func stop(job: Int, attempt: Int, force: Bool) {
        let engine = lock.withLock { () -> WorkflowEngine? in
            guard let entry = running[job], entry.attempt == attempt else { return nil }
            if entry.stopReason == nil { running[job]?.stopReason = "its parent workflow stopped it" }
            return entry.engine
        }
        // A second stop forces the child's running jobs at once, as a second signal does.
        engine?.stop(reason: "its parent workflow stopped it")
    }

    /// A halt, resume or remove of the parent reaches every running child (and, through
    /// theirs, their children); a child that starts while the parent is halted starts halted.
    func forward(_ command: ControlChannel.Command) {
        let engines = lock.withLock { () -> [WorkflowEngine] in
            if case .halt = command { haltedByParent = true }
            if case .resume = command { haltedByParent = false }
            return running.values.compactMap(\.engine)
        }
        for engine in engines { engine.control(command) }
    }

    /// The child's own engine ends what an earlier one left running when it resumes.
    func cleanUpOrphan(_ id: String, job: String, workflowUUID: String) {}
}
