#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinKickstart
import SkeinRunFormat

/// Runs a plan to the end: feeds the scheduler events on one serial queue (the only owner of
/// DAG state), performs its actions through the executors (this machine, Slurm), checks each
/// attempt after it ends on worker threads, and tells observers (provenance, progress).
public final class WorkflowEngine: @unchecked Sendable {
    public let plan: ExecutablePlan
    public let layout: RunLayout
    let options: EngineOptions
    let queue = DispatchQueue(label: "skein.engine")
    /// Process starts, progress and results from other threads, onto `queue` in batches.
    let inbox: EngineInbox
    /// Executors by name (`ExecutableJob.executor`); `local` is always there.
    let executors: [String: JobExecutor]
    var scheduler: Scheduler
    var observers: [RunObserver] = []
    let journal: RunJournal
    let control: ControlChannel
    let indexByID: [String: Int]
    /// The running attempt of each job, and where it runs.
    var running: [Int: (attempt: Int, executor: JobExecutor)] = [:]
    /// The executor that ran (or runs) something hooks need: the local one.
    let localProcesses: LocalExecutor
    /// This engine's slots in skein-spawner, when its local jobs are sent ahead of a free one.
    private let slots: SlotPool?
    private static let poolIDLock = NSLock()
    nonisolated(unsafe) private static var lastPoolID = 0

    private static func nextPoolID() -> Int {
        poolIDLock.lock()
        defer { poolIDLock.unlock() }
        lastPoolID += 1
        return lastPoolID
    }
    var createdFolders = Set<String>()
    /// Emptied sandboxes kept for the next jobs: no directory made and removed per job.
    let sandboxSpares = SandboxSpares()
    let baseEnvironment: [String: String]
    public let restartCount: Int
    public let resumedSucceeded: Int
    let hostFacts = AttemptRecord.HostFacts.current()
    /// Real paths for the records, folders resolved once (`ResolvedPaths`).
    let resolvedPaths = ResolvedPaths()
    /// The inherited environment as `NAME=value`, without the names every job sets itself.
    let baseEnvironmentLines: [String]
    /// Journal lines not written yet: written together before the next process starts and
    /// at the end of each turn of the queue (`flushJournal`), one `write` for several lines.
    var journalBuffer: [RunJournal.Entry] = []
    /// Starts observers hear of after the attempt whose end launched them (`finished`); nil
    /// when they hear of each start at once.
    var heldStarts: [(job: Int, attempt: Int, time: Double)]?
    /// What the journal's compacted lines said; folded further by each compaction.
    var journalCheckpoint: JournalCheckpoint
    /// Attempts ended since the journal was last compacted (`compactJournalWhenDue`).
    var endedSinceCompaction = 0
    /// Where time and timers come from: the wall clock, or virtual time in tests.
    let clock: EngineClock
    /// Held for the engine's life: one engine per run.
    private let lock: EngineLock
    private var outcome: WorkflowOutcome?
    private let done = DispatchSemaphore(value: 0)
    /// Hooks still running, and what to do once none is (end the workflow).
    var pendingHookCount = 0
    private var afterHooks: (() -> Void)?
    private var controlTimer: ScheduledTimer?
    private var workflowEnded = false
    /// The first failed write of the run's records (`reportWriteFailure`).
    let writeFailureCause = WriteFailureCause()
    /// Set by the first `stop(reason:)`: a second one forces running attempts at once.
    private var stopReason: String?
    /// `control(_:)` commands given before the workflow started (a sub-workflow started
    /// while its parent is halted): applied once it has, before any job starts.
    private var runStarted = false
    private var earlyCommands: [ControlChannel.Command] = []

