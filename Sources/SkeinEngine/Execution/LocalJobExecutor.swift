#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs attempts on this machine: one process group each, exit status and rusage from
/// `wait4`. The engine writes their kickstart records.
public final class LocalJobExecutor: JobExecutor, @unchecked Sendable {
    private let processes: LocalExecutor
    private let lock = NSLock()
    private var running: [Int: (attempt: Int, pid: pid_t)] = [:]
    /// Processes that ended before `start` registered them (so they are never registered).
    private var endedEarly: Set<pid_t> = []

    public init(processes: LocalExecutor = LocalExecutor.shared) {
        self.processes = processes
    }

    public func start(_ launch: AttemptLaunch, progress: @escaping @Sendable (AttemptProgress) -> Void, ended: @escaping @Sendable (AttemptEnd) -> Void) -> Bool {
        let job = launch.job
        // Not under `lock`: launching waits for the spawner, whose thread may be calling back
        // into `forget` for another job at that moment.
        let pid = processes.launch(launch.spec) { [weak self] exit in
            if exit.spawnError == nil { self?.forget(job: job, pid: exit.pid) }
            ended(AttemptEnd(exit: exit))
        }
        guard let pid else { return false }
        lock.lock()
        if endedEarly.remove(pid) == nil { running[job] = (launch.attempt, pid) }
        lock.unlock()
        progress(.submitted(id: "local:\(pid)"))
        progress(.running(host: nil))
        return true
    }

    public func stop(job: Int, attempt: Int, force: Bool) {
        lock.lock()
        let entry = running[job]
        lock.unlock()
        guard let entry, entry.attempt == attempt else { return }
        processes.signal(entry.pid, force ? SIGKILL : SIGTERM)
    }

    public func cleanUpOrphan(_ id: String) {
        guard id.hasPrefix("local:"), let pid = pid_t(id.dropFirst("local:".count)), pid > 1 else { return }
        killpg(pid, SIGKILL)
    }

    private func forget(job: Int, pid: pid_t) {
        lock.lock()
        if running[job]?.pid == pid { running[job] = nil } else { endedEarly.insert(pid) }
        lock.unlock()
    }
}
