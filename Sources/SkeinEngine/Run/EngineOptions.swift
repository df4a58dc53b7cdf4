/// How one engine runs a plan.
public struct EngineOptions: Sendable {
    /// Jobs running at once (slots); the number of cores by default.
    public var maxJobs: Int
    /// `dagman.CATEGORY` limits: category -> jobs at once.
    public var categoryLimits: [String: Int]
    /// How often the control directory is checked for commands.
    public var controlPollInterval: Double
    /// Seconds between SIGTERM and SIGKILL when the engine kills a job.
    public var killGrace: Double

    public init(maxJobs: Int, categoryLimits: [String: Int] = [:], controlPollInterval: Double = 0.2, killGrace: Double = 5) {
        self.maxJobs = maxJobs
        self.categoryLimits = categoryLimits
        self.controlPollInterval = controlPollInterval
        self.killGrace = killGrace
    }
}
