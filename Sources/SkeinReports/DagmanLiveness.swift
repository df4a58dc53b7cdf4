import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether a Pegasus run's DAGMan still runs, decided from what DAGMan leaves in
/// `NAME.dag.lock` (`DagmanLock`) the way HTCondor's own duplicate check decides it
/// (`ProcAPI::isAlive`): the pid must exist and have the birthday the lock records, else the
/// pid was reused by another program; a newer DAGMan's fcntl lock must still be held. A lock
/// left behind by a `kill -9`'d DAGMan thus no longer keeps a dead run "Running" (issue 14).
/// A pid only means something on the machine DAGMan ran on: a run submitted from another
/// host (the braindump's `submit_hostname`) is not judged from here unless its lock is
/// visibly held, and says so.
public enum DagmanLiveness {
    public enum Verdict: Equatable, Sendable {
        /// monitord.done is there, or DAGMan holds its lock, or its pid is alive with the
        /// recorded birthday (or cannot be checked: another user's process, /proc unreadable).
        case alive
        /// The run was submitted from another machine: DAGMan's pid cannot be checked here.
        case otherHost(String)
        /// No lock file: DAGMan removes it when it ends.
        case noLock
        /// The lock names a pid that no longer exists.
        case deadPid(Int32)
        /// The pid exists but is another process (started at another time, or another program).
        case notDagman(Int32, String)
        /// A newer DAGMan's lock (cluster id) that no process holds: DAGMan died.
        case lockReleased
        /// The lock was written before this machine last booted.
        case rebooted

        /// Whether nothing runs the workflow any more.
        public var isGone: Bool {
            switch self {
            case .alive, .otherHost: return false
            case .noLock, .deadPid, .notDagman, .lockReleased, .rebooted: return true
            }
        }
    }

    public static func verdict(directory: String) -> Verdict {
        let fm = FileManager.default
        if fm.fileExists(atPath: directory + "/monitord.done") { return .alive }
        let names = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        guard let lockName = names.first(where: { $0.hasSuffix(".dag.lock") }) else { return .noLock }
        let lockPath = directory + "/" + lockName
        // A held lock is proof on any machine (NFS passes fcntl locks on to the server).
        if DagmanLock.holder(of: lockPath) != nil { return .alive }
        if let host = RunLocation.readBraindump(in: directory)?["submit_hostname"], !ThisHost.isThisHost(host) {
            return .otherHost(host)
        }
        if let written = (try? fm.attributesOfItem(atPath: lockPath))?[.modificationDate] as? Date,
           let boot = ThisHost.bootTime(), written.timeIntervalSince1970 < boot - 1 {
            return .rebooted
        }
        switch DagmanLock.read(lockPath) {
        case .clusterID:
            return .lockReleased
        case .processID(let pid, let birthday, let precision, _):
            return check(pid: pid, birthday: birthday, precision: precision)
        case .empty:
            // DAGMan run with -AllowDuplicates writes no id: dagman.out's banner names the pid.
            let dagName = String(lockName.dropLast(".lock".count))
            guard let pid = dagmanOutPid(directory + "/" + dagName + ".dagman.out") else { return .alive }
            return check(pid: pid, birthday: nil, precision: 1)
        }
    }

    /// HTCondor's rule: the pid is DAGMan's while it exists and was not born later than the
    /// recorded birthday (within its precision). With no birthday, the program's name decides.
    static func check(pid: Int32, birthday: Int64?, precision: Int64) -> Verdict {
        guard pid > 0 else { return .alive }
        if kill(pid, 0) != 0 && errno == ESRCH { return .deadPid(pid) }
        if let birthday {
            guard let started = ThisHost.startTicks(pid) else { return .alive }
            return started > birthday + max(precision, 1) || started < birthday - max(precision, 1)
                ? .notDagman(pid, "\(processName(pid) ?? "a process") started at another time") : .alive
        }
        if let name = processName(pid), !name.hasPrefix("condor_dagman") { return .notDagman(pid, name) }
        return .alive
    }

    /// The last `** PID = N` in dagman.out (a restarted DAGMan appends a new banner).
    static func dagmanOutPid(_ path: String) -> Int32? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        // The banners sit at each start; a huge dagman.out is read only in its first 16 MiB.
        let data = (try? handle.read(upToCount: 16 << 20)) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        var pid: Int32?
        for line in text.split(separator: "\n") where line.contains("** PID = ") {
            if let r = line.range(of: "** PID = ") { pid = Int32(line[r.upperBound...].trimmingCharacters(in: .whitespaces)) ?? pid }
        }
        return pid
    }

    /// The program a pid runs (`/proc/PID/comm`), nil when it cannot be read.
    static func processName(_ pid: Int32) -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/comm") else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
