import Foundation
import XCTest
import SkeinRunFormat
import SkeinProvenance
@testable import SkeinReports

/// After an engine crash, the restarted engine closes the attempts it lost as failed
/// (SIGKILL) with an "interrupted:" reason, and runs them again: until then they read as
/// interrupted, and the jobs below them as waiting, not failed and futile.
final class InterruptedJobsTests: XCTestCase {
    func testAttemptsClosedByARestartAreInterruptedAndTheirChildrenWait() throws {
        let run = try RunBuilder(dir: try Paths.temp(self, "interrupted"), jobs: [("prep", [], 0), ("calc", ["prep"], 0), ("side", [], 0)])
        let lost = run.start("prep")
        run.run("side", exit: 1)
        run.finish("prep", lost, exit: 9, reason: "interrupted: the engine stopped while this attempt ran")
        run.writer.workflowState(run.wf, .started, timestamp: run.clock, restartCount: 1)
        try run.flush()
        let engine = FakeEngine(runDirectory: run.dir)
        defer { engine.stop() }
        let status = try StatusReader.read(RunLocation.locate(run.dir), includeJobs: true, now: run.clock + 1)
        let jobs = Dictionary(uniqueKeysWithValues: (status.jobs ?? []).map { ($0.id, $0) })
        XCTAssertEqual(jobs["prep"]?.state, .interrupted)
        XCTAssertNil(jobs["prep"]?.exitCode, "not shown as exit -9")
        XCTAssertEqual(jobs["prep"]?.reason, "interrupted: the engine stopped while it ran; runs again when the run resumes")
        XCTAssertEqual(jobs["calc"]?.state, .unready, "waits for prep, not futile")
        XCTAssertEqual(jobs["side"]?.state, .failed, "a real failure stays one")
        XCTAssertEqual(status.totals.failed, 1)
        XCTAssertEqual(status.totals.futile, 0)
    }
}

/// A held job keeps the batch system's whole reason and when it was held.
final class HeldJobStatusTests: XCTestCase {
    func testAHeldJobHasItsReasonAndWhenItWasHeld() throws {
        let run = try RunBuilder(dir: try Paths.temp(self, "held"), jobs: [("stuck", [], 0)])
        let ji = run.start("stuck")
        let reason = "Error from slot1@node7: SHADOW failed to send file(s): " + String(repeating: "x", count: 200)
        run.writer.jobState(ji, .jobHeld, timestamp: run.clock + 7, reason: reason)
        try run.flush()
        let engine = FakeEngine(runDirectory: run.dir)
        defer { engine.stop() }
        let status = try StatusReader.read(RunLocation.locate(run.dir), includeJobs: true, now: run.clock + 60)
        let job = try XCTUnwrap(status.jobs?.first)
        XCTAssertEqual(job.state, .held)
        XCTAssertEqual(job.reason, reason)
        XCTAssertEqual(job.heldSince, run.clock + 7)
    }
}