    /// Opens the run, in three steps: takes its lock (one engine per run), replays the
    /// journal of earlier engines (`RunRecovery`) so succeeded jobs are not run again and
    /// attempt numbers continue, and ends the attempts a dead engine left running.
    /// `processes` reaps every child of this process: executors that start processes
    /// (local jobs, Slurm commands) must share it. `clock` gives the time and the timers
    /// (walltimes, kill grace, control polling).
    public init(plan: ExecutablePlan, options: EngineOptions, executors extra: [String: JobExecutor] = [:], processes: LocalExecutor = LocalExecutor.shared,
                clock: EngineClock = DispatchClock()) throws {
        self.plan = plan
        self.options = options
        self.clock = clock
        self.localProcesses = processes
        let layout = RunLayout(runDirectory: plan.runDirectory)
        self.layout = layout
        // Every executor gets the file work around its attempts: inputs placed and verified,
        // outputs hashed (pegasus.transfer.links, pegasus.integrity.checking).
        let produced = ProducedChecksums(path: layout.producedChecksums)
        let queue = self.queue
        let inbox = EngineInbox(queue: queue)
        self.inbox = inbox
        self.executors = extra.merging(["local": LocalJobExecutor(processes: processes), "directories": DirectoryJobExecutor()]) { given, _ in given }.mapValues {
            PreparingExecutor($0, checking: plan.integrityChecking ?? .full, symbolicLinks: plan.transferLinks ?? true, produced: produced, engineQueue: queue)
        }
        // By index, not `for job in`: copying each 600-byte job (a retain per field) was a
        // fifth of a million-job resume's start.
        var executorNames = Set<String>()
        for i in plan.jobs.indices { executorNames.insert(plan.jobs[i].executor) }
        for name in executorNames where executors[name] == nil {
            throw EngineError("this run needs the '\(name)' executor, which is not configured")
        }
        self.control = ControlChannel(directory: layout.controlDirectory)
        var index: [String: Int] = [:]
        index.reserveCapacity(plan.jobs.count)
        for i in plan.jobs.indices { index[plan.jobs[i].id] = i }
        self.indexByID = index

        lock = try Self.takeLock(plan.runDirectory)
        let resume: ResumeState
        do {
            let (checkpoint, entries) = try RunJournal.load(layout.journal)
            if let checkpoint, checkpoint.jobCount != plan.jobs.count {
                throw EngineError("\(JournalCheckpoint.path(forJournal: layout.journal)) is for a plan of \(checkpoint.jobCount) jobs, this plan has \(plan.jobs.count): plan the workflow again")
            }
            journalCheckpoint = checkpoint ?? JournalCheckpoint(jobCount: plan.jobs.count)
            if let checkpoint, let error = RunJournal.finishCompaction(layout.journal, checkpoint: checkpoint) { throw error }
            resume = RunRecovery.replay(entries, checkpoint: checkpoint, jobIndex: index)
            // Jobs read as skeletons must be jobs that never run again.
            if let skeletons = plan.skeletonJobs, skeletons.contains(where: { !resume.succeeded.contains($0) }) {
                throw EngineError("\(layout.plan) was read for another state of \(layout.journal) (a job read in part has not succeeded): start the engine again")
            }
        } catch let error as RunFormatError {
            throw EngineError(error.description)
        }
        Self.cleanUpOrphans(resume.orphans, executors: Array(executors.values), workflowUUID: plan.wfUUID)
        WorkflowProcessSweep.killJobs(resume.startedWithoutProcess, workflowUUID: plan.wfUUID)
        restartCount = resume.restartCount
        // A killed engine may have left emptied sandboxes it kept for reuse.
        if resume.restartCount > 0 {
            var roots = Set<String>()
            for i in plan.jobs.indices { if let root = plan.jobs[i].sandbox?.root { roots.insert(root) } }
            SandboxSpares.removeLeftovers(roots: roots)
        }
        resumedSucceeded = resume.succeeded.count
        journal = try RunJournal(path: layout.journal)
        if let error = journal.append(.started(job: "-", attempt: resume.restartCount)) { throw EngineError(error.description) }

        // Local jobs wait for their slot in skein-spawner (the engine's pool of --maxjobs) when
        // the "local" executor starts processes there (not a test's stand-in, not direct mode).
        let localThroughSpawner = extra["local"].map { ($0 as? LocalJobExecutor)?.startsThroughSpawner ?? false } ?? processes.startsThroughSpawner
        let slotsInSpawner = options.launchAhead > 0 && localThroughSpawner
        slots = slotsInSpawner ? SlotPool(id: Self.nextPoolID(), limit: options.maxJobs) : nil
        let jobs = plan.jobs.map {
            SchedulerJob(parents: $0.parents, retries: options.retries(for: $0), priority: $0.priority, category: $0.category, walltime: $0.maxWalltime,
                         abortOnExitCode: $0.abortOnExitCode, abortReturnValue: $0.abortReturnValue, onBatchSystem: EngineOptions.batchExecutors.contains($0.executor),
                         // Not a job with a walltime: its clock would run while it waits.
                         mayWaitInSpawner: slotsInSpawner && $0.executor == "local" && $0.maxWalltime == nil,
                         holdsSpawnerSlot: slotsInSpawner && $0.executor == "local")
        }
        let stayFailed = options.stayFailed.reduce(into: [Int: Int]()) { if let i = index[$1.key], !resume.succeeded.contains(i) { $0[i] = $1.value } }
        scheduler = Scheduler(
            jobs: jobs, maxJobs: options.maxJobs, batchMaxJobs: options.batchMaxJobs ?? .max, categoryLimits: options.categoryLimits, done: resume.succeeded, failed: stayFailed,
            nextAttempt: resume.nextAttempt, launchAhead: slotsInSpawner ? options.launchAhead : 0)
        baseEnvironment = ProcessInfo.processInfo.environment
        baseEnvironmentLines = baseEnvironment.filter { !Self.perJobVariables.contains($0.key) }.map { "\($0.key)=\($0.value)" }
        // Journal lines queued by a batch of news (process lines) are written at its end.
        inbox.afterDrain = { [weak self] in self?.flushJournal() }
    }

