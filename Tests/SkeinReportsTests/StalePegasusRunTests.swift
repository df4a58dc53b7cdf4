import Foundation
import XCTest
import SkeinProvenance
@testable import SkeinReports

/// A Pegasus run that never ended, without monitord.done and whose DAGMan is gone (no
/// `.dag.lock`), is stale, not running for years; its timeline ends at its last event.
final class StalePegasusRunTests: XCTestCase {
    /// The successful fixture, copied, as if its DAGMan had died before the end.
    func unfinishedCopy() throws -> String {
        let dir = try Paths.temp(self, "stale") + "/run"
        try FileManager.default.copyItem(atPath: Paths.fixture("process_wf_success"), toPath: dir)
        try? FileManager.default.removeItem(atPath: dir + "/monitord.done")
        let db = try SQLiteDatabase(path: try RunLocation.locate(dir).database!)
        try db.execute("DELETE FROM workflowstate WHERE state = 'WORKFLOW_TERMINATED'")
        try db.execute("UPDATE job_instance SET exitcode = NULL, local_duration = NULL WHERE job_instance_id = (SELECT max(job_instance_id) FROM job_instance)")
        return dir
    }

    func testWithoutDAGManItIsStaleNotRunning() throws {
        let dir = try unfinishedCopy()
        let now = Date().timeIntervalSince1970
        let status = try StatusReader.read(RunLocation.locate(dir), now: now)
        XCTAssertEqual(status.condition.phase, .stale)
        XCTAssertEqual(status.condition.shortText, "Stale")
        let timeline = try TimelineReader.read(RunLocation.locate(dir), now: now)
        XCTAssertLessThan(timeline.end - timeline.start, 3600, "the open attempt ends at its last event, not now")
    }

    func testWithDAGMansLockItIsRunning() throws {
        let dir = try unfinishedCopy()
        FileManager.default.createFile(atPath: dir + "/process-0.dag.lock", contents: Data())
        let status = try StatusReader.read(RunLocation.locate(dir))
        XCTAssertEqual(status.condition.phase, .running)
    }
}
