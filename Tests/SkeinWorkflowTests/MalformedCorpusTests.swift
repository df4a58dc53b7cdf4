import Foundation
import SkeinTestSupport
import SkeinWorkflow
import XCTest

/// Every case under Fixtures/malformed/ is a folder with a workflow.yml (and catalogs when
/// the case needs them; `NAME.in` templates for huge or binary files, see `CorpusTemplate`)
/// and an expect.txt listing the diagnostics it must give (`CorpusExpectation`). Every
/// expected line must be reported, and every error reported must be expected. The `rel-`
/// cases are hostile input (issue 13); `SkeinEndToEndTests/HostileCorpusTests` also runs
/// every case through the real binary under time and memory limits.
final class MalformedCorpusTests: XCTestCase {
    func testCorpusHasAtLeastEightyHostileCases() throws {
        let folders = try CorpusExpectation.caseFolders()
        XCTAssertGreaterThanOrEqual(folders.count, 30)
        XCTAssertGreaterThanOrEqual(folders.filter { $0.lastPathComponent.hasPrefix("rel-") }.count, 80)
    }

    func testEveryCaseGivesItsMessages() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-corpus-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        for folder in try CorpusExpectation.caseFolders() {
            let name = folder.lastPathComponent
            let expected = try CorpusExpectation.Case(folder: folder)
            for line in expected.unreadable { XCTFail("\(name): unreadable expect line: \(line)") }
            XCTAssertFalse(expected.expectations.isEmpty, "\(name): expect.txt lists nothing")
            let copy = scratch.appendingPathComponent(name)
            try CorpusTemplate.materialize(folder, into: copy)
            let result = WorkflowValidator.validate(WorkflowSources(workflow: copy.appendingPathComponent("workflow.yml").path))
            func matches(_ e: CorpusExpectation, _ d: Diagnostic) -> Bool {
                e.matches(file: d.file, line: d.line, column: d.column, severity: d.severity.rawValue, code: d.code, message: d.message)
            }
            let got = result.diagnostics.prefix(40).map { "\(($0.file as NSString).lastPathComponent):\($0.line):\($0.column): \($0.severity.rawValue) \($0.code): \($0.message.prefix(300))" }
            for e in expected.expectations where !result.diagnostics.contains(where: { matches(e, $0) }) {
                XCTFail("\(name): missing diagnostic\n  expected: \(e.raw)\n  got:\n    " + got.joined(separator: "\n    "))
            }
            for d in result.diagnostics.errors where !expected.expectations.contains(where: { matches($0, d) }) {
                XCTFail("\(name): unexpected error \(d.file):\(d.line):\(d.column) \(d.code): \(d.message.prefix(300))")
            }
            XCTAssertFalse(result.isValid && expected.expectations.contains { $0.severity == "error" }, "\(name) should be invalid")
        }
    }
}