    /// Set for every job by `environment(for:)`.
    static let perJobVariables: Set<String> = ["PEGASUS_WF_UUID", "PEGASUS_WF_LABEL", "PEGASUS_JOBID", "PEGASUS_SITE"]

    /// One engine per run: the lock is held until this process exits.
    private static func takeLock(_ runDirectory: String) throws -> EngineLock {
        do {
            return try EngineLock(runDirectory: runDirectory)
        } catch let error as RunFormatError {
            throw EngineError(error.description)
        }
    }

    /// Attempts of a dead engine may still be running: end them, they run again.
    private static func cleanUpOrphans(_ orphans: [String: String], executors: [JobExecutor], workflowUUID: String) {
        for (job, id) in orphans.sorted(by: { $0.key < $1.key }) {
            for executor in executors { executor.cleanUpOrphan(id, job: job, workflowUUID: workflowUUID) }
        }
    }

    public func add(_ observer: RunObserver) { observers.append(observer) }

    /// Runs until the workflow ends; returns how it ended.
    public func run() -> WorkflowOutcome {
        queue.async { [self] in
            let now = clock.now()
            for o in observers { o.workflowStarted(plan: plan, restartCount: restartCount, alreadySucceeded: resumedSucceeded, at: now) }
            runWorkflowHooks(events: ["start", "all"], status: nil)
            startControlPolling()
            runStarted = true
            for command in earlyCommands { apply(command) }
            earlyCommands = []
            perform(scheduler.handle(.start, now: now))
        }
        done.wait()
        return outcome ?? .failed
    }

    // MARK: - Actions

    /// `endingTurn`: false while the turn goes on (`finished`): progress lines wait for it.
    func perform(_ actions: [SchedulerAction], endingTurn: Bool = true) {
        let now = clock.now()
        for action in actions {
            switch action {
            case .spawn(let job, let attempt):
                spawn(job, attempt, at: now)
            case .kill(let job, let attempt, _):
                kill(job, attempt)
            case .setTimer(let job, let attempt, let at):
                clock.schedule(after: at - now) { [self] in
                    queue.async { [self] in perform(scheduler.handle(.timer(job: job, attempt: attempt), now: clock.now())) }
                }
            case .succeeded, .failed:
                break  // reported with the attempt's result in `finished`
            case .unrunnable(let job, let because):
                for o in observers { o.jobUnrunnable(job: job, because: because, at: now) }
            case .rejected(let command, let reason):
                if let command = controlCommand(command) { reportCommand(command, result: "rejected: \(reason)") }
            case .finished(let result):
                finishWorkflow(result)
            }
        }
        if actions.contains(where: { if case .spawn = $0 { return true } else { return false } }) {
            for executor in executors.values { executor.startsEnded() }
        }
        if endingTurn { for o in observers { o.turnEnded() } }
    }

