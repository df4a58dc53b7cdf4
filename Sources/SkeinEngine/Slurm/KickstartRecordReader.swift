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
        guard let record = try? KickstartRecord.read(path), let main = record.invocations.first, main.rawStatus != nil || main.failure != nil else {
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

extension timeval {
    init(seconds: Double) {
        self.init(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
    }
}
