import Foundation
import XCTest
import SkeinProvenance
import SkeinTestSupport
@testable import SkeinReports

/// A Pegasus run that never ended, without monitord.done and whose DAGMan is gone, is stale,
/// not running for years: no `.dag.lock`, or a lock (in HTCondor's own formats) whose DAGMan
/// is not alive on this machine. A run submitted from another machine is not judged from here.
final class StalePegasusRunTests: XCTestCase {
    /// The successful fixture, copied, as if its DAGMan had died before the end; submitted
    /// from this machine unless `host` is given (the fixture's own is workflow.isi.edu).
    func unfinishedCopy(host: String? = nil) throws -> String {
        let dir = try Paths.temp(self, "stale") + "/run"
        try FileManager.default.copyItem(atPath: Paths.fixture("process_wf_success"), toPath: dir)
        try? FileManager.default.removeItem(atPath: dir + "/monitord.done")
        let db = try SQLiteDatabase(path: try RunLocation.locate(dir).database!)
        try db.execute("DELETE FROM workflowstate WHERE state = 'WORKFLOW_TERMINATED'")
        try db.execute("UPDATE job_instance SET exitcode = NULL, local_duration = NULL WHERE job_instance_id = (SELECT max(job_instance_id) FROM job_instance)")
        let braindump = dir + "/braindump.yml"
        let text = try String(contentsOfFile: braindump, encoding: .utf8)
        try text.replacingOccurrences(of: "submit_hostname: \"workflow.isi.edu\"", with: "submit_hostname: \"\(host ?? ProcessInfo.processInfo.hostName)\"")
            .write(toFile: braindump, atomically: true, encoding: .utf8)
        return dir
    }

    /// HTCondor's ProcessId record (`ProcessId::SIGNATURE_FORMAT` and the confirmation), as
    /// DAGMan before 24.0.21 writes it into `NAME.dag.lock`.
    func writeLock(_ dir: String, pid: Int32, birthday: Int64) {
        let text = "PPID = \(getppid())\nPID = \(pid)\nPRECISION = 1\nTIME_UNITS_IN_SECS = 100.000000\nBDAY = \(birthday)\nCONTROL_TIME = 0\n"
            + "CONFIRM = \(birthday + 200)\nCONTROL_TIME = 0\n"
        FileManager.default.createFile(atPath: dir + "/process-0.dag.lock", contents: Data(text.utf8))
    }

    func status(_ dir: String) throws -> StatusReport { try StatusReader.read(RunLocation.locate(dir)) }

    func testWithoutDAGManItIsStaleNotRunning() throws {
        let dir = try unfinishedCopy()
        let now = Date().timeIntervalSince1970
        let status = try StatusReader.read(RunLocation.locate(dir), now: now)
        XCTAssertEqual(status.condition.phase, .stale)
        XCTAssertEqual(status.condition.shortText, "Stale")
        let timeline = try TimelineReader.read(RunLocation.locate(dir), now: now)
        XCTAssertLessThan(timeline.end - timeline.start, 3600, "the open attempt ends at its last event, not now")
    }

    func testTheLockFormatsHTCondorWrites() {
        XCTAssertEqual(DagmanLock.parse("PPID = 4021\nPID = 4180\nPRECISION = 1\nTIME_UNITS_IN_SECS = 100.000000\nBDAY = 7211\nCONTROL_TIME = 0\nCONFIRM = 7400\nCONTROL_TIME = 0\n"),
                       .processID(pid: 4180, birthday: 7211, precision: 1, ticksPerSecond: 100))
        XCTAssertEqual(DagmanLock.parse("PPID = 4021\nPID = 4180\n"), .processID(pid: 4180, birthday: nil, precision: 1, ticksPerSecond: 100))
        XCTAssertEqual(DagmanLock.parse("1234\n"), .clusterID(1234))
        XCTAssertEqual(DagmanLock.parse(""), .empty)
    }

    /// A lock naming a live process with the birthday it records: DAGMan runs (this test's
    /// own process stands in for it; HTCondor checks pid and birthday, not the name).
    func testALockNamingALiveProcessItsBirthdayIsRunning() throws {
        let dir = try unfinishedCopy()
        let me = getpid()
        writeLock(dir, pid: me, birthday: try XCTUnwrap(ThisHost.startTicks(me)))
        XCTAssertEqual(DagmanLiveness.verdict(directory: dir), .alive)
        XCTAssertEqual(try status(dir).condition.phase, .running)
    }

    /// A kill -9'd DAGMan leaves its lock: the pid it names is dead, so the run is stale.
    func testALockNamingADeadPidIsStale() throws {
        let dir = try unfinishedCopy()
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        writeLock(dir, pid: gone.processIdentifier, birthday: 7211)
        XCTAssertEqual(DagmanLiveness.verdict(directory: dir), .deadPid(gone.processIdentifier))
        let status = try status(dir)
        XCTAssertEqual(status.condition.phase, .stale)
        XCTAssertEqual(status.condition.shortText, "Stale")
    }

