import Foundation

/// A run's folder, `BASE/<label>/runNNNN`, numbered like pegasus-plan's, holding the plan,
/// the provenance database, job records and logs.
public struct RunDirectory: Sendable {
    public static let planFileName = "plan.json"

    public let path: String

    public init(path: String) { self.path = path }

    /// Creates the next free `runNNNN` under `base/label`. Safe against concurrent planners:
    /// `mkdir` either creates a number or fails because another took it.
    public static func create(base: String, label: String) throws -> RunDirectory {
        let parent = ((base as NSString).appendingPathComponent(label) as NSString).standardizingPath
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        var number = (existing.compactMap { $0.hasPrefix("run") ? Int($0.dropFirst(3)) : nil }.max() ?? 0) + 1
        while true {
            let candidate = (parent as NSString).appendingPathComponent(String(format: "run%04d", number))
            if mkdir(candidate, 0o755) == 0 {
                return RunDirectory(path: absolute(candidate))
            }
            guard errno == EEXIST else {
                throw PlanError(messages: ["cannot create run directory \(candidate): \(String(cString: strerror(errno)))"])
            }
            number += 1
        }
    }

    public var planFile: String { file(Self.planFileName) }

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    public func write(_ plan: ExecutablePlan) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(plan)
        // Written to a temporary name and renamed, so a reader never sees half a plan.
        let temporary = planFile + ".tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, planFile) == 0 else {
            throw PlanError(messages: ["cannot write \(planFile): \(String(cString: strerror(errno)))"])
        }
    }

    public func readPlan() throws -> ExecutablePlan {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: planFile), options: .alwaysMapped) else {
            throw PlanError(messages: ["\(path) is not a Skein run directory (no \(Self.planFileName))"])
        }
        let plan = try PlanReader.read(data)
        guard plan.formatVersion == ExecutablePlan.formatVersion else {
            throw PlanError(messages: ["\(planFile) was written by another Skein version (format \(plan.formatVersion))"])
        }
        return plan
    }

    public static func isRunDirectory(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(planFileName))
    }

    public static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }
}
