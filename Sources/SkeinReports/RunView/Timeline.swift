/// One attempt on a run's timeline: when it was submitted and how long it took.
public struct TimelineBar: Codable, Sendable, Equatable {
    public var job: String
    /// The task's transformation (the job type for auxiliary jobs, which have no task).
    public var transformation: String
    public var attempt: Int
    public var start: Double
    public var duration: Double
    /// nil while it runs.
    public var exitCode: Int?

    public init(job: String, transformation: String, attempt: Int, start: Double, duration: Double, exitCode: Int?) {
        self.job = job; self.transformation = transformation; self.attempt = attempt
        self.start = start; self.duration = duration; self.exitCode = exitCode
    }
}

/// Every attempt of a run (all its workflows) that has started, sorted by start, and the
/// span they cover.
public struct Timeline: Codable, Sendable, Equatable {
    public var bars: [TimelineBar]
    public var start: Double
    public var end: Double

    public init(bars: [TimelineBar], start: Double, end: Double) {
        self.bars = bars; self.start = start; self.end = end
    }
}
