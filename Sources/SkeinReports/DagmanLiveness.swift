import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether a Pegasus run's DAGMan still runs, decided as Pegasus decides it: DAGMan names
/// its pid in `NAME.dag.lock` (HTCondor's process id record, the pid first) and on the
/// `** PID = N` line of `NAME.dag.dagman.out`; pegasus-monitord sends that pid signal 0 and
/// declares "DAGMan is gone! Sudden death syndrome" when no such process exists. A lock file
/// left behind by a `kill -9`'d DAGMan thus no longer keeps a dead run "Running"; a pid
/// taken over by another program (pid reuse) is not DAGMan either.
public enum DagmanLiveness {
    public enum Verdict: Equatable, Sendable {
        /// monitord.done is there, or DAGMan's pid is alive and is condor_dagman (or cannot
        /// be checked: another user's process, /proc unreadable).
        case alive
        /// No lock file: DAGMan removes it when it ends.
        case noLock
        /// The lock names a pid that no longer exists.
        case deadPid(Int32)
        /// The pid exists but runs another program (it was reused).
        case notDagman(Int32, String)
    }

    public static func verdict(directory: String) -> Verdict {
        let fm = FileManager.default
        if fm.fileExists(atPath: directory + "/monitord.done") { return .alive }
        let names = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        guard let lock = names.first(where: { $0.hasSuffix(".dag.lock") }) else { return .noLock }
        let dagName = String(lock.dropLast(".lock".count))
        let pid = lockPid(directory + "/" + lock) ?? dagmanOutPid(directory + "/" + dagName + ".dagman.out")
        guard let pid, pid > 0 else { return .alive }  // a lock without a pid: trust the lock
        if kill(pid, 0) != 0 && errno == ESRCH { return .deadPid(pid) }
        if let name = processName(pid), !name.hasPrefix("condor_dagman") { return .notDagman(pid, name) }
        return .alive
    }

    /// The first number in the lock file (HTCondor writes "pid ppid precision ...").
    static func lockPid(_ path: String) -> Int32? {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data.prefix(4096), encoding: .utf8) else { return nil }
        return text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).lazy.compactMap { Int32($0) }.first
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