    /// The pid now belongs to a process started at another time (pid reuse): not DAGMan.
    func testALockWhosePidWasReusedIsStale() throws {
        let dir = try unfinishedCopy()
        let me = getpid()
        writeLock(dir, pid: me, birthday: try XCTUnwrap(ThisHost.startTicks(me)) - 5000)
        guard case .notDagman(let pid, _) = DagmanLiveness.verdict(directory: dir) else { return XCTFail("\(DagmanLiveness.verdict(directory: dir))") }
        XCTAssertEqual(pid, me)
        XCTAssertEqual(try status(dir).condition.phase, .stale)
    }

    /// A lock written before this machine booted cannot be a live DAGMan's.
    func testALockFromBeforeTheLastBootIsStale() throws {
        let dir = try unfinishedCopy()
        let me = getpid()
        writeLock(dir, pid: me, birthday: try XCTUnwrap(ThisHost.startTicks(me)))
        let boot = try XCTUnwrap(ThisHost.bootTime())
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: boot - 3600)], ofItemAtPath: dir + "/process-0.dag.lock")
        XCTAssertEqual(DagmanLiveness.verdict(directory: dir), .rebooted)
        XCTAssertEqual(try status(dir).condition.phase, .stale)
    }

    /// A newer DAGMan writes its cluster id and holds an fcntl lock while it lives: held by a
    /// live process (python's lockf, which is fcntl) the run runs; released, it is stale.
    func testANewerDAGMansLockIsAliveWhileHeld() throws {
        let dir = try unfinishedCopy()
        let lock = dir + "/process-0.dag.lock"
        FileManager.default.createFile(atPath: lock, contents: Data("4711\n".utf8))
        XCTAssertEqual(DagmanLiveness.verdict(directory: dir), .lockReleased)
        XCTAssertEqual(try status(dir).condition.phase, .stale)

        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw missingRealPart("python3 (to hold an fcntl lock from another process)")
        }
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: python)
        holder.arguments = ["-c", "import fcntl, sys, time\nf = open(sys.argv[1], 'r+')\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(600)", lock]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        addTeardownBlock { holder.terminate(); holder.waitUntilExit() }
        // Wait for the line that says the lock is taken (or for the end of its output).
        var said = Data()
        while !said.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += chunk
        }
        XCTAssertEqual(String(decoding: said, as: UTF8.self), "locked\n")
        XCTAssertEqual(DagmanLock.holder(of: lock), holder.processIdentifier)
        XCTAssertEqual(DagmanLiveness.verdict(directory: dir), .alive)
        XCTAssertEqual(try status(dir).condition.phase, .running)

        // kill -9: the kernel drops the lock with the process.
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        XCTAssertEqual(DagmanLiveness.verdict(directory: dir), .lockReleased)
        XCTAssertEqual(try status(dir).condition.phase, .stale)
    }

    /// A run submitted from another machine: its DAGMan's pid means nothing here, so the
    /// run is not called stale, and the text says it was not checked.
    func testALockFromAnotherHostStaysRunningAndSaysSo() throws {
        let dir = try unfinishedCopy(host: "workflow.isi.edu")
        writeLock(dir, pid: 132896, birthday: 7211)
        XCTAssertEqual(DagmanLiveness.verdict(directory: dir), .otherHost("workflow.isi.edu"))
        let condition = try status(dir).condition
        XCTAssertEqual(condition.phase, .running)
        XCTAssertEqual(condition.text, "Running (DAGMan runs on workflow.isi.edu: not checked from here)")
    }

    /// An empty lock (DAGMan with -AllowDuplicates) falls back to dagman.out's `** PID = N`.
    func testAnEmptyLockFallsBackToDagmanOutsPid() throws {
        let dir = try unfinishedCopy()
        FileManager.default.createFile(atPath: dir + "/process-0.dag.lock", contents: Data())
        XCTAssertEqual(DagmanLiveness.dagmanOutPid(dir + "/process-0.dag.dagman.out"), 132896)
        XCTAssertTrue(DagmanLiveness.verdict(directory: dir).isGone, "pid 132896 is no condor_dagman here")
    }

    func testThisHostsNames() {
        XCTAssertTrue(ThisHost.isThisHost(ProcessInfo.processInfo.hostName))
        XCTAssertTrue(ThisHost.isThisHost(ProcessInfo.processInfo.hostName.uppercased()))
        XCTAssertFalse(ThisHost.isThisHost("workflow.isi.edu"))
    }
}
