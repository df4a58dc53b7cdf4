import Foundation

/// `SKEIN_PLAN_TIMINGS=1`: one line per planning step on stderr (its wall and CPU seconds,
/// the resident and peak memory after it), so a slow or large plan shows which pass costs
/// what without a profiler. Off by default: planning prints nothing of its own.
public struct PlanTimings {
    public static let variable = "SKEIN_PLAN_TIMINGS"
    let enabled: Bool
    private var wall = Date()
    private var cpu = PlanTimings.cpuSeconds()

    public init(enabled: Bool = ProcessInfo.processInfo.environment[PlanTimings.variable].map { !$0.isEmpty && $0 != "0" } ?? false) {
        self.enabled = enabled
    }

    /// Reports `step` as the time since the previous step (or since `init`).
    public mutating func step(_ step: String) {
        guard enabled else { return }
        let now = Date(), nowCPU = Self.cpuSeconds()
        let memory = Self.memoryMiB()
        let line = String(format: "plan timing: %-22@ %7.2f s wall %7.2f s cpu  rss %6d MiB  peak %6d MiB\n",
                          step as NSString, now.timeIntervalSince(wall), nowCPU - cpu, memory.rss, memory.peak)
        FileHandle.standardError.write(Data(line.utf8))
        wall = now
        cpu = nowCPU
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// VmRSS and VmHWM of this process, from /proc (0 where there is none).
    static func memoryMiB() -> (rss: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func value(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
            return (Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0) / 1024
        }
        return (value("VmRSS:"), value("VmHWM:"))
    }
}
