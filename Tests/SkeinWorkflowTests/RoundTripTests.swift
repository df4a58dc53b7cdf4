import Foundation
import SkeinWorkflow
import XCTest

/// Read, write, read again: the model must not change, for the real API's files and for
/// the bundled examples.
final class RoundTripTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-roundtrip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func roundTrip(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let first = WorkflowLoader.load(WorkflowSources(workflow: path))
        let wf = try XCTUnwrap(first.workflow, file: file, line: line)
        let out = scratch.appendingPathComponent("workflow.yml")
        try WorkflowWriter.yaml(wf).write(to: out, atomically: true, encoding: .utf8)
        if let sites = first.sites { try WorkflowWriter.yaml(sites).write(to: scratch.appendingPathComponent("sites.yml"), atomically: true, encoding: .utf8) }
        if let tc = first.transformations { try WorkflowWriter.yaml(tc).write(to: scratch.appendingPathComponent("transformations.yml"), atomically: true, encoding: .utf8) }
        if let rc = first.replicas { try WorkflowWriter.yaml(rc).write(to: scratch.appendingPathComponent("replicas.yml"), atomically: true, encoding: .utf8) }

        let second = WorkflowLoader.load(WorkflowSources(workflow: out.path))
        XCTAssertEqual(second.diagnostics, [], "rewritten file reads cleanly: \(path)", file: file, line: line)
        XCTAssertEqual(second.workflow, wf, "workflow round trip: \(path)", file: file, line: line)
        XCTAssertEqual(second.sites, first.sites, "sites round trip: \(path)", file: file, line: line)
        XCTAssertEqual(second.transformations, first.transformations, "transformations round trip: \(path)", file: file, line: line)
        XCTAssertEqual(second.replicas, first.replicas, "replicas round trip: \(path)", file: file, line: line)
    }

    func testPegasusAPIFixtures() throws {
        for name in ["diamond", "split_merge", "pipeline"] {
            try roundTrip(TestPaths.fixture(name))
            try roundTrip(TestPaths.fixture(name, "workflow-embedded.yml"))
        }
    }

    func testBundledExamples() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: TestPaths.examples.path)
            .filter { FileManager.default.fileExists(atPath: TestPaths.examples.appendingPathComponent($0).appendingPathComponent("workflow.yml").path) }
        XCTAssertGreaterThanOrEqual(names.count, 5)
        for name in names {
            try roundTrip(TestPaths.examples.appendingPathComponent(name).appendingPathComponent("workflow.yml").path)
        }
    }

    func testWriterOutputMatchesThePegasusAPILayout() throws {
        // Written back, the API's own diamond is the same text apart from scalar quoting.
        let path = TestPaths.fixture("diamond")
        let wf = try XCTUnwrap(WorkflowLoader.load(WorkflowSources(workflow: path)).workflow)
        let written = WorkflowWriter.yaml(wf).split(separator: "\n").map { $0.replacingOccurrences(of: "'", with: "") }
        let original = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.replacingOccurrences(of: "'", with: "") }
        XCTAssertEqual(written, original)
    }

    func testUnknownKeysAndExtensionsSurvive() throws {
        let yaml = """
            x-pegasus: {apiLang: python}
            pegasus: '5.1'
            name: w
            x-lab: {owner: me}
            jobs:
            - type: job
              name: t
              id: a
              arguments: [1, 2.5, x]
              uses: []
              futureKey: [1, 2]
              profiles:
                custom: {k: v}
            """
        let path = scratch.appendingPathComponent("in.yml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        let loaded = WorkflowLoader.load(WorkflowSources(workflow: path.path))
        let wf = try XCTUnwrap(loaded.workflow)
        XCTAssertEqual(wf.pegasusVersion, "5.1")
        XCTAssertEqual(wf.jobs[0].arguments, ["1", "2.5", "x"])
        XCTAssertEqual(wf.jobs[0].extensions.map(\.key.value), ["futureKey"])
        XCTAssertEqual(wf.jobs[0].profiles.value("custom", "k"), "v")
        XCTAssertEqual(Set(loaded.diagnostics.map(\.code)), ["unknown-key", "unknown-profile-namespace"])
        let text = WorkflowWriter.yaml(wf)
        XCTAssertTrue(text.hasPrefix("x-pegasus:\n  apiLang: python\npegasus: '5.1'\n"), text)
        XCTAssertTrue(text.contains("x-lab:\n  owner: me\n"), text)
        XCTAssertTrue(text.contains("  futureKey:\n  - 1\n  - 2\n"), text)
        XCTAssertTrue(text.contains("  - '1'\n  - '2.5'\n  - x\n"), text)
    }
}
