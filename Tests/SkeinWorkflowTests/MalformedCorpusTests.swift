import Foundation
import SkeinWorkflow
import XCTest

/// Every case under Fixtures/malformed/ is a folder with a workflow.yml (and catalogs when
/// the case needs them) and an expect.txt listing the diagnostics it must give, one a line:
///
///     workflow.yml:12:5: error duplicate-job-id: job id 'b' is used twice
///
/// (file, line, column, severity, code, and a substring of the message). Every expected
/// line must be reported, and every error reported must be expected.
final class MalformedCorpusTests: XCTestCase {
    struct Expectation {
        var file: String, line: Int, column: Int, severity: String, code: String, message: String
        var raw: String

        init?(_ line: Substring) {
            raw = String(line)
            // FILE:LINE:COL: SEVERITY CODE: MESSAGE
            let parts = line.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
            guard parts.count == 5, let l = Int(parts[1]), let c = Int(parts[2]) else { return nil }
            let head = parts[3].split(separator: " ", omittingEmptySubsequences: true)
            guard head.count == 2 else { return nil }
            file = String(parts[0]); self.line = l; column = c
            severity = String(head[0]); code = String(head[1])
            message = parts[4].trimmingCharacters(in: .whitespaces)
        }

        func matches(_ d: Diagnostic) -> Bool {
            (d.file as NSString).lastPathComponent == file && d.line == line && d.column == column
                && d.severity.rawValue == severity && d.code == code && d.message.contains(message)
        }
    }

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/malformed")

    func caseFolders() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: Self.corpus, includingPropertiesForKeys: nil)
            .filter { $0.hasDirectoryPath }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testCorpusHasAtLeastThirtyCases() throws {
        XCTAssertGreaterThanOrEqual(try caseFolders().count, 30)
    }

    func testEveryCaseGivesItsMessages() throws {
        for folder in try caseFolders() {
            let name = folder.lastPathComponent
            let expectText = try String(contentsOf: folder.appendingPathComponent("expect.txt"), encoding: .utf8)
            let expectations = expectText.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { line -> Expectation in
                guard let e = Expectation(line) else {
                    XCTFail("\(name): unreadable expect line: \(line)")
                    return Expectation("x:0:0: error x: x")!
                }
                return e
            }
            XCTAssertFalse(expectations.isEmpty, "\(name): expect.txt lists nothing")
            let result = WorkflowValidator.validate(WorkflowSources(workflow: folder.appendingPathComponent("workflow.yml").path))
            let got = result.diagnostics.map { "\(($0.file as NSString).lastPathComponent):\($0.line):\($0.column): \($0.severity.rawValue) \($0.code): \($0.message)" }
            for e in expectations where !result.diagnostics.contains(where: e.matches) {
                XCTFail("\(name): missing diagnostic\n  expected: \(e.raw)\n  got:\n    " + got.joined(separator: "\n    "))
            }
            for d in result.diagnostics.errors where !expectations.contains(where: { $0.matches(d) }) {
                XCTFail("\(name): unexpected error \(d.file):\(d.line):\(d.column) \(d.code): \(d.message)")
            }
            XCTAssertFalse(result.isValid && expectations.contains { $0.severity == "error" }, "\(name) should be invalid")
        }
    }
}
