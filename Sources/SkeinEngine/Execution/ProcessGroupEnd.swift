#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Ends what a dead skein-spawner started before its job runs again (issue 13, items 10 and
/// the chaos test): `killpg` only sends SIGKILL, and a killed process keeps its locks and
/// files until it has actually exited, so a copy started at once could run beside it. And a
/// request the spawner may have started just before it died was never answered with a
/// pid: it is found by the launch marker every process the executor starts carries.
enum ProcessGroupEnd {
    /// The environment entry naming one launch: `SKEIN_LAUNCH=<engine pid>.<n>`.
    static let markerName = "SKEIN_LAUNCH"

    /// Kills the process group `group` and waits (up to `timeout` seconds) until none of
    /// its processes is alive (zombies have exited: they hold no locks).
    static func kill(group: pid_t, timeout: Double = 10) {
        killpg(group, SIGKILL)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, !liveMembers(of: group).isEmpty {
            killpg(group, SIGKILL)
            usleep(5_000)
        }
    }

    /// Kills every process group holding a process started with `marker` in its
    /// environment, and waits until they are gone.
    /// Returns the groups it ended: none means the launch never started or has already ended.
    @discardableResult
    static func kill(launch marker: String, timeout: Double = 10) -> [pid_t] {
        let groups = Set(processes(withEnvironment: marker).map(\.group)).filter { $0 > 1 }
        for group in groups { kill(group: group, timeout: timeout) }
        return groups.sorted()
    }

    /// Live (not zombie) processes whose process group is `group`.
    static func liveMembers(of group: pid_t) -> [pid_t] {
        allProcesses().filter { $0.group == group && !$0.zombie }.map(\.pid)
    }

    static func processes(withEnvironment entry: String) -> [(pid: pid_t, group: pid_t)] {
        allProcesses().filter { !$0.zombie && LocalJobExecutor.environment(of: $0.pid).contains(entry) }.map { ($0.pid, $0.group) }
    }

    private static func allProcesses() -> [(pid: pid_t, group: pid_t, zombie: Bool)] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { name in
            guard let pid = pid_t(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // After "(comm)": state, ppid, pgrp, ...
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let group = pid_t(fields[2]) else { return nil }
            return (pid, group, fields[0] == "Z" || fields[0] == "X")
        }
    }
}
