#if canImport(Glibc)
import Glibc
#endif
import CSpawn
import Foundation

/// Runs processes on this machine, each in its own process group (so a kill reaches
/// everything a job started), and reports how each ended with the exit status and the
/// resource usage a kickstart record needs, at no extra process per job.
///
/// Processes are started and reaped by one small `skein-spawner` helper process, so a job's
/// maxrss is its own and not the engine's (see `SpawnerConnection`). Requests are pipelined:
/// `start` returns once the request is sent, and the pid arrives with the helper's answer, so
/// the engine never waits for a spawn. Without the helper (not installed, `SKEIN_SPAWNER=none`,
/// or it keeps dying), the engine starts processes itself (`LocalExecutor+Direct.swift`).
public final class LocalExecutor: @unchecked Sendable {
    typealias Waiter = (start: Double, done: @Sendable (ProcessExit) -> Void)

    /// A request sent to the spawner and not answered yet.
    private struct Request {
        var spec: LaunchSpec
        var newSession: Bool
        var slots: SlotPool?
        var start: Double
        var started: @Sendable (pid_t) -> Void
        var done: @Sendable (ProcessExit) -> Void
        /// The launch's marker (`ProcessGroupEnd.markerName`): how it is cancelled, and how its
        /// process is found when the spawner dies before telling of its start.
        var marker: String
        /// Already lost with one spawner; lost again, it is started directly.
        var resent = false
    }

    let lock = NSLock()
    /// Running processes by pid. Guarded by `lock`.
    var waiting: [pid_t: Waiter] = [:]
    /// Sent requests by their number on the current spawner's channel (a request waiting for
    /// a slot is answered after later ones). Guarded by `lock`.
    private var unanswered: [Int32: Request] = [:]
    /// The number of the next request sent to the current spawner. Guarded by `sendLock`.
    private var nextRequest: Int32 = 0

    /// Serialises sending, so requests reach the spawner in the order of `unanswered`.
    private let sendLock = NSLock()
    /// Guarded by `sendLock`.
    private var spawnerPath: String?
    private var spawner: SpawnerConnection?
    /// Set by `shutdown`: the spawner's end is expected, and what it ran is left alone.
    /// Guarded by `lock`.
    private var closing = false

    // Direct mode (see LocalExecutor+Direct.swift).
    var early: [pid_t: (Int32, rusage, Double)] = [:]
    let childrenStarted = DispatchSemaphore(value: 0)
    var reaper: Thread?

    /// The one executor of this process: in direct mode its reaper waits for *every* child
    /// (`wait4(-1)`), so a second one would steal the first one's children.
    public static let shared = LocalExecutor(spawner: SpawnerConnection.defaultPath())

    /// Where the engine looks for skein-spawner (nil: `SKEIN_SPAWNER=none`).
    public static var spawnerPath: String? { SpawnerConnection.defaultPath() }

    /// Whether processes go through skein-spawner (so `SlotPool`s hold), not started directly.
    public var startsThroughSpawner: Bool {
        sendLock.lock()
        defer { sendLock.unlock() }
        guard let spawnerPath else { return false }
        return spawner != nil || FileManager.default.isExecutableFile(atPath: spawnerPath)
    }

    init(spawner path: String?) {
        spawnerPath = path
    }

    /// Starts the process without waiting for it: `started` gets its pid, then `done` how it
    /// ended, both on a background thread (`started` possibly before this returns). When it
    /// cannot start, only `done` is called, with `spawnError` set.
    /// `slots`: the process takes one of the pool's slots; while they are all taken it waits
    /// in the spawner and starts the moment one of the pool's processes ends (a job's end
    /// then starts the next job without waiting for the engine). `started` comes when it does.
    /// Returns the launch's marker, which `cancelWaiting` takes.
    @discardableResult
    public func start(_ spec: LaunchSpec, newSession: Bool = false, slots: SlotPool? = nil, started: @escaping @Sendable (pid_t) -> Void,
                      done: @escaping @Sendable (ProcessExit) -> Void) -> String {
        var marked = spec
        let marker = nextLaunchMarker()
        marked.environment.append(ProcessGroupEnd.markerName + "=" + marker)
        send(Request(spec: marked, newSession: newSession, slots: slots, start: WallClock.now(), started: started, done: done, marker: marker))
        return marker
    }

