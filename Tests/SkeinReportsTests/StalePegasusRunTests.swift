import Foundation
import XCTest
import SkeinProvenance
@testable import SkeinReports

/// A Pegasus run that never ended, without monitord.done and whose DAGMan is gone (no
/// `.dag.lock`, or a lock naming a dead pid or another program), is stale, not running for
/// years; its timeline ends at its last event.
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

    /// A process that really is named condor_dagman (a copy of sleep under that name), so
    /// the pid check sees a live DAGMan.
    func liveDagman() throws -> Process {
        let bin = try Paths.temp(self, "dagman") + "/condor_dagman"
        try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: bin)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = ["600"]
        try p.run()
        addTeardownBlock { p.terminate(); p.waitUntilExit() }
        // Until exec has happened, /proc/PID/comm still names the parent.
        let deadline = Date().addingTimeInterval(10)
        while DagmanLiveness.processName(p.processIdentifier) != "condor_dagman" && Date() < deadline { usleep(10_000) }
        return p
    }

    /// HTCondor's lock record: "pid ppid precision time-units birthday control-time".
    func writeLock(_ dir: String, pid: Int32) {
        FileManager.default.createFile(atPath: dir + "/process-0.dag.lock", contents: Data("\(pid) 1 1 1.000000 1677882223 0\n".utf8))
    }

    func testWithALiveDAGMansLockItIsRunning() throws {
        let dir = try unfinishedCopy()
        let dagman = try liveDagman()
        writeLock(dir, pid: dagman.processIdentifier)
        XCTAssertEqual(DagmanLiveness.verdict(directory: dir), .alive)
        let status = try StatusReader.read(RunLocation.locate(dir))
        XCTAssertEqual(status.condition.phase, .running)
    }

    /// A kill -9'd DAGMan leaves its lock: the pid it names is dead, so the run is stale.
    func testALockNamingADeadPidIsStale() throws {
        let dir = try unfinishedCopy()
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        writeLock(dir, pid: gone.processIdentifier)
        XCTAssertEqual(DagmanLiveness.verdict(directory: dir), .deadPid(gone.processIdentifier))
        let status = try StatusReader.read(RunLocation.locate(dir))
        XCTAssertEqual(status.condition.phase, .stale)
        XCTAssertEqual(status.condition.shortText, "Stale")
    }

    /// The pid was reused by another program: that is not DAGMan either.
    func testALockWhosePidRunsAnotherProgramIsStale() throws {
        let dir = try unfinishedCopy()
        writeLock(dir, pid: getpid())
        guard case .notDagman(let pid, _) = DagmanLiveness.verdict(directory: dir) else { return XCTFail("\(DagmanLiveness.verdict(directory: dir))") }
        XCTAssertEqual(pid, getpid())
        XCTAssertEqual(try StatusReader.read(RunLocation.locate(dir)).condition.phase, .stale)
    }

    /// A lock without a pid falls back to dagman.out's `** PID = N` (the fixture's, from
    /// another machine: not a live DAGMan here).
    func testAnEmptyLockFallsBackToDagmanOutsPid() throws {
        let dir = try unfinishedCopy()
        FileManager.default.createFile(atPath: dir + "/process-0.dag.lock", contents: Data())
        XCTAssertEqual(DagmanLiveness.dagmanOutPid(dir + "/process-0.dag.dagman.out"), 132896)
        XCTAssertNotEqual(DagmanLiveness.verdict(directory: dir), .alive)
    }
}
