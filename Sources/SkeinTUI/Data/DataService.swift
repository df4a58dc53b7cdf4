import Foundation
import SkeinRunFormat
import SkeinReports

/// What a screen needs to show.
public enum DataKey: Hashable, Sendable {
    case runs
    case run(String)
    case job(String, String)
    case failures(String)
    case statistics(String)
    case record(String)
    case log(LogSource)

    /// The run directory a key reads, if any.
    public var runDirectory: String? {
        switch self {
        case .run(let d), .job(let d, _), .failures(let d), .statistics(let d): return d
        default: return nil
        }
    }
}

/// What arrives for a key.
public enum DataPayload: Sendable {
    case runs([RunSummary])
    case run(RunData)
    /// A huge run's counts while its jobs and DAG are still being read (the first load only):
    /// the Run screen shows its header and a loading line until `.run` replaces it.
    case runCounts(StatusReport)
    case job(JobDetail)
    case failures(AnalysisReport)
    case statistics(StatisticsData)
    case record(KickstartRecord)
    case log(LogText)
    case failed(String)
}

public struct DataUpdate: Sendable {
    public var key: DataKey
    public var payload: DataPayload
    public init(key: DataKey, payload: DataPayload) { self.key = key; self.payload = payload }
}

/// Loads what the screens need on background queues and reloads it when it changes: a
/// run's database or WAL (size and modification time) or its engine, a log's size. Checks
/// a few times a second; a key whose load is slow (a huge run) is reloaded at most every
/// twice its load time, so reading never hogs the machine. The UI thread never waits on
/// SQLite: results arrive through `deliver`.
public final class DataService: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var registryDirectory: String?
        public var directories: [String]
        public var pegasusMasterDatabase: String?
        /// Seconds between change checks.
        public var interval: Double

        public init(registryDirectory: String?, directories: [String], pegasusMasterDatabase: String?, interval: Double = 0.25) {
            self.registryDirectory = registryDirectory
            self.directories = directories
            self.pegasusMasterDatabase = pegasusMasterDatabase
            self.interval = interval
        }
    }

    private struct State {
        var signature: FileSignature?
        var loading = false
        var lastLoad = Date.distantPast
        var lastDuration = 0.0
        var payload: DataPayload?
        var dirty = false
    }

    private let queue = DispatchQueue(label: "skein.tui.data")
    private let workers = DispatchQueue(label: "skein.tui.load", qos: .userInitiated, attributes: .concurrent)
    private let deliver: @Sendable (DataUpdate) -> Void
    private var configuration: Configuration
    private var wanted: Set<DataKey> = []
    private var states: [DataKey: State] = [:]
    private var locations: [String: RunLocation] = [:]
    private var plans: [String: (FileSignature, PlanJobDefinitions?)] = [:]
    private let planLock = NSLock()
    private var logs: [String: LogReader] = [:]
    /// Windows the log viewer asked for, until loaded (a line not yet indexed waits here).
    private var logRequests: [String: LogWindowRequest] = [:]
    /// Builds huge logs' line indexes, one at a time, behind everything else.
    private let indexer = DispatchQueue(label: "skein.tui.index", qos: .utility)
    private var timer: DispatchSourceTimer?
    private let runs: RunsLoader
    private var runsLoading = false
    private var runsForce = false

    public init(_ configuration: Configuration, deliver: @escaping @Sendable (DataUpdate) -> Void) {
        self.configuration = configuration
        self.deliver = deliver
        runs = RunsLoader(registryDirectory: configuration.registryDirectory, extraDirectories: configuration.directories,
                          pegasusMasterDatabase: configuration.pegasusMasterDatabase)
    }

    public func start() {
        queue.async { [self] in
            let t = DispatchSource.makeTimerSource(queue: queue)
            t.schedule(deadline: .now(), repeating: configuration.interval, leeway: .milliseconds(20))
            t.setEventHandler { [weak self] in self?.tick() }
            t.resume()
            timer = t
        }
    }

    public func stop() {
        queue.sync { timer?.cancel(); timer = nil }
    }

    /// The keys the screens want now. New keys load at once (a cached result is delivered
    /// again right away); keys no longer wanted stop being watched.
    public func want(_ keys: Set<DataKey>) {
        queue.async { [self] in
            guard keys != wanted else { return }
            let added = keys.subtracting(wanted)
            wanted = keys
            for key in states.keys where !keys.contains(key) { if states[key]?.loading == false { states[key] = nil } }
            for key in logs.keys where !keys.contains(.log(.file(key))) {
                logs[key]?.index.cancel()
                logs[key] = nil
                logRequests[key] = nil
            }
            for key in added {
                if let payload = states[key]?.payload { deliver(DataUpdate(key: key, payload: payload)) }
            }
            tick()
        }
    }

    /// Reload everything wanted now (after an action, or Ctrl-L).
    public func refresh() {
        queue.async { [self] in
            for key in states.keys { states[key]?.dirty = true }
            runsForce = true
            locations = [:]
            tick()
        }
    }

    /// Loads another part of a log the viewer shows (`g`, `G`, `:N`, paging past the window,
    /// a search match elsewhere in the file).
    public func moveLog(_ path: String, to request: LogWindowRequest) {
        queue.async { [self] in
            guard logs[path] != nil else { return }
            logRequests[path] = request
            states[.log(.file(path))]?.dirty = true
            tick()
        }
    }

    /// Adds a directory to the runs list (`:open DIR`).
    public func addDirectory(_ dir: String) {
        queue.async { [self] in
            runs.extraDirectories.append(dir)
            runsForce = true
            tick()
        }
    }

    // MARK: on the queue

    private func tick() {
        for key in wanted { check(key) }
    }

    private func check(_ key: DataKey) {
        if key == .runs {
            guard !runsLoading else { return }
            let since = states[.runs]?.lastLoad ?? .distantPast
            guard runsForce || states[.runs] == nil || Date().timeIntervalSince(since) >= max(1.0, 2 * (states[.runs]?.lastDuration ?? 0)) else { return }
            runsLoading = true
            let force = runsForce
            runsForce = false
            let started = Date()
            if states[.runs] == nil { states[.runs] = State() }
            workers.async { [self] in
                let result = runs.load(force: force)
                queue.async { [self] in
                    runsLoading = false
                    states[.runs]?.lastLoad = Date()
                    states[.runs]?.lastDuration = Date().timeIntervalSince(started)
                    if let result {
                        states[.runs]?.payload = .runs(result)
                        if wanted.contains(.runs) { deliver(DataUpdate(key: .runs, payload: .runs(result))) }
                    }
                }
            }
            return
        }
        var state = states[key] ?? State()
        guard !state.loading else { return }
        if !state.dirty && state.payload != nil {
            if Date().timeIntervalSince(state.lastLoad) < max(configuration.interval, 2 * state.lastDuration) { return }
        }
        let signature = self.signature(key)
        if !state.dirty, state.payload != nil, signature == state.signature { return }
        state.loading = true
        state.dirty = false
        state.signature = signature
        states[key] = state
        let started = Date()
        let loader = self.loader(key, counts: state.payload == nil ? countsAhead(key) : nil)
        workers.async { [self] in
            let payload = loader()
            queue.async { [self] in
                states[key]?.loading = false
                states[key]?.lastLoad = Date()
                states[key]?.lastDuration = Date().timeIntervalSince(started)
                states[key]?.payload = payload
                if wanted.contains(key) { deliver(DataUpdate(key: key, payload: payload)) } else { states[key] = nil }
            }
        }
    }

    private func location(_ dir: String) -> RunLocation? {
        if let l = locations[dir] { return l }
        let l = try? RunLocation.locate(dir)
        locations[dir] = l
        return l
    }

    private func signature(_ key: DataKey) -> FileSignature {
        switch key {
        case .runs: return FileSignature(parts: [])
        case .run(let d), .job(let d, _), .failures(let d), .statistics(let d):
            return FileSignature.run(d, location: location(d))
        case .record(let p): return FileSignature.file(p)
        case .log(let source):
            if case .file(let p) = source { return FileSignature.file(p) }
            return FileSignature(parts: [])
        }
    }

    /// Delivers a run's counts read ahead of its jobs, while the key is wanted and has nothing yet.
    private func countsAhead(_ key: DataKey) -> @Sendable (StatusReport) -> Void {
        { [self] report in
            queue.async { [self] in
                guard wanted.contains(key), states[key]?.payload == nil else { return }
                deliver(DataUpdate(key: key, payload: .runCounts(report)))
            }
        }
    }

    /// A closure that reads the key's data (run on a worker; touches no service state).
    /// `counts`: where a run's first load sends its counts ahead of the jobs.
    private func loader(_ key: DataKey, counts: (@Sendable (StatusReport) -> Void)? = nil) -> @Sendable () -> DataPayload {
        let now = Date().timeIntervalSince1970
        func wrap(_ body: @escaping @Sendable () throws -> DataPayload) -> @Sendable () -> DataPayload {
            { do { return try body() } catch { return .failed("\(error)") } }
        }
        switch key {
        case .runs:
            return { .failed("runs load elsewhere") }
        case .run(let d):
            let loc = location(d)
            return wrap { .run(try RunDataReader.read(loc ?? RunLocation.locate(d), now: now, onCounts: counts)) }
        case .job(let d, let id):
            let loc = location(d)
            return wrap { [self] in
                let location = try loc ?? RunLocation.locate(d)
                return .job(try JobDetailReader.read(location, job: id, plan: location.kind == .skein ? plan(d) : nil))
            }
        case .failures(let d):
            let loc = location(d)
            // Down into failed sub-workflows (pegasus-analyzer -r): the Failures view lists every level.
            return wrap { .failures(try AnalysisReader.read(loc ?? RunLocation.locate(d), tail: 40, recurse: true)) }
        case .statistics(let d):
            let loc = location(d)
            return wrap { .statistics(try StatisticsDataReader.read(loc ?? RunLocation.locate(d), now: now)) }
        case .record(let p):
            return wrap { .record(try KickstartRecord.read(p)) }
        case .log(let source):
            switch source {
            case .file(let p):
                let reader = logs[p] ?? LogReader(path: p)
                logs[p] = reader
                let box = UncheckedBox(reader)
                let request = logRequests[p]
                let key = DataKey.log(source)
                return { [self] in
                    let reader = box.value
                    var text = request.flatMap { reader.read($0) }
                    if text != nil || request == nil {
                        queue.async { [self] in if logRequests[p] == request { logRequests[p] = nil } }
                    }
                    if text == nil { text = reader.read() }
                    startIndexing(reader, key: key)
                    return .log(text!)
                }
            case .text(let t):
                return { .log(LogReader.text(t, source: source)) }
            case .none(let why):
                return { .log(LogText(source: source, lines: [], error: why)) }
            }
        }
    }

    /// Indexes a huge log's lines in the background; each block read makes the log reload,
    /// so its line numbers and the progress show as they arrive.
    private func startIndexing(_ reader: LogReader, key: DataKey) {
        guard reader.needsIndex, reader.index.progress.bytes < reader.fileSize, reader.index.claimBuild() else { return }
        let index = reader.index
        indexer.async { [self] in
            var last = Date.distantPast
            index.build { _ in
                guard Date().timeIntervalSince(last) > 0.1 else { return }
                last = Date()
                queue.async { [self] in states[key]?.dirty = true }
            }
            queue.async { [self] in states[key]?.dirty = true }
        }
    }

    /// The run's plan (cached until plan.json changes). Decoding a 100,000-job plan takes a
    /// while, so it happens once per run, on a worker.
    private func plan(_ dir: String) -> PlanJobDefinitions? {
        planLock.lock(); defer { planLock.unlock() }
        let sig = FileSignature.file(dir + "/" + RunLayout.planFile)
        if let (s, p) = plans[dir], s == sig { return p }
        let p = PlanJobDefinitions.read(runDirectory: dir)
        plans[dir] = (sig, p)
        return p
    }
}

/// Carries a non-Sendable value to one worker that alone uses it meanwhile.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
