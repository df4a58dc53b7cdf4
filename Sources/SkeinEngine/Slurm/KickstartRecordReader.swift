#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinRunFormat

/// What the engine needs of a kickstart record a wrapper wrote on another node: how the job
/// ended, when, where, and its resource usage, as a `ProcessExit`. The record itself is read
/// by SkeinRunFormat's one reader.
enum KickstartRecordReader {
    struct Facts {
        var exit: ProcessExit
        var hostname: String?
    }

    static func read(_ path: String) -> Facts? {
        guard let record = try? KickstartRecord.read(path) else { return nil }
        if record.clusterSummary != nil || !record.clusterTasks.isEmpty { return cluster(record) }
        guard let main = record.invocations.first, main.rawStatus != nil || main.failure != nil else {
            return nil
        }
        let start = (main.mainStart ?? main.start).flatMap(KickstartRecord.epoch) ?? 0
        let duration = main.mainDuration ?? main.duration ?? 0
        var usage = rusage()
        usage.ru_utime = timeval(seconds: main.utime ?? 0)
        usage.ru_stime = timeval(seconds: main.stime ?? 0)
        usage.ru_maxrss = main.maxrssKB ?? 0
        let exit = ProcessExit(
            pid: pid_t(main.mainPID ?? 0), rawStatus: Int32(main.rawStatus ?? 0), usage: usage, start: start, end: start + duration,
            spawnError: main.failure != nil ? ENOENT : nil)
        return Facts(exit: exit, hostname: main.hostname ?? main.hostaddr)
    }
}

extension KickstartRecordReader {
    /// A clustered job's record: its summary line is the verdict (pegasus-cluster exits 5 when
    /// a task failed), its start and duration the cluster's; without a summary the cluster
    /// did not finish, and the record does not say how it ended.
    static func cluster(_ record: KickstartRecord) -> Facts? {
        guard let summary = record.clusterSummary else { return nil }
        let start = summary["start"].flatMap(KickstartRecord.epoch) ?? 0
        let duration = summary["duration"].flatMap(Double.init) ?? 0
        var usage = rusage()
        usage.ru_utime = timeval(seconds: record.invocations.compactMap(\.utime).reduce(0, +))
        usage.ru_stime = timeval(seconds: record.invocations.compactMap(\.stime).reduce(0, +))
        usage.ru_maxrss = record.invocations.compactMap(\.maxrssKB).max() ?? 0
        let exit = ProcessExit(pid: pid_t(summary["pid"].flatMap { Int($0) } ?? 0), rawStatus: summary.succeeded ? 0 : 5 << 8, usage: usage,
                               start: start, end: start + duration)
        let first = record.invocations.first
        return Facts(exit: exit, hostname: first?.hostname ?? first?.hostaddr)
    }
}

extension timeval {
    init(seconds: Double) {
        self.init(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
    }
}
