#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Finds what is left of a workflow's jobs after their process groups were killed: a job may
/// start a process in a session of its own (`setsid`), out of reach of `killpg`. Every job
/// carries `PEGASUS_WF_UUID` in its environment, and so does what it starts, so a removed
/// or stopped run can end them all (issue 13, item 12), as a resume already ends orphans.
public enum WorkflowProcessSweep {
    /// SIGKILLs every live process (this one and its ancestors aside) whose environment has
    /// `PEGASUS_WF_UUID=workflowUUID`; returns their pids.
    @discardableResult
    public static func killAll(workflowUUID: String) -> [pid_t] {
        let marker = "PEGASUS_WF_UUID=" + workflowUUID
        let spared = ancestors()
        var killed: [pid_t] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), pid > 1, !spared.contains(pid) else { continue }
            if LocalJobExecutor.environment(of: pid).contains(marker), kill(pid, SIGKILL) == 0 { killed.append(pid) }
        }
        return killed
    }

    /// SIGKILLs the live processes of `jobs` of the workflow (by `PEGASUS_WF_UUID` and
    /// `PEGASUS_JOBID` in their environment) and waits up to `timeout` seconds until they are
    /// gone: an attempt a dead engine launched without recording its process must not run
    /// beside the next one.
    @discardableResult
    public static func killJobs(_ jobs: Set<String>, workflowUUID: String, timeout: Double = 10) -> [pid_t] {
        guard !jobs.isEmpty else { return [] }
        let marker = "PEGASUS_WF_UUID=" + workflowUUID
        let wanted = Set(jobs.map { "PEGASUS_JOBID=" + $0 })
        let spared = ancestors()
        var killed: [pid_t] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), pid > 1, !spared.contains(pid) else { continue }
            let environment = LocalJobExecutor.environment(of: pid)
            guard environment.contains(marker), !environment.isDisjoint(with: wanted) else { continue }
            if kill(pid, SIGKILL) == 0 { killed.append(pid) }
        }
        let deadline = Date().addingTimeInterval(timeout)
        // A killed process is gone once it is reaped or a zombie (its lock files are closed then).
        while Date() < deadline, killed.contains(where: isRunning) { usleep(10_000) }
        return killed
    }

    /// Whether `pid` exists and is not a zombie.
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.first.map { $0 != "Z" && $0 != "X" } ?? false
    }

    /// This process and its parents up to init: never to be killed by a sweep, even when the
    /// engine itself runs inside a job of the same workflow.
    static func ancestors() -> Set<pid_t> {
        var pids: Set<pid_t> = [getpid()]
        var pid = getppid()
        while pid > 1, pids.insert(pid).inserted {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { break }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, let parent = pid_t(fields[1]) else { break }
            pid = parent
        }
        return pids
    }
}