    private func spawn(_ index: Int, _ attempt: Int, at now: Double) {
        var planned = plan.jobs[index]
        let folder = layout.jobFolder(index)
        if createdFolders.insert(folder).inserted { mkdirs(folder) }
        // A sandboxed job runs in a folder of its own for this attempt; PreparingExecutor
        // brings its inputs in (an executor that makes the sandbox on the node does it there).
        var sandboxProblem: String?
        let executor = executors[planned.executor]!
        if let sandbox = planned.sandbox, !executor.makesSandboxes {
            switch SandboxFolder.make(sandbox, jobID: planned.id, attempt: attempt, spares: sandboxSpares) {
            case .success(let own): planned.workingDirectory = own
            case .failure(let error): sandboxProblem = error.description
            }
        }
        let job = planned
        let sandboxFolder = job.sandbox != nil && !executor.makesSandboxes && sandboxProblem == nil ? job.workingDirectory : nil
        let stdoutFile = layout.stdout(index, job.id, attempt: attempt)
        let stderrFile = layout.stderr(index, job.id, attempt: attempt)
        let recordFile = layout.record(index, job.id, attempt: attempt)
        let cluster = job.isClustered
            ? ClusterAttempt(job: job, earlier: attempt > 0 ? ClusterAttempt.succeededTasks(index: index, job: job, before: attempt, layout: layout) : [:])
            : nil
        var onHost = LaunchSpec(
            executable: job.executable, arguments: job.arguments, environment: environment(for: job),
            workingDirectory: job.workingDirectory,
            stdin: job.stdin.map { JobFolderPath.inside(job.workingDirectory, $0) ?? "/dev/null" },
            stdout: job.stdout.flatMap { JobFolderPath.inside(job.workingDirectory, $0) } ?? stdoutFile,
            stderr: job.stderr.flatMap { JobFolderPath.inside(job.workingDirectory, $0) } ?? stderrFile)
        if let cluster { onHost = clusterSpec(cluster, index: index, attempt: attempt, recordFile: recordFile, stdoutFile: stdoutFile, stderrFile: stderrFile) }
        // A job in a container: the runtime is the process, the job's command is inside.
        // Named only for a job in a container: the name costs a hash per job.
        let containerName = job.container == nil ? "" : ContainerLaunch.containerName(workflowUUID: plan.wfUUID, job: job.id, attempt: attempt)
        let spec = job.container.map { ContainerLaunch.wrap(onHost, job: job, container: $0, name: containerName) } ?? onHost
        let startedAt = Date().timeIntervalSince1970
        log(.started(job: job.id, attempt: attempt))
        if heldStarts != nil { heldStarts!.append((index, attempt, now)) } else { for o in observers { o.attemptStarted(job: index, attempt: attempt, at: now) } }
        let launch = AttemptLaunch(job: index, attempt: attempt, planned: job, spec: spec, recordFile: recordFile, workflowLabel: plan.label, slots: slots)
        let progress: @Sendable (AttemptProgress) -> Void = { [self] update in
            // Observers hear of it, and the process group goes into the journal, with the next
            // result or within the inbox's patience: a short job's start and end then cost the
            // engine's queue one wake-up and the journal one write (its process line rides
            // with its end), not two. A crash before that line is written leaves the attempt
            // to be found by its environment (`RunRecovery.startedWithoutProcess`), as one
            // killed between its start and that line always was.
            let now = clock.now()
            inbox.postSoon { [self] in
                if case .submitted(let id) = update { log(.process(job: job.id, attempt: attempt, id: id)) }
                for o in observers { o.attemptProgress(job: index, attempt: attempt, update, at: now) }
            }
        }
        // The checks and the record are done on the thread that reports the end (the local
        // spawner's events thread, the Slurm poller): no hop to a worker and back per job.
        let finishing: @Sendable (AttemptEnd) -> Void = { [self] ended in
            do {
                let end = job.container == nil ? ended : ContainerLaunch.withJobUsage(ended, workingDirectory: job.workingDirectory, name: containerName)
                if let container = job.container,
                    let removal = ContainerLaunch.leftoverRemoval(after: end.termination, container: container, name: containerName, environment: spec.environment) {
                    // Not on this thread: it may be the spawner's events thread, which a launch could wait on.
                    DispatchQueue.global().async { [self] in _ = localProcesses.launch(removal) { _ in } }
                }
                // Declared stdout/stderr files stay the job's output; each attempt keeps a copy.
                if job.stdout != nil { linkOrCopy(spec.stdout, stdoutFile) }
                if job.stderr != nil { linkOrCopy(spec.stderr, stderrFile) }
                var outcome = PostRunChecks.outcome(of: end.termination, job: cluster?.checkedJob ?? job, stdoutFile: stdoutFile, stderrFile: stderrFile, startedAt: startedAt)
                if let why = end.interruption { outcome = AttemptOutcome(succeeded: false, exitCode: nil, reason: why, interrupted: true) }
                if !outcome.succeeded, let reason = end.reason { outcome.reason = reason }
                if let sandboxFolder, let sandbox = job.sandbox {
                    if outcome.succeeded, let problem = SandboxFolder.takeBack(sandbox, from: sandboxFolder) {
                        outcome = AttemptOutcome(succeeded: false, exitCode: outcome.exitCode, reason: problem)
                    }
                    let names = sandbox.inputs.map(\.lfn) + job.inputLinks.map(\.lfn) + sandbox.outputs.map(\.lfn) + [job.stdout, job.stderr].compactMap { $0 }
                    SandboxFolder.remove(sandboxFolder, known: names, keepingIn: sandboxSpares)
                }
                var recordWritten = end.recordWritten
                var taskRuns: [ClusterTaskRun] = []
                if let cluster, end.termination.process?.spawnError == nil {
                    let ran = cluster.runs(recordFile: recordFile)
                    taskRuns = (cluster.carried + ran.runs).sorted { $0.seq < $1.seq }
                    recordWritten = recordWritten || ran.summary != nil || !ran.runs.isEmpty
                    outcome = ClusterAttempt.judge(outcome, runs: ran.runs, summary: ran.summary)
                }
                let decided = outcome, recordDone = recordWritten, tasks = taskRuns
                // The record, the output tails and the result: after the launches this end
                // allows when the turn runs here (`finished(_:_:_:completing:)`).
                let complete: @Sendable () -> (result: AttemptResult, recordFailure: String?) = { [self] in
                    var outcome = decided
                    var recordFailure: String?
                    // The record stat'ed stdout and stderr: an empty one (most jobs') has no tail to read.
                    var stdoutSize: Int64?, stderrSize: Int64?
                    if !recordDone {
                        let record = AttemptRecord.make(job: job, plan: plan, termination: end.termination, environment: spec.environment, stdoutFile: stdoutFile, stderrFile: stderrFile,
                                                        host: hostFacts, paths: resolvedPaths, checksums: end.outputChecksums)
                        stdoutSize = AttemptRecord.capturedSize(record, "stdout")
                        stderrSize = AttemptRecord.capturedSize(record, "stderr")
                        if let failure = AttemptRecord.write(record, to: recordFile) {
                            // Without its record the attempt cannot be accounted for: it runs again
                            // (on resume, after space is freed) without using up a retry.
                            reportWriteFailure(failure)
                            recordFailure = failure
                            outcome = AttemptOutcome(succeeded: false, exitCode: outcome.exitCode, reason: failure, interrupted: true)
                        }
                    }
                    var result = AttemptResult(job: index, attempt: attempt, termination: end.termination, outcome: outcome, recordFile: recordFile,
                                               stdoutFile: stdoutFile, stderrFile: stderrFile, hostname: end.host ?? hostFacts.hostname ?? "localhost",
                                               schedulerID: end.schedulerID,
                                               stdoutText: stdoutSize == 0 ? "" : PostRunChecks.tail(stdoutFile, limit: 65536),
                                               stderrText: stderrSize == 0 ? "" : PostRunChecks.tail(stderrFile, limit: 65536))
                    result.integrity = end.integrity
                    result.registered = end.registered
                    result.tasks = tasks
                    result.subworkflowID = end.subworkflowID
                    return (result, recordFailure)
                }
                // On the spawner's events thread the engine's turn runs right here, and the
                // record waits until the jobs this end made ready are launched; elsewhere (a
                // Slurm poller, a worker) the record is written here, off the engine's queue.
                if !recordDone, SpawnerEventsThread.isCurrent {
                    inbox.postAndRun { [self] in finished(index, attempt, decided, completing: complete) }
                } else {
                    let (result, _) = complete()
                    inbox.postAndRun { [self] in finished(index, attempt, result.outcome) { (result, nil) } }
                }
            }
        }
        // Outputs put back over the network (a served staging site) wait on a worker, not on
        // the thread that reports ends (the spawner's events thread, the Slurm poller).
        let putsOutputs = sandboxFolder != nil && SandboxTransfers.puts(job)
        let completion: @Sendable (AttemptEnd) -> Void = { ended in
            if putsOutputs { DispatchQueue.global().async { finishing(ended) } } else { finishing(ended) }
        }
        if let sandboxProblem {
            // The job cannot start without its files: a failed attempt, retried like any.
            completion(AttemptEnd(.completed(succeeded: false, exitCode: nil, start: startedAt, end: Date().timeIntervalSince1970, message: sandboxProblem),
                                  reason: sandboxProblem))
            return
        }
        // The attempt line must be in the journal before the process can start.
        flushJournal()
        let started = executor.start(launch, progress: progress, ended: completion)
        if started { running[index] = (attempt, executor) }
    }

