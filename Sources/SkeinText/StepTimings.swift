import Foundation

/// The `SKEIN_*_TIMINGS` lines on stderr: one per step of a long command (its wall and CPU
/// seconds, the resident and peak memory after it), so a slow step of a huge plan or report
/// shows without a profiler. Shared by the planner's and the reports' timings, which differ
/// only in their variable and label.
public struct StepTimings {
    public let enabled: Bool
    private let label: String
    private var wall = Date()
    private var cpu = StepTimings.cpuSeconds()

    /// Enabled when `variable` is set to anything but empty or `0`. With `cpuSinceProcessStart`
    /// the first step's CPU time counts from the process's start (its start-up included).
    public init(label: String, variable: String, cpuSinceProcessStart: Bool = false) {
        self.label = label
        enabled = ProcessInfo.processInfo.environment[variable].map { !$0.isEmpty && $0 != "0" } ?? false
        if cpuSinceProcessStart { cpu = 0 }
    }

    /// Reports `step` as the time since the previous step (or since `init`). CPU time is the
    /// whole process's, every thread.
    public mutating func step(_ step: String) {
        guard enabled else { return }
        let now = Date(), nowCPU = Self.cpuSeconds()
        let memory = Self.memoryMiB()
        let line = String(format: "%@ timing: %-24@ %7.3f s wall %7.3f s cpu  rss %6d MiB  peak %6d MiB\n",
                          label as NSString, step as NSString, now.timeIntervalSince(wall), nowCPU - cpu, memory.rss, memory.peak)
        FileHandle.standardError.write(Data(line.utf8))
        wall = now
        cpu = nowCPU
    }

    /// User plus system time of this process so far.
    public static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// VmRSS and VmHWM of this process, from /proc (0 where there is none).
    public static func memoryMiB() -> (rss: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func value(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
            return (Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0) / 1024
        }
        return (value("VmRSS:"), value("VmHWM:"))
    }
}
