import Foundation
import XCTest
import SkeinRunFormat
import SkeinProvenance
@testable import SkeinReports

/// A live engine that took a halt is "Halting (N running)" until it ends, in the status and
/// in the run views; a resume after the halt makes it Running again.
final class HaltingConditionTests: XCTestCase {
    func testAHaltTakenByTheLiveEngineReadsHaltingWithTheJobsStillRunning() throws {
        let run = try RunBuilder(dir: try Paths.temp(self, "halting"), jobs: [("long", [], 0), ("after", ["long"], 0)])
        _ = run.start("long")
        try run.flush()
        let engine = FakeEngine(runDirectory: run.dir)
        defer { engine.stop() }
        var status = try StatusReader.read(RunLocation.locate(run.dir), includeJobs: false, now: run.clock + 5)
        XCTAssertEqual(status.condition.text, "Running")
        XCTAssertNil(status.condition.halting)

        run.writer.workflowMeta(run.wf, key: String(format: "skein.command.%.6f", run.clock + 1), value: "halt: done")
        try run.flush()
        status = try StatusReader.read(RunLocation.locate(run.dir), includeJobs: false, now: run.clock + 5)
        XCTAssertEqual(status.condition.phase, .running)
        XCTAssertEqual(status.condition.halting, true)
        XCTAssertEqual(status.condition.text, "Halting (1 running)")
        XCTAssertEqual(status.condition.shortText, "Halting")
        XCTAssertEqual(status.workflows.first?.state, "Halting")
        XCTAssertTrue(StatusRenderer.text(status).contains("Halting (1 running)"))

        run.writer.workflowMeta(run.wf, key: String(format: "skein.command.%.6f", run.clock + 2), value: "resume: done")
        try run.flush()
        status = try StatusReader.read(RunLocation.locate(run.dir), includeJobs: false, now: run.clock + 5)
        XCTAssertEqual(status.condition.text, "Running", "resumed after the halt")
    }

    func testAHaltBeforeTheLastRestartDoesNotCount() throws {
        let run = try RunBuilder(dir: try Paths.temp(self, "halting"), jobs: [("long", [], 0)])
        run.writer.workflowMeta(run.wf, key: String(format: "skein.command.%.6f", run.clock - 100), value: "halt: done")
        _ = run.start("long")
        try run.flush()
        let engine = FakeEngine(runDirectory: run.dir)
        defer { engine.stop() }
        let status = try StatusReader.read(RunLocation.locate(run.dir), includeJobs: false, now: run.clock + 5)
        XCTAssertEqual(status.condition.text, "Running")
    }
}
