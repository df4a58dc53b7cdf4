#if canImport(Glibc)
import Glibc
#endif
import CSpawn
import Foundation

/// Direct mode: the engine starts processes itself with `posix_spawn` and one reaper thread
/// collects them all with `wait4(-1)`. Used when skein-spawner is not available; a job's
/// maxrss then includes the engine's own peak memory (Linux carries it across the exec).
extension LocalExecutor {
    func launchDirect(_ spec: LaunchSpec, newSession: Bool, start: Double, done: @escaping @Sendable (ProcessExit) -> Void) -> pid_t? {
        startReaper()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        // stdout and stderr never through a symbolic link (as skein-spawner): see LaunchSpec.
        posix_spawn_file_actions_addopen(&actions, 0, spec.stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, spec.stdout, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o644)
        if spec.stderr == spec.stdout {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, spec.stderr, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o644)
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

    private func startReaper() {
        lock.lock()
        defer { lock.unlock() }
        guard reaper == nil else { return }
        let thread = Thread { [weak self] in self?.reap() }
        thread.name = "skein-reaper"
        thread.stackSize = 1 << 20
        reaper = thread
        thread.start()
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