    /// An attempt ended with `outcome`: the scheduler hears of it, and the jobs it made ready
    /// are launched (their journal lines written first) before `completing` writes the
    /// attempt's record and gives its result for the journal and the observers ("launch
    /// first, write later": on the spawner's events thread a core would otherwise wait for the
    /// record with no job to run). The ended attempt's journal line follows its record, as
    /// before, so a crash in between runs it again (as one between its end and its record
    /// always did), and its launched children are ended on resume as any attempt left open.
    /// Observers hear of the ended attempt before the launched ones, as before. A retry of the
    /// same job waits for the record: the journal keeps one job's attempts in order.
    private func finished(_ job: Int, _ attempt: Int, _ outcome: AttemptOutcome, completing: () -> (result: AttemptResult, recordFailure: String?)) {
        if running[job]?.attempt == attempt { running[job] = nil }
        let actions = scheduler.handle(.finished(job: job, attempt: attempt, outcome: outcome), now: clock.now())
        let launchFirst = actions.contains { if case .spawn(let other, _) = $0 { return other != job } else { return false } }
            && !actions.contains { if case .spawn(job, _) = $0 { return true } else { return false } }
        var rest = actions
        if launchFirst {
            let launches = actions.filter { if case .spawn = $0 { return true } else { return false } }
            rest = actions.filter { if case .spawn = $0 { return false } else { return true } }
            heldStarts = []
            perform(launches, endingTurn: false)
        }
        let (result, recordFailure) = completing()
        var willRetry = false
        var succeeded = false
        var reason = result.outcome.reason
        for action in actions {
            if case .failed(job, attempt, let retry, let why) = action { willRetry = retry; reason = why }
            if case .succeeded(job, attempt) = action { succeeded = true }
        }
        if let recordFailure, succeeded {
            // Judged a success before its record could not be written: the journal says it
            // failed, so a resume (the engine is halting) runs it again, as any attempt
            // without its record.
            succeeded = false
            willRetry = true
            reason = recordFailure
        }
        var reported = result
        reported.outcome = AttemptOutcome(succeeded: succeeded, exitCode: result.outcome.exitCode, reason: succeeded ? nil : reason)
        log(succeeded ? .succeeded(job: plan.jobs[job].id, attempt: attempt) : .failed(job: plan.jobs[job].id, attempt: attempt))
        for o in observers { o.attemptFinished(reported, willRetry: willRetry) }
        runJobHooks(job, succeeded: succeeded, final: succeeded || !willRetry)
        if let starts = heldStarts {
            heldStarts = nil
            for start in starts { for o in observers { o.attemptStarted(job: start.job, attempt: start.attempt, at: start.time) } }
        }
        perform(rest)
        flushJournal()
        compactJournalWhenDue()
    }

