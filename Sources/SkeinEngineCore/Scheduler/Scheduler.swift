/// The DAG's state machine: it takes events (an attempt finished, a timer fired, a command
/// arrived) and returns actions (spawn, kill, set a timer, report). It does no I/O and
/// reads no clock of its own (the time comes with `handle`), so retries, walltimes and
/// commands are tested in virtual time, and one serial queue can own it.
public struct Scheduler: Sendable {
    public private(set) var states: [JobState]
    let jobs: [SchedulerJob]
    let children: ChildLists
    private var unmetParents: [Int]
    /// Ready jobs by slot pool and category ("" for none), each highest priority first.
    private var ready: [ReadyKey: ReadyQueue] = [:]
    private var runningByCategory: [String: Int] = [:]
    public private(set) var running = 0
    /// Jobs running in the batch pool (submitted to a batch system), of `running`.
    public private(set) var runningOnBatch = 0
    /// Slots for jobs on this machine (`--maxjobs`).
    public var maxJobs: Int
    /// Local jobs that may be sent beyond `maxJobs` when they wait for their slot in
    /// skein-spawner (`SchedulerJob.mayWaitInSpawner`): the spawner then starts the next
    /// job the moment one ends, where the engine would first hear of the end and answer it
    /// (two process wake-ups on the way, a core idle meanwhile). Only while every local job
    /// sent is such a job, so the spawner's slots are all the machine's, and never past a
    /// better job that is not (it waits for a real free slot, and gets the next one).
    public private(set) var launchAhead: Int
    /// Local jobs running that hold no slot in the spawner: in-process ones (a transfer, a
    /// directory). While one runs, the spawner's slots are not all the machine's.
    private var runningOutsideSpawner = 0
    /// Jobs at once in a batch system (`dagman.maxjobs`); Int.max leaves the limit to the
    /// batch executor (`--slurm-max-queued`), since they take none of this machine's cores.
    public var batchMaxJobs: Int
    public var categoryLimits: [String: Int]
    public private(set) var halted = false
    private var ending: WorkflowOutcome?
    private var killReasons: [Int: KillReason] = [:]
    private var finishedReported = false
    /// Attempts per job that ended by no doing of the job (`AttemptOutcome.interrupted`):
    /// they do not count against its retries.
    private var interruptions: [Int: Int] = [:]
    /// More interruptions of one job than this, and they count as failures after all, so a
    /// helper that keeps dying cannot loop a run forever.
    public static let maxFreeReruns = 3

    /// `done` jobs succeeded in an earlier engine run (resume) and are never run again;
    /// `failed` jobs (job -> last attempt) failed for good before and stay failed until a
    /// retry command; `nextAttempt` continues their attempt numbering.
    public init(jobs: [SchedulerJob], maxJobs: Int, batchMaxJobs: Int = .max, categoryLimits: [String: Int] = [:], done: Set<Int> = [], failed: [Int: Int] = [:], nextAttempt: [Int: Int] = [:],
                launchAhead: Int = 0) {
        self.jobs = jobs
        self.maxJobs = max(1, maxJobs)
        self.launchAhead = max(0, launchAhead)
        self.batchMaxJobs = max(1, batchMaxJobs)
        self.categoryLimits = categoryLimits
        self.children = ChildLists(parents: jobs.map(\.parents))
        self.states = Array(repeating: .waiting, count: jobs.count)
        self.unmetParents = jobs.map(\.parents.count)
        self.pendingAttempts = nextAttempt
        for i in done.sorted() { markSucceeded(i) }
        for (i, attempt) in failed where states[i] == .waiting { states[i] = .failed(attempt: attempt) }
        for i in 0..<jobs.count where states[i] == .waiting && unmetParents[i] == 0 {
            makeReady(i, attempt: nextAttempt[i] ?? 0)
        }
    }

    /// Attempt numbers to start from for jobs that ran before a resume.
    private var pendingAttempts: [Int: Int] = [:]

    public mutating func handle(_ event: SchedulerEvent, now: Double) -> [SchedulerAction] {
        var actions: [SchedulerAction] = []
        switch event {
        case .start:
            break
        case .finished(let job, let attempt, let outcome):
            finish(job, attempt, outcome, into: &actions)
        case .timer(let job, let attempt):
            if states[job] == .running(attempt: attempt), killReasons[job] == nil {
                killReasons[job] = .walltime
                actions.append(.kill(job: job, attempt: attempt, reason: .walltime))
            }
        case .command(let command):
            apply(command, into: &actions)
        }
        dispatch(now: now, into: &actions)
        return actions
    }

    public var isFinished: Bool { finishedReported }

    public func count(where predicate: (JobState) -> Bool) -> Int { states.reduce(0) { $0 + (predicate($1) ? 1 : 0) } }

