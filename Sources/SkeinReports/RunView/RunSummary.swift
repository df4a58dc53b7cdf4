/// One row of a list of runs: a registered Skein run, a directory given on the command line,
/// or a Pegasus run found in `~/.pegasus/workflow.db`.
public struct RunSummary: Codable, Sendable, Equatable {
    public enum Origin: String, Codable, Sendable { case registry, commandLine = "command line", pegasus = "pegasus db" }

    public var directory: String
    public var label: String
    public var kind: RunLocation.Kind
    public var origin: Origin
    /// nil when the run could not be read (see `error`).
    public var condition: RunCondition?
    public var counts: StateCounts
    public var started: Double?
    public var finished: Double?
    public var error: String?

    public init(directory: String, label: String, kind: RunLocation.Kind, origin: Origin, condition: RunCondition?,
                counts: StateCounts, started: Double?, finished: Double?, error: String? = nil) {
        self.directory = directory; self.label = label; self.kind = kind; self.origin = origin; self.condition = condition
        self.counts = counts; self.started = started; self.finished = finished; self.error = error
    }

    public var phase: RunCondition.Phase { condition?.phase ?? .unknown }
    public var engineAlive: Bool { condition?.engine?.alive ?? false }
    public var stateText: String { error != nil ? "Error" : (condition?.shortText ?? "Unknown") }

    /// Seconds from start to end, or to `now` while running.
    public func wallTime(now: Double) -> Double? {
        guard let started else { return nil }
        if let finished, phase != .running { return max(0, finished - started) }
        if phase == .running { return max(0, now - started) }
        return finished.map { max(0, $0 - started) }
    }

    /// Running jobs: executing plus submitted (Skein starts what it submits).
    public var active: Int { counts.queued + counts.pre + counts.post }
    /// Waiting to start: ready and unready.
    public var waiting: Int { counts.ready + counts.unready }
}
