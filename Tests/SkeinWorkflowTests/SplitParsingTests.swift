import Foundation
@testable import SkeinWorkflow
import XCTest
import SkeinYAML

/// Large files are parsed in two pieces on two cores; the result must be exactly that of
/// one pass: same tree, same line numbers, same errors.
final class SplitParsingTests: XCTestCase {
    func bigWorkflow(jobs: Int, extra: (Int) -> String = { _ in "" }) -> String {
        var text = "x-pegasus: {apiLang: python}\npegasus: 5.0.4\nname: big\njobs:\n"
        for i in 0..<jobs {
            text += "- type: job\n  name: t\n  id: j\(i)\n  arguments:\n  - -i\n  - 'f\(i).in'\n  uses:\n  - lfn: f\(i).out\n    type: output\n    stageOut: true\n\(extra(i))"
        }
        text += "jobDependencies:\n- id: j0\n  children:\n  - j1\n"
        return text
    }

    func testSplitTreeEqualsSinglePassTree() throws {
        let bytes = Array(bigWorkflow(jobs: 40_000).utf8)
        XCTAssertGreaterThan(bytes.count, SplitParser.minimumSize)
        let split = try XCTUnwrap(bytes.withUnsafeBufferPointer { SplitParser.parse($0) }, "a plain big workflow is split")
        let whole = try YAMLParser.parse(bytes)
        XCTAssertEqual(split.root, whole.root)
        // Positions survive the cut: the last job's id is on the same line either way.
        guard case .mapping(let a)? = split.root, case .sequence(let jobsA)? = a["jobs"],
            case .mapping(let lastA) = jobsA.items.last!, case .mapping(let b)? = whole.root,
            case .sequence(let jobsB)? = b["jobs"], case .mapping(let lastB) = jobsB.items.last!
        else { return XCTFail("unexpected shape") }
        XCTAssertEqual(lastA["id"]!.mark.line, lastB["id"]!.mark.line)
        XCTAssertEqual(lastA["id"]!.mark.column, lastB["id"]!.mark.column)
        XCTAssertEqual(a["jobDependencies"]!.mark.line, b["jobDependencies"]!.mark.line)
    }

    func testErrorsInTheSecondPieceHaveTheirRealLines() throws {
        let text = bigWorkflow(jobs: 40_000) { $0 == 39_000 ? "  nodeLabl: oops\n" : "" }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("split-\(UUID().uuidString).yml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let expectedLine = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("  nodeLabl") }! + 1
        let loaded = WorkflowLoader.load(WorkflowSources(workflow: url.path))
        XCTAssertEqual(loaded.workflow?.jobs.count, 40_000)
        let typo = try XCTUnwrap(loaded.diagnostics.first { $0.code == "misspelt-key" })
        XCTAssertEqual(typo.line, expectedLine)
        XCTAssertEqual(typo.column, 3)
    }

    func testSyntaxErrorFallsBackToOnePassWithTheRightLine() throws {
        var text = bigWorkflow(jobs: 40_000)
        let badAt = text.range(of: "  id: j30000\n")!
        text.replaceSubrange(badAt, with: "  id: \"j30000\n")
        let bytes = Array(text.utf8)
        var report = DiagnosticCollector(file: "big.yml")
        XCTAssertNil(bytes.withUnsafeBufferPointer { DocumentReader.parse($0, into: &report) })
        let expectedLine = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "  id: \"j30000" }! + 1
        XCTAssertEqual(report.diagnostics.first?.code, "malformed-yaml")
        XCTAssertEqual(report.diagnostics.first?.line, expectedLine)
    }

    /// The streamed read (jobs decoded as they are parsed, no tree of them) gives exactly the
    /// workflow of the tree read, positions included.
    func testStreamedReadEqualsTheTreeRead() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).yml")
        try bigWorkflow(jobs: 40_000).write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let streamed = try XCTUnwrap(StreamedWorkflowReader.read(url.path), "a clean big workflow is streamed")
        var context = DecodeContext(file: url.path)
        let root = try XCTUnwrap(DocumentReader.read(url.path, into: &context.report))
        let tree = try XCTUnwrap(context.workflow(root))
        XCTAssertEqual(streamed, tree)
        XCTAssertEqual(streamed.jobs.count, 40_000)
        XCTAssertEqual(streamed.dependencies.count, 1)
        XCTAssertEqual(streamed.jobs.last!.idMark.line, tree.jobs.last!.idMark.line)
        XCTAssertEqual(streamed.jobs.last!.uses[0].mark.line, tree.jobs.last!.uses[0].mark.line)
        XCTAssertEqual(streamed.dependencies[0].parent.mark.line, tree.dependencies[0].parent.mark.line)
    }

    /// Anything that needs a message sends the file down the tree read, whose messages are exact.
    func testStreamedReadStepsAsideForAFileWithAnyMessage() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).yml")
        try bigWorkflow(jobs: 40_000) { $0 == 10 ? "  x-note: kept\n  id: again\n" : "" }.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertNil(StreamedWorkflowReader.read(url.path))
        let loaded = WorkflowLoader.load(WorkflowSources(workflow: url.path))
        XCTAssertEqual(loaded.diagnostics.first { $0.code == "duplicate-key" }?.severity, .error)
    }
}
