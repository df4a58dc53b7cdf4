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
/// maxrss is its own and not the engine's (see `SpawnerConnection`). Without the helper (not
/// installed, `SKEIN_SPAWNER=none`, or it cannot be restarted), the engine starts them
/// itself with `posix_spawn` and reaps them with `wait4` (see `LocalExecutor+Direct.swift`).
public final class LocalExecutor: @unchecked Sendable {
    typealias Waiter = (start: Double, done: @Sendable (ProcessExit) -> Void)

    let lock = NSLock()
    /// Running processes by pid. Guarded by `lock`.
    var waiting: [pid_t: Waiter] = [:]

    // Spawner mode. `launchLock` serialises launches: one request is in flight at a time.
    private let launchLock = NSLock()
    private let replied = DispatchSemaphore(value: 0)
    private var spawnerPath: String?
    private var spawner: SpawnerConnection?
    /// The launch waiting for its STARTED/FAILED event, and that event. Guarded by `lock`.
    private var inFlight: Waiter?
    private var reply: Reply?
    private enum Reply { case started(pid_t), failed(Int32), lost }

    // Direct mode (see LocalExecutor+Direct.swift).
    var early: [pid_t: (Int32, rusage, Double)] = [:]
    let childrenStarted = DispatchSemaphore(value: 0)
    var reaper: Thread?

    /// The one executor of this process: in direct mode its reaper waits for *every* child
    /// (`wait4(-1)`), so a second one would steal the first one's children.
    public static let shared = LocalExecutor(spawner: SpawnerConnection.defaultPath())

    init(spawner path: String?) {
        spawnerPath = path
    }

    /// Starts the process; `done` runs on a background thread when it ends. When the process
    /// cannot start, `done` is called at once with `spawnError` set, and nil is returned.
    @discardableResult
    public func launch(_ spec: LaunchSpec, newSession: Bool = false, done: @escaping @Sendable (ProcessExit) -> Void) -> pid_t? {
        launchLock.lock()
        let start = WallClock.now()
        var outcome: Reply = .lost
        // A spawner that died is replaced once; when the new one is lost too, direct mode.
        for _ in 0..<2 {
            guard let connection = connectedSpawner() else { break }
            lock.lock()
            inFlight = (start, done)
            reply = nil
            lock.unlock()
            let sent = connection.send(spec, newSession: newSession)
            if sent { replied.wait() }
            lock.lock()
            let answer = reply
            inFlight = nil
            lock.unlock()
            // The events thread may have answered `.lost` to a request that never went out.
            if !sent, answer != nil { replied.wait() }
            outcome = answer ?? .lost
            guard case .lost = outcome else { break }
            spawner = nil
        }
        if case .lost = outcome, spawnerPath != nil {
            FileHandle.standardError.write(Data("skein: skein-spawner keeps ending; jobs are started by the engine itself from now on\n".utf8))
            spawnerPath = nil
        }
        launchLock.unlock()
        switch outcome {
        case .started(let pid):
            return pid
        case .failed(let error):
            done(ProcessExit(pid: 0, rawStatus: 127 << 8, usage: rusage(), start: start, end: WallClock.now(), spawnError: error))
            return nil
        case .lost:
            return launchDirect(spec, newSession: newSession, start: start, done: done)
        }
    }

    /// Signals the whole process group of a job.
    public func signal(_ pid: pid_t, _ signal: Int32) {
        if killpg(pid, signal) != 0 { kill(pid, signal) }
    }

    public var runningCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return waiting.count
    }

    /// The spawner, started on first use; nil in direct mode. Called under `launchLock`; a
    /// dead one is noticed (and dropped) by the launch that finds it gone.
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
        let thread = Thread { [weak self] in self?.readEvents(from: connection) }
        thread.name = "skein-spawner-events"
        thread.stackSize = 1 << 20
        thread.start()
        return connection
    }

    /// Delivers the spawner's events until it exits; then fails whatever it was running.
    private func readEvents(from connection: SpawnerConnection) {
        while let event = connection.nextEvent() {
            switch Int(event.kind) {
            case SKEIN_SPAWNER_STARTED:
                lock.lock()
                if let launch = inFlight { waiting[event.pid] = launch }
                reply = .started(event.pid)
                lock.unlock()
                replied.signal()
            case SKEIN_SPAWNER_FAILED:
                lock.lock()
                reply = .failed(event.status)
                lock.unlock()
                replied.signal()
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
        let how = connection.reap()
        lock.lock()
        let orphans = waiting
        waiting.removeAll()
        let launchWaits = inFlight != nil && reply == nil
        if launchWaits { reply = .lost }
        lock.unlock()
        if launchWaits { replied.signal() }
        guard !orphans.isEmpty || launchWaits else { return }
        // Its children lost their parent, so nobody can report their ends: stop them and
        // report them killed, so the scheduler retries them as their profiles say.
        FileHandle.standardError.write(Data("skein: skein-spawner \(connection.pid) ended (\(how)); \(orphans.count) running process(es) killed\n".utf8))
        let end = WallClock.now()
        for (pid, entry) in orphans {
            killpg(pid, SIGKILL)
            entry.done(ProcessExit(pid: pid, rawStatus: SIGKILL, usage: rusage(), start: entry.start, end: end))
        }
    }
}

/// Calls `body` with a NULL-terminated C array of the strings.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
