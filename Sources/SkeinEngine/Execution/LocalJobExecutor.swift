#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs attempts on this machine: one process group each, exit status and rusage from
/// `wait4`. The engine writes their kickstart records.
public final class LocalJobExecutor: JobExecutor, @unchecked Sendable {
    private let processes: LocalExecutor
    private let lock = NSLock()
    /// Attempts by job; `pid` is nil until the process has started; `marker` names the launch
    /// (`LocalExecutor.cancelWaiting`).
    private var running: [Int: (attempt: Int, pid: pid_t?, marker: String)] = [:]
    /// A stop asked for before the process had started, sent when it starts.
    private var stopsWaiting: [Int: Int32] = [:]
    /// Processes that ended before their start was seen (direct mode can report them so).
    private var endedEarly: Set<pid_t> = []

    public init(processes: LocalExecutor = LocalExecutor.shared) {
        self.processes = processes
    }

    /// Whether its processes go through skein-spawner, where `AttemptLaunch.slots` hold.
    public var startsThroughSpawner: Bool { processes.startsThroughSpawner }

    public func start(_ launch: AttemptLaunch, progress: @escaping @Sendable (AttemptProgress) -> Void, ended: @escaping @Sendable (AttemptEnd) -> Void) -> Bool {
        let job = launch.job, attempt = launch.attempt
        lock.lock()
        running[job] = (attempt, nil, "")
        lock.unlock()
        // Not waiting for the spawn: the pid comes back later, and a failed start comes as
        // an end with `spawnError`, like any other failed attempt.
        let marker = processes.start(launch.spec, slots: launch.slots, started: { [weak self] pid in
            self?.started(job: job, attempt: attempt, pid: pid)
            progress(.submitted(id: "local:\(pid)"))
            progress(.running(host: nil))
        }, done: { [weak self] exit in
            self?.forget(job: job, attempt: attempt, pid: exit.pid)
            // The process id stands for the batch system's id (`sched_id`), as HTCondor's does.
            ended(AttemptEnd(exit: exit, schedulerID: exit.pid > 0 ? String(exit.pid) : nil))
        })
        lock.lock()
        if running[job]?.attempt == attempt, running[job]?.pid == nil { running[job]?.marker = marker }
        lock.unlock()
        return true
    }

    /// A process not started yet (waiting for a slot in skein-spawner) is taken back, so it
    /// never starts; should it start first, the signal reaches it as it does.
    public func stop(job: Int, attempt: Int, force: Bool) {
        let signal = force ? SIGKILL : SIGTERM
        lock.lock()
        let entry = running[job]
        if let entry, entry.attempt == attempt, entry.pid == nil { stopsWaiting[job] = signal }
        lock.unlock()
        guard let entry, entry.attempt == attempt else { return }
        guard let pid = entry.pid else { return processes.cancelWaiting(entry.marker) }
        processes.signal(pid, signal)
    }

    public func recallWaiting() {
        lock.lock()
        let waiting = running.values.filter { $0.pid == nil }.map(\.marker)
        lock.unlock()
        for marker in waiting { processes.cancelWaiting(marker) }
    }

    /// Kills the process group `local:PID` unless PID now belongs to someone else. Linux does
    /// not reuse a pid while a process has it as its group id, so a group without its leader
    /// is still the job's; a live leader must carry the job's environment (PEGASUS_WF_UUID,
    /// PEGASUS_JOBID), or the pid was reused (the engine died long ago, or before a reboot).
    public func cleanUpOrphan(_ id: String, job: String, workflowUUID: String) {
        guard id.hasPrefix("local:"), let pid = pid_t(id.dropFirst("local:".count)), pid > 1 else { return }
        let environment = Self.environment(of: pid)
        if !environment.isEmpty, !(environment.contains("PEGASUS_WF_UUID=" + workflowUUID) && environment.contains("PEGASUS_JOBID=" + job)) {
            FileHandle.standardError.write(Data("skein: not killing process group \(pid) left by job \(job): its pid now belongs to another program\n".utf8))
            return
        }
        killpg(pid, SIGKILL)
    }

    /// The environment a live process was started with; empty when it is gone (or a zombie).
    static func environment(of pid: pid_t) -> Set<String> {
        let fd = open("/proc/\(pid)/environ", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return Set(bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) })
    }

    private func started(job: Int, attempt: Int, pid: pid_t) {
        lock.lock()
        var signal: Int32?
        if endedEarly.remove(pid) == nil, running[job]?.attempt == attempt {
            running[job]?.pid = pid
            signal = stopsWaiting.removeValue(forKey: job)
        }
        lock.unlock()
        if let signal { processes.signal(pid, signal) }
    }

    private func forget(job: Int, attempt: Int, pid: pid_t) {
        lock.lock()
        if running[job]?.attempt == attempt {
            if pid != 0, running[job]?.pid == nil { endedEarly.insert(pid) }
            running[job] = nil
            stopsWaiting[job] = nil
        }
        lock.unlock()
    }
}
