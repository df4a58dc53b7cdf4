import Foundation
import XCTest
import SkeinTestSupport
@testable import SkeinProvenance

/// Paths and temp folders shared by the SkeinProvenance tests.
enum TestPaths {
    /// The repository root, from this file's location (Tests/SkeinProvenanceTests/...).
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var schemaMarkdown: URL { TestFixtures.stampedeSchema }
    static var fixtureRuns: URL { TestFixtures.pegasusRuns }

    /// A fresh empty folder under the system temp dir, removed when the test ends.
    static func tempDir(_ test: XCTestCase, _ name: String = "prov") throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("skein-\(name)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }
}

extension SQLiteDatabase {
    /// Integer result of a one-value query (tests only).
    func int(_ sql: String, _ values: [any SQLiteBindable] = []) throws -> Int64? {
        try scalar(sql, values).int
    }
}
