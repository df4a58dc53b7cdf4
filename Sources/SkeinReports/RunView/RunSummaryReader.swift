import Foundation

/// Reads one `RunSummary` (the status report's condition and totals, without the jobs). A
/// run that cannot be read still gets a row, saying why.
public enum RunSummaryReader {
    /// What the registry knows of a run, for when the run itself cannot tell.
    public struct Hint: Sendable, Equatable {
        public var label: String
        public var started: Double
        public var finished: Double?
        public init(label: String, started: Double, finished: Double?) { self.label = label; self.started = started; self.finished = finished }
    }

    /// The summary of the run in `directory`, and where its data was found (nil when it was
    /// not), so a caller can watch those files for changes.
    public static func read(_ directory: String, origin: RunSummary.Origin, hint: Hint? = nil,
                            now: Double = Date().timeIntervalSince1970) -> (RunSummary, RunLocation?) {
        let fallbackLabel = hint?.label ?? (directory as NSString).lastPathComponent
        guard FileManager.default.fileExists(atPath: directory) else {
            return (RunSummary(directory: directory, label: fallbackLabel, kind: .skein, origin: origin, condition: nil, counts: StateCounts(),
                               started: hint?.started, finished: hint?.finished, error: "the run directory is gone"), nil)
        }
        do {
            let location = try RunLocation.locate(directory)
            let report = try StatusReader.read(location, includeJobs: false, now: now)
            let started = report.condition.started ?? hint?.started
            let finished = report.condition.finished ?? hint?.finished
            return (RunSummary(directory: directory, label: report.label, kind: report.kind, origin: origin, condition: report.condition,
                               counts: report.totals, started: started, finished: finished), location)
        } catch {
            return (RunSummary(directory: directory, label: fallbackLabel, kind: .pegasus, origin: origin, condition: nil, counts: StateCounts(),
                               started: hint?.started, finished: hint?.finished, error: "\(error)"), nil)
        }
    }
}