    private func kill(_ job: Int, _ attempt: Int) {
        guard let entry = running[job], entry.attempt == attempt else { return }
        entry.executor.stop(job: job, attempt: attempt, force: false)
        clock.schedule(after: options.killGrace) { [self] in
            queue.async { [self] in
                if let still = running[job], still.attempt == attempt { still.executor.stop(job: job, attempt: attempt, force: true) }
            }
        }
    }

    private func finishWorkflow(_ result: WorkflowOutcome) {
        flushJournal()  // the last job's line, before anyone learns the run ended
        workflowEnded = true
        controlTimer?.cancel()
        sandboxSpares.removeAll()
        // Jobs' processes in sessions of their own survived the process-group kills.
        switch result {
        case .removed, .stopped, .aborted:
            let left = WorkflowProcessSweep.killAll(workflowUUID: plan.wfUUID)
            if !left.isEmpty {
                FileHandle.standardError.write(Data("skein: killed \(left.count) process(es) the jobs had started outside their process groups\n".utf8))
            }
        default:
            break
        }
        let status: String
        switch result {
        case .succeeded: status = "0"
        case .aborted(let value): status = String(value)
        default: status = "1"
        }
        // The workflow's end hooks come after the last job's hooks, as Pegasus notifies.
        waitForHooks { [self] in
            runWorkflowHooks(events: result == .succeeded ? ["success", "end", "all"] : ["error", "end", "all"], status: status)
            waitForHooks { [self] in
                let now = clock.now()
                for o in observers { o.workflowFinished(result, at: now) }
                outcome = result
                done.signal()
            }
        }
    }

