import Foundation

/// `SKEIN_REPORT_TIMINGS=1`: one line per step of reading a report on stderr (its wall and
/// CPU seconds, resident and peak memory after it), as `SKEIN_PLAN_TIMINGS` does for
/// planning, so a slow report on a huge run shows which read costs what.
public struct ReportTimings {
    public static let variable = "SKEIN_REPORT_TIMINGS"
    public static let enabled = ProcessInfo.processInfo.environment[variable].map { !$0.isEmpty && $0 != "0" } ?? false
    nonisolated(unsafe) private static var wall = Date()
    nonisolated(unsafe) private static var cpu = 0.0

    /// Reports `step` as the time since the previous step (the first step: since the first
    /// use, CPU since the process started). CPU time is the whole process's, every thread.
    public static func step(_ step: String) {
        guard enabled else { return }
        let since = wall, sinceCPU = cpu
        let now = Date(), nowCPU = cpuSeconds()
        let memory = memoryMiB()
        let line = String(format: "report timing: %-24@ %7.3f s wall %7.3f s cpu  rss %6d MiB  peak %6d MiB\n",
                          step as NSString, now.timeIntervalSince(since), nowCPU - sinceCPU, memory.rss, memory.peak)
        FileHandle.standardError.write(Data(line.utf8))
        wall = now
        cpu = nowCPU
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func memoryMiB() -> (rss: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func value(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
            return (Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0) / 1024
        }
        return (value("VmRSS:"), value("VmHWM:"))
    }
}