    /// Takes back a launch still waiting in the spawner for a slot (`marker`: what `start`
    /// returned): it never starts, and `done` gets a `ProcessExit` with `spawnError`
    /// ECANCELED. A launch that has started, or starts before the spawner reads this, is left
    /// alone: only a signal stops it.
    public func cancelWaiting(_ marker: String) {
        sendLock.lock()
        defer { sendLock.unlock() }
        lock.lock()
        let number = unanswered.first { $0.value.marker == marker && $0.value.slots != nil }?.key
        lock.unlock()
        guard let number, let spawner else { return }
        _ = spawner.cancel(request: number)
    }

    private var launches = 0
    /// This process's id, asked once (a launch marker per job carries it).
    private let ownPID = getpid()

    /// A value no other launch of this engine has (`ProcessGroupEnd.markerName`).
    private func nextLaunchMarker() -> String {
        lock.lock()
        defer { lock.unlock() }
        launches += 1
        return "\(ownPID).\(launches)"
    }

    /// Starts the process and waits until it has started; `done` runs on a background
    /// thread when it ends. When the process cannot start, `done` has been called with
    /// `spawnError` set, and nil is returned.
    @discardableResult
    public func launch(_ spec: LaunchSpec, newSession: Bool = false, done: @escaping @Sendable (ProcessExit) -> Void) -> pid_t? {
        final class Answer: @unchecked Sendable { var pid: pid_t? }
        let answer = Answer()
        let answered = DispatchSemaphore(value: 0)
        start(spec, newSession: newSession, started: { pid in
            answer.pid = pid
            answered.signal()
        }, done: { exit in
            let failed = exit.spawnError != nil
            done(exit)
            if failed { answered.signal() }
        })
        answered.wait()
        return answer.pid
    }

    /// Lets the spawner go and waits until it is reaped, so it does not outlive the engine as
    /// a zombie (where no init reaps orphans, as in containers). Processes still running
    /// (a detached engine) are left alone. Later launches start processes directly.
    public func shutdown() {
        sendLock.lock()
        let connection = spawner
        spawner = nil
        spawnerPath = nil
        sendLock.unlock()
        guard let connection else { return }
        lock.lock()
        closing = true
        lock.unlock()
        connection.close()
        connection.eventsRead.wait()
    }

    /// Signals the whole process group of a job.
    public func signal(_ pid: pid_t, _ signal: Int32) {
        if killpg(pid, signal) != 0 { kill(pid, signal) }
    }

    private func send(_ request: Request) {
        sendLock.lock()
        guard let connection = connectedSpawner() else {
            sendLock.unlock()
            return startDirect(request)
        }
        lock.lock()
        unanswered[nextRequest] = request
        lock.unlock()
        nextRequest &+= 1
        // On failure the spawner is gone: its events thread hands `request` back on EOF.
        _ = connection.send(request.spec, newSession: request.newSession, slots: request.slots)
        sendLock.unlock()
    }

    private func startDirect(_ request: Request) {
        if let pid = launchDirect(request.spec, newSession: request.newSession, start: request.start, done: request.done) {
            request.started(pid)
        }
    }

    /// The spawner, started on first use; nil in direct mode. Called under `sendLock`.
    private func connectedSpawner() -> SpawnerConnection? {
        if let spawner { return spawner }
        guard let path = spawnerPath else { return nil }
        let connection = FileManager.default.isExecutableFile(atPath: path) ? SpawnerConnection(path: path) : nil
        guard let connection else {
            FileHandle.standardError.write(Data("skein: cannot start \(path) (install it beside skein); jobs are started by the engine itself and their maxrss includes the engine's memory\n".utf8))
            spawnerPath = nil
            return nil
        }
        spawner = connection
        nextRequest = 0
        let thread = Thread { [weak self] in self?.readEvents(from: connection) }
        thread.name = "skein-spawner-events"
        thread.stackSize = 1 << 20
        thread.start()
        return connection
    }

