import Foundation
import SkeinPlanner
import SkeinProperties
import SkeinRunFormat

/// Where a new run goes, as pegasus-plan names its submit directory under `--dir`:
/// `--relative-dir` exactly, else `<label>/runNNNN`, or `<label>/<timestamp>` with
/// `pegasus.dir.useTimestamp=true`.
enum RunFolder {
    static func create(_ options: PlanOptions, label: String, properties: PegasusProperties, now: Double) throws -> RunDirectory {
        if let relative = options.relativeDirectory {
            let path = (options.baseDirectory as NSString).appendingPathComponent(relative)
            guard let created = try RunDirectory.create(exactly: path) else {
                throw RunsError("the run folder \(path) (--dir with --relative-dir) already exists; give another --relative-dir")
            }
            return created
        }
        if properties["pegasus.dir.useTimestamp"]?.trimmingCharacters(in: .whitespaces).lowercased() == "true" {
            let parent = ((options.baseDirectory as NSString).appendingPathComponent(label) as NSString)
            let stamp = PegasusSubmitFiles.isodate(now, short: true)
            // Two plans in the same second get a suffix, as no run may reuse a folder.
            for suffix in [""] + (1...99).map({ ".\($0)" }) {
                if let created = try RunDirectory.create(exactly: parent.appendingPathComponent(stamp + suffix)) { return created }
            }
            throw RunsError("cannot find a free timestamped run folder under \(parent)")
        }
        return try RunDirectory.create(base: options.baseDirectory, label: label)
    }

    /// Undoes a plan that failed: the run folder and the scratch folders it made.
    static func remove(_ runDirectory: String, scratch: [String]) {
        for folder in scratch { try? FileManager.default.removeItem(atPath: folder) }
        try? FileManager.default.removeItem(atPath: runDirectory)
    }
}
