import SkeinYAML
import XCTest

/// Hostile YAML (issue 13, item 13): deep nesting, alias bombs and second documents are
/// errors at their position, found without deep recursion.
final class HostileYAMLTests: XCTestCase {
    func error(_ text: String) -> YAMLSyntaxError? {
        do { _ = try YAMLParser.parse(Array(text.utf8)); return nil } catch { return error }
    }

    func testDeepBlockSequenceIsAnErrorNotACrash() throws {
        let text = String(repeating: "- ", count: 100_000) + "x\n"
        let failure = try XCTUnwrap(error(text))
        XCTAssertTrue(failure.message.contains("nested deeper than \(YAMLParser.maxDepth)"), failure.message)
        XCTAssertEqual(failure.mark.line, 1)
        XCTAssertEqual(failure.mark.column, 2 * YAMLParser.maxDepth + 1)
    }

    func testDeepFlowSequenceIsAnError() throws {
        let text = String(repeating: "[", count: 120_000) + String(repeating: "]", count: 120_000)
        XCTAssertTrue(try XCTUnwrap(error(text)).message.contains("nested deeper"))
    }

    func testNestingWithinTheLimitIsRead() throws {
        let depth = YAMLParser.maxDepth - 1
        let text = String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        XCTAssertNotNil(try YAMLParser.parse(Array(text.utf8)).root)
    }

    func testBillionLaughsIsAnErrorAtTheAlias() throws {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let failure = try XCTUnwrap(error(text))
        XCTAssertTrue(failure.message.contains("aliases expand to more than"), failure.message)
        XCTAssertGreaterThan(failure.mark.line, 5)
    }

    func testModestAliasesAreRead() throws {
        let text = "base: &b {a: 1, b: 2}\n" + (0..<1000).map { "k\($0): *b\n" }.joined()
        XCTAssertNotNil(try YAMLParser.parse(Array(text.utf8)).root)
    }

    func testASecondDocumentIsAnError() throws {
        let failure = try XCTUnwrap(error("a: 1\n---\nb: 2\n"))
        XCTAssertTrue(failure.message.contains("second YAML document"), failure.message)
        XCTAssertEqual(failure.mark.line, 2)
        XCTAssertNil(error("---\na: 1\n...\n"), "one document with its markers is fine")
        XCTAssertNotNil(try YAMLParser.parse(Array("a: 1\n---\nb: 2\n".utf8), secondDocument: .ignore).root)
    }
}
