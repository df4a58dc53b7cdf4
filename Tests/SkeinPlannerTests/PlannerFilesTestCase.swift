import Foundation
import XCTest

/// What the planner tests on real files share: a scratch folder of the test's own for the
/// workflow and its catalogs, removed afterwards, and writing a file into it.
class PlannerFilesTestCase: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-planner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// Writes `text` to `name` in the scratch folder (its folders made as needed).
    func write(_ name: String, _ text: String) throws {
        let file = scratch.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
    }
}
