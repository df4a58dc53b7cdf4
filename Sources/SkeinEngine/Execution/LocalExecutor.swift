#if canImport(Glibc)
import Glibc
#endif
import CSpawn
import Foundation

/// Runs processes on this machine with `posix_spawn`, each in its own process group (so a
/// kill reaches everything a job started), and collects them with one reaper thread
/// calling `wait4` for all children, which gives the exit status and the resource usage
/// a kickstart record needs, at no extra process per job.
public final class LocalExecutor: @unchecked Sendable {
    private let lock = NSLock()
    private var waiting: [pid_t: (start: Double, done: @Sendable (ProcessExit) -> Void)] = [:]
    /// Children reaped before their launch registered (cannot happen while `lock` is held
    /// across spawn and registration; kept as a safety net).
    private var early: [pid_t: (Int32, rusage, Double)] = [:]
    private let childrenStarted = DispatchSemaphore(value: 0)
    private var reaper: Thread?

    /// The one executor of this process: its reaper waits for *every* child (`wait4(-1)`),
    /// so a second one would steal the first one's children.
    public static let shared = LocalExecutor()

    private init() {
        let thread = Thread { [weak self] in self?.reap() }
        thread.name = "skein-reaper"
        thread.stackSize = 1 << 20
        reaper = thread
        thread.start()
    }

    /// Starts the process; `done` runs on the reaper thread when it ends. When the process
    /// cannot start, `done` is called at once with `spawnError` set, and nil is returned.
    @discardableResult
    public func launch(_ spec: LaunchSpec, newSession: Bool = false, done: @escaping @Sendable (ProcessExit) -> Void) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        posix_spawn_file_actions_addopen(&actions, 0, spec.stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, spec.stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if spec.stderr == spec.stdout {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, spec.stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        skein_spawn_file_actions_addchdir(&actions, spec.workingDirectory)
        skein_spawn_file_actions_addclosefrom(&actions, 3)

        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        flags |= newSession ? skein_spawn_setsid_flag() : Int32(POSIX_SPAWN_SETPGROUP)
        posix_spawnattr_setflags(&attributes, Int16(truncatingIfNeeded: flags))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = [spec.executable] + spec.arguments
        var pid: pid_t = 0
        let start = WallClock.now()
        lock.lock()
        let result = withCStrings(argv) { cArgv in
            withCStrings(spec.environment) { cEnv in
                spec.executable.contains("/")
                    ? posix_spawn(&pid, spec.executable, &actions, &attributes, cArgv, cEnv)
                    : posix_spawnp(&pid, spec.executable, &actions, &attributes, cArgv, cEnv)
            }
        }
        guard result == 0 else {
            lock.unlock()
            done(ProcessExit(pid: 0, rawStatus: 127 << 8, usage: rusage(), start: start, end: WallClock.now(), spawnError: result))
            return nil
        }
        if let (status, usage, end) = early.removeValue(forKey: pid) {
            lock.unlock()
            done(ProcessExit(pid: pid, rawStatus: status, usage: usage, start: start, end: end))
            return pid
        }
        waiting[pid] = (start, done)
        lock.unlock()
        childrenStarted.signal()
        return pid
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

    private func reap() {
        while true {
            var status: Int32 = 0
            var usage = rusage()
            let pid = wait4(-1, &status, 0, &usage)
            if pid > 0 {
                let end = WallClock.now()
                lock.lock()
                let entry = waiting.removeValue(forKey: pid)
                if entry == nil { early[pid] = (status, usage, end) }
                lock.unlock()
                if let entry { entry.done(ProcessExit(pid: pid, rawStatus: status, usage: usage, start: entry.start, end: end)) }
            } else if errno == ECHILD {
                // No children: sleep until a launch, at most a second (children started by
                // others, such as Foundation, are reaped on the next round).
                _ = childrenStarted.wait(timeout: .now() + 1)
            } else if errno != EINTR {
                _ = childrenStarted.wait(timeout: .now() + 0.1)
            }
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