    // MARK: - Control

    /// Reads the control directory now and every `controlPollInterval` until the workflow ends.
    private func startControlPolling() {
        for command in receiveControl() { apply(command) }
        scheduleControlPoll()
    }

    /// The queued commands the run's owner (the owner of `plan.json`) wrote; others' files
    /// are logged and dropped.
    private func receiveControl() -> [ControlChannel.Command] {
        var info = stat()
        let owner = stat(layout.plan, &info) == 0 ? info.st_uid : geteuid()
        return control.receive(owner: owner) { [self] ignored in
            let now = clock.now()
            for o in observers { o.controlFileIgnored(ignored.file, owner: ignored.owner, at: now) }
        }
    }

    private func scheduleControlPoll() {
        guard !workflowEnded else { return }
        controlTimer = clock.schedule(after: options.controlPollInterval) { [self] in
            queue.async { [self] in
                guard !workflowEnded else { return }
                for command in receiveControl() { apply(command) }
                scheduleControlPoll()
            }
        }
    }

    /// Stops the engine (SIGTERM, SIGINT): starts nothing more, asks running attempts to stop
    /// (SIGTERM to local process groups, scancel for Slurm), forces them after the kill
    /// grace, and ends the workflow as `stopped`. A second call forces at once. Safe from any
    /// thread.
    public func stop(reason: String) {
        queue.async { [self] in
            guard !workflowEnded else { return }
            if stopReason != nil {
                for (job, entry) in running.sorted(by: { $0.key < $1.key }) { entry.executor.stop(job: job, attempt: entry.attempt, force: true) }
                return
            }
            stopReason = reason
            let now = clock.now()
            for o in observers { o.engineStopping(reason: reason, at: now) }
            perform(scheduler.handle(.command(.stop), now: now))
        }
    }

