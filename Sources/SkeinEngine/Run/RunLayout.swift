import Foundation
import SkeinPlanner

/// Where a run keeps each attempt's files: `jobs/NNN/<id>.out.AAA` (the kickstart record,
/// Pegasus's name for it), `<id>.stdout.AAA` and `<id>.stderr.AAA` (the job's own streams).
/// Jobs are spread over folders of 1,000 so a 100,000-job run stays browsable.
public struct RunLayout: Sendable {
    public let runDirectory: String

    public init(runDirectory: String) { self.runDirectory = runDirectory }

    public func jobFolder(_ index: Int) -> String {
        (runDirectory as NSString).appendingPathComponent("jobs/" + String(format: "%03d", index / 1000))
    }

    public func record(_ index: Int, _ id: String, attempt: Int) -> String { file(index, id, "out", attempt) }
    public func stdout(_ index: Int, _ id: String, attempt: Int) -> String { file(index, id, "stdout", attempt) }
    public func stderr(_ index: Int, _ id: String, attempt: Int) -> String { file(index, id, "stderr", attempt) }

    /// The same paths relative to the run directory, as provenance stores them.
    public func relative(_ path: String) -> String {
        path.hasPrefix(runDirectory + "/") ? String(path.dropFirst(runDirectory.count + 1)) : path
    }

    public var journal: String { (runDirectory as NSString).appendingPathComponent("engine.journal") }
    public var engineLog: String { (runDirectory as NSString).appendingPathComponent("engine.log") }
    public var lockFile: String { (runDirectory as NSString).appendingPathComponent("engine.lock") }
    public var controlDirectory: String { (runDirectory as NSString).appendingPathComponent("control") }

    private func file(_ index: Int, _ id: String, _ kind: String, _ attempt: Int) -> String {
        (jobFolder(index) as NSString).appendingPathComponent("\(id).\(kind).\(String(format: "%03d", attempt))")
    }
}