    /// Delivers the spawner's events until it exits; then fails what it was running and
    /// sends what it had not answered again.
    private func readEvents(from connection: SpawnerConnection) {
        SpawnerEventsThread.markCurrent()
        while let event = connection.nextEvent() {
            switch Int(event.kind) {
            case SKEIN_SPAWNER_STARTED:
                lock.lock()
                let request = unanswered.removeValue(forKey: event.request)
                // When it really started: a request may have waited for a slot.
                if let request { waiting[event.pid] = (event.started_ns > 0 ? Double(event.started_ns) / 1e9 : request.start, request.done) }
                lock.unlock()
                request?.started(event.pid)
            case SKEIN_SPAWNER_FAILED:
                lock.lock()
                let request = unanswered.removeValue(forKey: event.request)
                lock.unlock()
                if let request {
                    var exit = ProcessExit(pid: 0, rawStatus: 127 << 8, usage: rusage(), start: request.start, end: WallClock.now(), spawnError: event.status)
                    // Taken back while it waited for a slot (`cancelWaiting`): not the job's doing.
                    if event.status == ECANCELED { exit.interruption = "not started: taken back while it waited for a slot in skein-spawner" }
                    request.done(exit)
                }
            case SKEIN_SPAWNER_EXITED:
                let end = WallClock.now()
                lock.lock()
                let entry = waiting.removeValue(forKey: event.pid)
                lock.unlock()
                if let entry {
                    entry.done(ProcessExit(pid: event.pid, rawStatus: event.status, usage: event.usage, start: entry.start, end: end))
                }
            default:
                continue
            }
        }
        defer { connection.eventsRead.signal() }
        let how = connection.reap()
        // From here on, no request goes to this spawner and none is added to what it left.
        sendLock.lock()
        if spawner === connection { spawner = nil }
        lock.lock()
        let orphans = closing ? [:] : waiting
        waiting.removeAll()
        let lost = unanswered.sorted { $0.key < $1.key }.map(\.value)
        unanswered.removeAll()
        lock.unlock()
        let givingUp = lost.contains { $0.resent } && spawnerPath != nil
        if givingUp { spawnerPath = nil }
        sendLock.unlock()

        // The spawner may have started a request just before it died, without telling (it
        // holds STARTED events back briefly): such a process is ended and reported like the
        // orphans, so its attempt is recorded as interrupted, never silently started twice.
        var startedUntold: [(request: Request, group: pid_t)] = []
        var neverStarted: [Request] = []
        for request in lost {
            if let group = ProcessGroupEnd.kill(launch: ProcessGroupEnd.markerName + "=" + request.marker).first {
                startedUntold.append((request, group))
            } else {
                neverStarted.append(request)
            }
        }
        let killed = orphans.count + startedUntold.count
        if killed > 0 || !neverStarted.isEmpty {
            FileHandle.standardError.write(Data("skein: skein-spawner \(connection.pid) ended (\(how)); \(killed) running process(es) killed; they run again without using up a retry\n".utf8))
        }
        if givingUp {
            FileHandle.standardError.write(Data("skein: skein-spawner keeps ending; jobs are started by the engine itself from now on\n".utf8))
        }
        // Its children lost their parent, so nobody can report their ends: stop them and
        // report them interrupted: not the jobs' doing, so they run again without using up a
        // retry, as after an engine crash.
        let end = WallClock.now()
        for (pid, entry) in orphans {
            // Gone, not only signalled: its copy must not start beside it.
            ProcessGroupEnd.kill(group: pid)
            var exit = ProcessExit(pid: pid, rawStatus: SIGKILL, usage: rusage(), start: entry.start, end: end)
            exit.interruption = "interrupted: skein-spawner \(connection.pid) ended (\(how)) while the job ran"
            entry.done(exit)
        }
        for (request, group) in startedUntold {
            var exit = ProcessExit(pid: group, rawStatus: SIGKILL, usage: rusage(), start: request.start, end: end)
            exit.interruption = "interrupted: skein-spawner \(connection.pid) ended (\(how)) while the job ran"
            request.done(exit)
        }
        for var request in neverStarted {
            if request.resent { startDirect(request); continue }
            request.resent = true
            send(request)
        }
    }
}

/// Slots one engine's local jobs share in skein-spawner (`--maxjobs` of them): a job whose
/// request finds them all taken waits in the spawner, not in the engine.
public struct SlotPool: Sendable, Equatable {
    /// Tells one engine's pool from another's (a sub-workflow's engine has its own).
    public let id: Int
    public let limit: Int
    /// The request mode that names it (`slots:POOL:LIMIT`), made once, not per job.
    let requestMode: String

    public init(id: Int, limit: Int) {
        self.id = id
        self.limit = max(1, limit)
        requestMode = "slots:\(id):\(self.limit)"
    }
}

/// Calls `body` with a NULL-terminated C array of the strings.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
