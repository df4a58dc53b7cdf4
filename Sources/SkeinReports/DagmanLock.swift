import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What DAGMan leaves in `NAME.dag.lock`, read as HTCondor writes it. Two formats exist:
/// - HTCondor before 24.0.21 (HTCONDOR-3739) writes a `ProcessId` record
///   (`condor_procapi/processid.cpp`, `SIGNATURE_FORMAT`):
///   `PPID = 4021\nPID = 4180\nPRECISION = 1\nTIME_UNITS_IN_SECS = 100.000000\nBDAY = 7211\nCONTROL_TIME = 0\n`
///   and, when confirmed, `CONFIRM = N\nCONTROL_TIME = 0\n`. On Linux `BDAY` is the process's
///   start in clock ticks since boot (`/proc/PID/stat` field 22) and `CONTROL_TIME` is 0.
///   An empty file when DAGMan ran with `-AllowDuplicates`.
/// - Newer HTCondor holds an fcntl write lock on the whole file for as long as DAGMan lives
///   and writes only its cluster id (`"1234\n"`): the kernel drops the lock when the process
///   dies, even by `kill -9`.
enum DagmanLock: Equatable {
    /// HTCondor's `ProcessId`: the pid with its birthday (nil when not recorded).
    case processID(pid: Int32, birthday: Int64?, precision: Int64, ticksPerSecond: Double)
    /// A newer DAGMan's cluster id (its liveness is the fcntl lock, not a pid).
    case clusterID(Int)
    /// Nothing to go by.
    case empty

    static func parse(_ text: String) -> DagmanLock {
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            // The first of a repeated key (CONTROL_TIME follows both the signature and the confirmation).
            if fields[key] == nil { fields[key] = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces) }
        }
        if let pid = fields["PID"].flatMap({ Int32($0) }) {
            return .processID(pid: pid, birthday: fields["BDAY"].flatMap { Int64($0) },
                              precision: fields["PRECISION"].flatMap { Int64($0) } ?? 1,
                              ticksPerSecond: fields["TIME_UNITS_IN_SECS"].flatMap { Double($0) } ?? 100)
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let cluster = Int(trimmed) { return .clusterID(cluster) }
        return .empty
    }

    static func read(_ path: String) -> DagmanLock {
        guard let data = FileManager.default.contents(atPath: path) else { return .empty }
        return parse(String(decoding: data.prefix(4096), as: UTF8.self))
    }

    /// The pid of the process holding an fcntl write lock on `path` (0 when it is held from
    /// another machine over NFS), nil when no one holds it or it cannot be asked.
    static func holder(of path: String) -> Int32? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var query = flock()
        query.l_type = Int16(F_WRLCK)
        query.l_whence = Int16(SEEK_SET)
        query.l_start = 0
        query.l_len = 0
        guard fcntl(fd, F_GETLK, &query) == 0, query.l_type != Int16(F_UNLCK) else { return nil }
        return query.l_pid
    }
}

/// The few facts of this machine the liveness check compares a lock with.
enum ThisHost {
    /// A process's start in clock ticks since boot (`/proc/PID/stat` field 22), as HTCondor
    /// records `BDAY` on Linux.
    static func startTicks(_ pid: Int32) -> Int64? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        // The command name (field 2) is in parentheses and may hold spaces: count after it.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 is fields[19].
        return fields.count > 19 ? Int64(fields[19]) : nil
    }

    /// When this machine booted, epoch seconds (`btime` in /proc/stat).
    static func bootTime() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }) else { return nil }
        return Double(line.dropFirst("btime ".count).trimmingCharacters(in: .whitespaces))
    }

    /// Whether `name` (a braindump's `submit_hostname`) is this machine: equal ignoring case,
    /// or equal in the first label (`workflow.isi.edu` and `workflow`).
    static func isThisHost(_ name: String) -> Bool {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return true }
        let here = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).lowercased()
        let there = name.lowercased()
        if here == there || there == "localhost" { return true }
        func short(_ s: String) -> Substring { s.split(separator: ".").first ?? Substring(s) }
        return short(here) == short(there)
    }
}