    /// Applies one command now; also the entry point for in-process callers (the TUI later).
    func apply(_ command: ControlChannel.Command) {
        let schedulerCommand: SchedulerCommand
        switch command {
        case .halt: schedulerCommand = .halt
        case .resume: schedulerCommand = .resume
        case .remove: schedulerCommand = .remove
        case .kill(let id), .retry(let id):
            guard let index = indexByID[id] else {
                reportCommand(command, result: "rejected: no job '\(id)' in this run")
                return
            }
            if case .kill = command { schedulerCommand = .kill(job: index) } else { schedulerCommand = .retry(job: index) }
        }
        let actions = scheduler.handle(.command(schedulerCommand), now: clock.now())
        if !actions.contains(where: { if case .rejected = $0 { return true } else { return false } }) {
            reportCommand(command, result: "done")
        }
        perform(actions)
        // Local jobs sent ahead and still waiting for a slot would start after the halt:
        // they are taken back, and run again once the run resumes.
        if case .halt = command, !actions.contains(where: { if case .rejected = $0 { return true } else { return false } }) {
            for executor in executors.values { executor.recallWaiting() }
        }
        forwardToSubworkflows(command)
    }

    /// Applies a command given in this process (a parent engine passing on a halt, resume or
    /// remove to the engine of its running sub-workflow), as if read from the control folder.
    public func control(_ command: ControlChannel.Command) {
        queue.async { [self] in
            guard !workflowEnded else { return }
            guard runStarted else { return earlyCommands.append(command) }
            apply(command)
        }
    }

    /// The control command behind a scheduler command; nil for a stop, which comes from a
    /// signal, not the control channel.
    private func controlCommand(_ command: SchedulerCommand) -> ControlChannel.Command? {
        switch command {
        case .stop: return nil
        case .halt: return .halt
        case .resume: return .resume
        case .remove: return .remove
        case .kill(let job): return .kill(plan.jobs[job].id)
        case .retry(let job): return .retry(plan.jobs[job].id)
        }
    }

    private func reportCommand(_ command: ControlChannel.Command, result: String) {
        let now = clock.now()
        for o in observers { o.commandHandled(command, result: result, at: now) }
    }

    func hookFinished() {
        pendingHookCount -= 1
        if pendingHookCount == 0, let next = afterHooks {
            afterHooks = nil
            next()
        }
    }

    private func waitForHooks(_ then: @escaping () -> Void) {
        if pendingHookCount == 0 { then() } else { afterHooks = then }
    }

    // MARK: - Helpers

    private func environment(for job: ExecutableJob) -> [String] {
        if job.environment.isEmpty {
            return baseEnvironmentLines + ["PEGASUS_WF_UUID=\(plan.wfUUID)", "PEGASUS_WF_LABEL=\(plan.label)", "PEGASUS_JOBID=\(job.id)", "PEGASUS_SITE=\(job.site)"]
        }
        var env = baseEnvironment
        for (k, v) in job.environment { env[k] = v }
        env["PEGASUS_WF_UUID"] = plan.wfUUID
        env["PEGASUS_WF_LABEL"] = plan.label
        env["PEGASUS_JOBID"] = job.id
        env["PEGASUS_SITE"] = job.site
        return env.map { "\($0.key)=\($0.value)" }
    }

    /// A clustered job runs as skein-kickstart's cluster mode over the attempt's task list.
    private func clusterSpec(_ cluster: ClusterAttempt, index: Int, attempt: Int, recordFile: String, stdoutFile: String, stderrFile: String) -> LaunchSpec {
        let list = layout.taskList(index, cluster.job.id, attempt: attempt)
        let text = cluster.taskList(index: index, attempt: attempt, layout: layout, workflowLabel: plan.label, workflowStamp: Clock.isoSeconds(Int(plan.createdAt)))
        if !FileManager.default.createFile(atPath: list, contents: Data(text.utf8)) { reportWriteFailure("cannot write the task list \(list)") }
        return LaunchSpec(executable: options.kickstart, arguments: ["--cluster", list, "-r", recordFile], environment: environment(for: cluster.job),
                          workingDirectory: cluster.job.workingDirectory, stdin: nil, stdout: stdoutFile, stderr: stderrFile)
    }

    private func linkOrCopy(_ source: String, _ target: String) {
        unlink(target)
        if link(source, target) != 0 { try? FileManager.default.copyItem(atPath: source, toPath: target) }
    }

    private func mkdirs(_ path: String) {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
}