    // MARK: - Transitions

    private mutating func finish(_ job: Int, _ attempt: Int, _ outcome: AttemptOutcome, into actions: inout [SchedulerAction]) {
        guard states[job] == .running(attempt: attempt) else { return }
        running -= 1
        if jobs[job].onBatchSystem { runningOnBatch -= 1 } else if !holdsSpawnerSlot(job) { runningOutsideSpawner -= 1 }
        runningByCategory[jobs[job].category ?? "", default: 1] -= 1
        let killed = killReasons.removeValue(forKey: job)
        if outcome.succeeded && killed == nil {
            actions.append(.succeeded(job: job, attempt: attempt))
            markSucceeded(job)
            for child in children[job] where states[child] == .waiting && unmetParents[child] == 0 {
                makeReady(child, attempt: pendingAttempts[child] ?? 0)
            }
            return
        }
        var reason = outcome.reason ?? "failed"
        switch killed {
        case .walltime?: reason = "killed after exceeding its maxwalltime of \(Self.seconds(jobs[job].walltime ?? 0))"
        case .user?: reason = "killed by the user (skein kill)"
        case .abort?: reason = "killed because the workflow was aborted"
        case .remove?: reason = "killed because the run was removed"
        case .stop?: reason = "killed because the engine was stopped"
        case nil: break
        }
        if killed == .stop {
            // Not a verdict on the job: its children are not marked unrunnable, and the
            // journal's failed attempt makes a resume run it again.
            states[job] = .failed(attempt: attempt)
            actions.append(.failed(job: job, attempt: attempt, willRetry: false, reason: reason))
            return
        }
        if outcome.interrupted, killed == nil, ending == nil, interruptions[job, default: 0] < Self.maxFreeReruns {
            interruptions[job, default: 0] += 1
            actions.append(.failed(job: job, attempt: attempt, willRetry: true, reason: reason + " (not the job's doing: it runs again without using up a retry)"))
            makeReady(job, attempt: attempt + 1)
            return
        }
        if let code = outcome.exitCode, code == jobs[job].abortOnExitCode, ending == nil {
            states[job] = .failed(attempt: attempt)
            actions.append(.failed(job: job, attempt: attempt, willRetry: false, reason: reason + " (ABORT-DAG-ON \(code): aborting the workflow)"))
            ending = .aborted(returnValue: jobs[job].abortReturnValue ?? code)
            killAll(.abort, into: &actions)
            return
        }
        let mayRetry = ending == nil && killed != .remove && killed != .abort && killed != .stop
            && attempt - interruptions[job, default: 0] < jobs[job].retries
        actions.append(.failed(job: job, attempt: attempt, willRetry: mayRetry, reason: reason))
        if mayRetry {
            makeReady(job, attempt: attempt + 1)
        } else {
            states[job] = .failed(attempt: attempt)
            markDescendantsUnrunnable(of: job, into: &actions)
        }
    }

    private mutating func apply(_ command: SchedulerCommand, into actions: inout [SchedulerAction]) {
        switch command {
        case .halt:
            halted = true
        case .resume:
            halted = false
        case .remove:
            if ending == nil { ending = .removed }
            killAll(.remove, into: &actions)
        case .stop:
            if ending == nil { ending = .stopped }
            killAll(.stop, into: &actions)
        case .kill(let job):
            guard case .running(let attempt) = states[job] else {
                actions.append(.rejected(command, reason: "job is not running (\(Self.describe(states[job])))"))
                return
            }
            if killReasons[job] == nil { killReasons[job] = .user }
            actions.append(.kill(job: job, attempt: attempt, reason: .user))
        case .retry(let job):
            guard case .failed(let attempt) = states[job] else {
                actions.append(.rejected(command, reason: "only a job that failed for good can be retried (it is \(Self.describe(states[job])))"))
                return
            }
            guard ending == nil else {
                actions.append(.rejected(command, reason: "the workflow is ending"))
                return
            }
            makeReady(job, attempt: attempt + 1)
            resetUnrunnableDescendants(of: job)
        }
    }

    private mutating func dispatch(now: Double, into actions: inout [SchedulerAction]) {
        if ending == nil && !halted {
            while let job = popReady() {
                guard case .ready(let attempt) = states[job] else { continue }
                states[job] = .running(attempt: attempt)
                running += 1
                if jobs[job].onBatchSystem { runningOnBatch += 1 } else if !holdsSpawnerSlot(job) { runningOutsideSpawner += 1 }
                runningByCategory[jobs[job].category ?? "", default: 0] += 1
                actions.append(.spawn(job: job, attempt: attempt))
                if let walltime = jobs[job].walltime {
                    actions.append(.setTimer(job: job, attempt: attempt, at: now + walltime))
                }
            }
        }
        guard running == 0, !finishedReported else { return }
        let readyLeft = ready.values.contains { !$0.isEmpty }
        if let ending {
            finishedReported = true
            actions.append(.finished(ending))
        } else if halted && readyLeft {
            finishedReported = true
            actions.append(.finished(.halted))
        } else if !readyLeft {
            finishedReported = true
            let allDone = states.allSatisfy { $0 == .succeeded }
            actions.append(.finished(allDone ? .succeeded : .failed))
        }
    }

