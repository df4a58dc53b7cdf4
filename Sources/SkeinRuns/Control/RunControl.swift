import Foundation
import SkeinRunFormat

/// Steers one run, for the CLI's control commands and the TUI's actions alike: with an
/// engine alive, a command goes into the run's control channel; with none, `resume` and
/// `retry` start an engine (with the run's stored settings), and the others have nothing to
/// act on.
public struct RunControl: Sendable {
    public let plan: ExecutablePlan

    public init(plan: ExecutablePlan) { self.plan = plan }

    /// Reads the plan of the run directory `path` (relative paths from here).
    public init(runDirectory path: String) throws {
        try Self.checkOwner(path)
        guard RunDirectory.isRunDirectory(path) else {
            throw RunsError("\(path) is not a Skein run directory (no plan.json)")
        }
        let given = RunDirectory.absolute(path)
        // Jobs the run's checkpoint says succeeded are read as skeletons: an engine started
        // from here never runs them, and a resume at 900,000 jobs done need not decode them.
        plan = try RunDirectory(path: given).readPlanForResume()
        try Self.refuseCopy(given: given, named: plan.runDirectory)
    }

    /// A run folder copied or moved elsewhere still names its first place in plan.json (its
    /// jobs' folders, scratch and records are there): steering it would act on the original,
    /// so it is refused (issue 13, item 12).
    static func refuseCopy(given: String, named: String) throws {
        func real(_ path: String) -> String {
            guard let resolved = realpath(path, nil) else { return (path as NSString).standardizingPath }
            defer { free(resolved) }
            return String(cString: resolved)
        }
        guard real(given) != real(named) else { return }
        throw RunsError("\(given) is a copy of the run in \(named) (plan.json names that folder): a run cannot be moved or copied; run or steer \(named), or plan the workflow again")
    }

    public var runDirectory: String { plan.runDirectory }

    /// Only the run's owner (or root) steers a run: another user is told so, rather than
    /// "no engine is running" because she cannot see the lock.
    static func checkOwner(_ path: String) throws {
        var info = stat()
        let me = geteuid()
        guard stat(path, &info) == 0 else {
            if errno == EACCES { throw RunsError("permission denied: \(path) belongs to another user; only its owner can steer the run") }
            return
        }
        if info.st_uid != me && me != 0 {
            let owner = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(info.st_uid)"
            throw RunsError("permission denied: \(path) belongs to \(owner); only its owner can steer the run")
        }
    }

    /// Whether an engine runs this run now (it holds the run's lock).
    public var engineIsAlive: Bool { EngineLock.isHeld(runDirectory: runDirectory) }

    /// Job ids that are not jobs of this run.
    public func unknownJobs(_ jobs: [String]) -> [String] {
        let known = Set(plan.jobs.map(\.id))
        return jobs.filter { !known.contains($0) }
    }

    public func halt() throws -> ControlOutcome { try sendToLiveEngine([.halt]) }

    public func remove() throws -> ControlOutcome { try sendToLiveEngine([.remove]) }

    public func kill(_ jobs: [String]) throws -> ControlOutcome { try sendToLiveEngine(jobs.map { .kill($0) }) }

    /// Resumes the run: a live (halted) engine schedules again; else an engine starts and
    /// runs what has not succeeded. `change` (options given to this command) is stored
    /// first and recorded under `command`; a live engine keeps its settings until the next.
    public func resume(change: EngineSettingsChange = EngineSettingsChange(), command: String, start: EngineStart) throws -> ControlOutcome {
        try RunSettings.update(runDirectory: runDirectory, with: change, command: command)
        if engineIsAlive { return try send([.resume]) }
        return try startEngine(start, retrying: [])
    }

    /// Runs failed `jobs` again: at once in a live engine; else an engine starts that runs
    /// them (and their descendants) while the run's other failed jobs stay failed.
    public func retry(_ jobs: [String], change: EngineSettingsChange = EngineSettingsChange(), command: String, start: EngineStart) throws -> ControlOutcome {
        guard !jobs.isEmpty else { throw RunsError("retry: name the failed jobs to run again") }
        let unknown = unknownJobs(jobs)
        guard unknown.isEmpty else { throw RunsError("no such job in this run: \(unknown.joined(separator: ", "))") }
        try RunSettings.update(runDirectory: runDirectory, with: change, command: command)
        let route = retryRoute(jobs)
        // Each finished sub-workflow on the way runs again only the jobs asked for in it.
        for level in route.through { try SubWorkflowRetryRequest.write(level.jobs, runDirectory: level.runDirectory) }
        do {
            if route.control.engineIsAlive { return try route.control.send(route.jobs.map { .retry($0) }) }
            return try route.control.startEngine(start, retrying: route.jobs)
        } catch {
            for level in route.through { SubWorkflowRetryRequest.remove(runDirectory: level.runDirectory) }
            throw error
        }
    }

    /// Where a retry of `jobs` goes. A sub-workflow run's jobs run in its parent's engine:
    /// while that engine runs the child, the child's own control folder takes the retry. Once
    /// the child has ended (its lock is free) nothing watches that folder, and an engine for
    /// the child alone is refused; so the retry goes to the parent's job that runs the child
    /// (up as many levels as needed): running it again resumes the child, which keeps its
    /// succeeded jobs and runs its failed ones again (issue 11).
    public func retryRoute(_ jobs: [String]) -> RetryRoute {
        var route = RetryRoute(control: self, jobs: jobs)
        while !route.control.engineIsAlive, let (parent, job) = SubWorkflowRuns.parentJob(of: route.control.plan), let job,
              let parentPlan = try? RunDirectory(path: parent).readPlan() {
            route.through.append((route.runDirectory, route.jobs))
            route.control = RunControl(plan: parentPlan)
            route.runDirectory = parentPlan.runDirectory
            route.jobs = [job]
        }
        return route
    }

    /// Starts an engine for this run (`skein run RUNDIR` on a planned or stopped run).
    /// Throws `RunBusy` when an engine holds the run already.
    public func startEngine(_ start: EngineStart, retrying jobs: [String] = []) throws -> ControlOutcome {
        // The engine runs the plan's commands as this user: refuse a plan another could edit.
        try PrivateDirectory.checkTrusted(runDirectory: runDirectory)
        guard !engineIsAlive else { throw RunBusy(runDirectory: runDirectory) }
        if let refusal = SubWorkflowRuns.refusalToStartAlone(plan) { throw RunsError(refusal) }
        switch start {
        case .detached(let executable, let environment):
            let pid = try EngineProcess.detach(runDirectory: runDirectory, retrying: jobs, executable: executable,
                                               environment: environment ?? ProcessInfo.processInfo.environment)
            return .started(pid: pid)
        case .foreground:
            return .ran(exitCode: try ForegroundEngine.run(plan, retrying: jobs))
        }
    }

    private func sendToLiveEngine(_ commands: [ControlChannel.Command]) throws -> ControlOutcome {
        guard engineIsAlive else { return .noEngine }
        return try send(commands)
    }

    private func send(_ commands: [ControlChannel.Command]) throws -> ControlOutcome {
        try ControlChannel(directory: RunLayout(runDirectory: runDirectory).controlDirectory).send(commands)
        return .sent
    }
}
