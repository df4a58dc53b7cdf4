import SkeinWorkflow
import SkeinYAML
import XCTest

/// `Job` and `FileUse` keep their rarely written fields in a shared box (to stay small in
/// million-job workflows): they must still behave as plain values.
final class CompactModelTests: XCTestCase {
    func testAFileUseCopyChangesAloneAndEqualityComparesEveryField() {
        var original = FileUse("f.txt", .input)
        original.size = "28"
        var copy = original
        copy.size = "29"
        copy.metadata.append(Attribute("k", "v"))
        XCTAssertEqual(original.size, "28")
        XCTAssertEqual(original.metadata, [])
        XCTAssertEqual(copy.size, "29")
        XCTAssertEqual(copy.metadata, [Attribute("k", "v")])
        XCTAssertNotEqual(original, copy)

        var plain = FileUse("f.txt", .input)
        plain.namespace = nil
        plain.extensions = []
        XCTAssertEqual(plain, FileUse("f.txt", .input))
        plain.version = "1"
        XCTAssertNotEqual(plain, FileUse("f.txt", .input))
        plain.version = nil
        XCTAssertEqual(plain, FileUse("f.txt", .input), "a box holding only nils equals no box")
    }

    func testAJobCopyChangesAloneAndKeepsItsStdioMarks() {
        var original = Job(id: "a", name: "t")
        original.stdin = "in.txt"
        original.stdinMark = SourceMark(line: 7, column: 3)
        var copy = original
        copy.stdin = "other.txt"
        copy.hooks = Hooks(shell: [ShellHook(on: .end, command: "/bin/true")])
        XCTAssertEqual(original.stdin, "in.txt")
        XCTAssertEqual(original.stdinMark.line, 7)
        XCTAssertTrue(original.hooks.isEmpty)
        XCTAssertEqual(copy.stdin, "other.txt")
        XCTAssertEqual(copy.stdinMark.column, 3)
        XCTAssertNotEqual(original, copy)
        XCTAssertEqual(Job(id: "a", name: "t"), Job(id: "a", name: "t"))
    }

    func testASourceMarkHoldsLargeLinesAndClampsWhatNoFileHas() {
        XCTAssertEqual(SourceMark(line: 25_000_000, column: 120).line, 25_000_000)
        XCTAssertEqual(SourceMark(line: -1, column: 1).line, 0)
        XCTAssertEqual(MemoryLayout<SourceMark>.size, 8)
    }
}