    /// Whether `job` may be sent ahead, to wait in the spawner until a slot frees.
    private func maySendAhead(_ job: Int) -> Bool { launchAhead > 0 && jobs[job].mayWaitInSpawner }

    /// Whether `job`'s process takes one of the spawner's slots (counted by the pool there).
    private func holdsSpawnerSlot(_ job: Int) -> Bool { launchAhead > 0 && jobs[job].holdsSpawnerSlot }

    /// The best ready job whose pool and category have room. With the local slots full, the
    /// best local job is sent ahead when it waits for its slot in the spawner
    /// (`launchAhead`); a better one that does not stops that.
    private mutating func popReady() -> Int? {
        let local = running - runningOnBatch
        let localFull = local >= maxJobs
        let aheadOpen = runningOutsideSpawner == 0 && local < maxJobs + launchAhead
        let batchFull = runningOnBatch >= batchMaxJobs
        var bestLocal: (key: ReadyKey, priority: Int, job: Int)?
        var bestBatch: (key: ReadyKey, priority: Int, job: Int)?
        for (key, queue) in ready {
            guard let head = queue.first else { continue }
            if key.onBatchSystem ? batchFull : localFull && !aheadOpen { continue }
            let category = key.category
            if !category.isEmpty, let limit = categoryLimits[category], runningByCategory[category, default: 0] >= limit { continue }
            if key.onBatchSystem {
                if bestBatch == nil || ReadyQueue.precedes(head, (bestBatch!.priority, bestBatch!.job)) { bestBatch = (key, head.priority, head.job) }
            } else if bestLocal == nil || ReadyQueue.precedes(head, (bestLocal!.priority, bestLocal!.job)) {
                bestLocal = (key, head.priority, head.job)
            }
        }
        if let local = bestLocal, localFull, !maySendAhead(local.job) { bestLocal = nil }
        guard let best = [bestLocal, bestBatch].compactMap({ $0 }).min(by: { ReadyQueue.precedes(($0.priority, $0.job), ($1.priority, $1.job)) }) else {
            return nil
        }
        return ready[best.key]!.pop()
    }

    private mutating func makeReady(_ job: Int, attempt: Int) {
        states[job] = .ready(attempt: attempt)
        ready[ReadyKey(onBatchSystem: jobs[job].onBatchSystem, category: jobs[job].category ?? ""), default: ReadyQueue()].push(job, priority: jobs[job].priority)
    }

    private mutating func markSucceeded(_ job: Int) {
        states[job] = .succeeded
        for child in children[job] { unmetParents[child] -= 1 }
    }

    private mutating func killAll(_ reason: KillReason, into actions: inout [SchedulerAction]) {
        for job in states.indices {
            if case .running(let attempt) = states[job], killReasons[job] == nil || reason == .remove || reason == .stop {
                killReasons[job] = reason
                actions.append(.kill(job: job, attempt: attempt, reason: reason))
            }
        }
    }

    private mutating func markDescendantsUnrunnable(of job: Int, into actions: inout [SchedulerAction]) {
        var stack = children[job]
        while let next = stack.popLast() {
            guard states[next] == .waiting else { continue }
            states[next] = .unrunnable
            actions.append(.unrunnable(job: next, because: job))
            stack.append(contentsOf: children[next])
        }
    }

    private mutating func resetUnrunnableDescendants(of job: Int) {
        var stack = children[job]
        while let next = stack.popLast() {
            guard states[next] == .unrunnable else { continue }
            states[next] = .waiting
            stack.append(contentsOf: children[next])
        }
    }

    static func describe(_ state: JobState) -> String {
        switch state {
        case .waiting: return "waiting for its parents"
        case .ready: return "ready"
        case .running: return "running"
        case .succeeded: return "succeeded"
        case .failed: return "failed"
        case .unrunnable: return "never to run, a parent failed"
        }
    }

    static func seconds(_ s: Double) -> String {
        s >= 60 && s.truncatingRemainder(dividingBy: 60) == 0 ? "\(Int(s / 60)) min" : "\(s) s"
    }
}

/// Which ready queue a job waits in: its slot pool and its category.
struct ReadyKey: Hashable, Sendable {
    var onBatchSystem: Bool
    var category: String
}
