#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinWorkflow
import SkeinYAML

/// Reads the few fields of a kickstart record the engine needs when a wrapper wrote it on
/// another node: how the job ended, when, where, and its resource usage.
enum KickstartRecordReader {
    struct Facts {
        var exit: ProcessExit
        var hostname: String?
    }

    static func read(_ path: String) -> Facts? {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        guard let result = try? YAMLParser.parse([UInt8](data)),
            case .sequence(let records)? = result.root, case .mapping(let record)? = records.items.first,
            case .mapping(let main)? = record["mainjob"]
        else { return nil }
        func text(_ node: YAMLNode?) -> String? {
            if case .scalar(let s)? = node { return s.value }
            return nil
        }
        var raw: Int32 = 0
        var spawnError: Int32?
        if case .mapping(let status)? = main["status"] {
            raw = Int32(text(status["raw"]) ?? "") ?? 0
            if status["failure_error"] != nil { spawnError = ENOENT }
        }
        let start = text(main["start"]).flatMap(parseISO) ?? 0
        let duration = Double(text(main["duration"]) ?? "") ?? 0
        var usage = rusage()
        if case .mapping(let u)? = main["usage"] {
            usage.ru_utime = timeval(seconds: Double(text(u["utime"]) ?? "") ?? 0)
            usage.ru_stime = timeval(seconds: Double(text(u["stime"]) ?? "") ?? 0)
            usage.ru_maxrss = Int(text(u["maxrss"]) ?? "") ?? 0
        }
        let pid = pid_t(text(main["pid"]) ?? "") ?? 0
        let exit = ProcessExit(pid: pid, rawStatus: raw, usage: usage, start: start, end: start + duration, spawnError: spawnError)
        return Facts(exit: exit, hostname: text(record["hostname"]) ?? text(record["hostaddr"]))
    }

    /// `2026-11-21T08:06:43.023+00:00`
    static func parseISO(_ text: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}

extension timeval {
    init(seconds: Double) {
        self.init(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
    }
}
