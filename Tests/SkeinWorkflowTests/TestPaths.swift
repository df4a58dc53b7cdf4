import Foundation
import SkeinTestSupport

/// Where the Pegasus fixtures and the project's own examples are, found from this file so
/// tests run from any working directory.
enum TestPaths {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let pegasusAPI = TestFixtures.pegasusAPI
    static let examples = repository.appendingPathComponent("Examples")

    static func fixture(_ name: String, _ file: String = "workflow.yml") -> String {
        pegasusAPI.appendingPathComponent(name).appendingPathComponent(file).path
    }
}
