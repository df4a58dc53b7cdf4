import Foundation

/// The Pegasus fixtures the tests read, kept in the repository (`Tests/Fixtures/`) so a plain
/// clone passes its tests: real kickstart records, workflows written by the Pegasus Python
/// API, real submit directories with what Pegasus's own tools print for them, and the
/// stampede schema reference.
public enum TestFixtures {
    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let root = repository.appendingPathComponent("Tests/Fixtures")
    public static let kickstart = root.appendingPathComponent("kickstart")
    public static let pegasusAPI = root.appendingPathComponent("pegasus-api")
    public static let pegasusRuns = root.appendingPathComponent("pegasus-runs")
    public static let stampedeSchema = root.appendingPathComponent("reference/stampede-schema-v14.md")
}

/// A real part a test needs (Slurm, tmux, Pegasus's tools, a built helper) is missing.
/// Outside CI the test is skipped with the reason; under `CI=true` it fails, so CI cannot
/// go green without exercising the part.
public struct MissingRealPart: Error, CustomStringConvertible {
    public let description: String

    public init(_ why: String) { description = "required under CI=true: \(why)" }

    /// True where a missing part must fail the test instead of skipping it.
    public static var mustFail: Bool {
        let ci = ProcessInfo.processInfo.environment["CI"]?.lowercased()
        return ci == "true" || ci == "1"
    }
}
