import Foundation
import SkeinText

/// `SKEIN_REPORT_TIMINGS=1`: one line per step of reading a report on stderr (`StepTimings`),
/// as `SKEIN_PLAN_TIMINGS` does for planning, so a slow report on a huge run shows which read
/// costs what. One process-wide series: a report's steps run on one thread.
public enum ReportTimings {
    public static let variable = "SKEIN_REPORT_TIMINGS"
    nonisolated(unsafe) private static var timings = StepTimings(label: "report", variable: variable, cpuSinceProcessStart: true)

    /// Reports `step` as the time since the previous step (the first: wall time since the first
    /// use, CPU time since the process started).
    public static func step(_ step: String) { timings.step(step) }
}
