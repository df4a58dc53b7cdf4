import SkeinText

/// `SKEIN_PLAN_TIMINGS=1`: one line per planning pass on stderr (`StepTimings`), so a slow or
/// large plan shows which pass costs what. Off by default: planning prints nothing of its own.
public struct PlanTimings {
    public static let variable = "SKEIN_PLAN_TIMINGS"
    private var timings: StepTimings

    public init() { timings = StepTimings(label: "plan", variable: Self.variable) }

    public mutating func step(_ step: String) { timings.step(step) }
}
