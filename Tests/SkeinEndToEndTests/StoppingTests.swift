import Foundation
import XCTest

/// What `skein remove` leaves, and a copied run folder (issue 13, item 12).
final class StoppingTests: ReliabilityTestCase {
    /// A job that started a process in a session of its own (`setsid`): remove kills its
    /// process group, and the sweep by `PEGASUS_WF_UUID` ends the rest.
    func testRemoveEndsProcessesInSessionsOfTheirOwn() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        let pidFile = wf.directory.appendingPathComponent("grandchild").path
        wf.jobs = [.init(id: "spawner", script: "setsid sleep 300 & echo $! > '\(pidFile)'; sleep 300")]
        let (engine, log) = try background(["run", try wf.write(), "--batch"], in: wf.directory)
        defer { if engine.isRunning { engine.terminate() } }
        waitFor("the grandchild") { !text(URL(fileURLWithPath: pidFile)).isEmpty }
        let grandchild = try XCTUnwrap(Int32(text(URL(fileURLWithPath: pidFile)).trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertEqual(kill(grandchild, 0), 0, "the grandchild runs")
        let removed = try SkeinBinary.run(["remove", wf.runDirectory().path], environment: environment, in: wf.directory)
        XCTAssertEqual(removed.status, 0, removed.stdout + removed.stderr)
        XCTAssertTrue(waitForExit(engine, timeout: 60), text(log))
        waitFor("the grandchild gone") {
            guard let stat = try? String(contentsOfFile: "/proc/\(grandchild)/stat", encoding: .utf8) else { return true }
            return stat.contains(") Z ")
        }
        XCTAssertTrue(text(log).contains("outside their process groups"), text(log))
    }

    /// A copy of a run folder is refused by name, not run in the original's place.
    func testACopiedRunFolderIsRefused() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.jobs = [.init(id: "a", script: "true")]
        let planned = try SkeinBinary.run(["plan", try wf.write()], environment: environment, in: wf.directory)
        XCTAssertEqual(planned.status, 0, planned.stdout + planned.stderr)
        let copy = scratch.appendingPathComponent("copy")
        try FileManager.default.copyItem(at: wf.runDirectory(), to: copy)
        let run = try SkeinBinary.run(["run", copy.path, "--batch"], environment: environment, in: wf.directory)
        XCTAssertEqual(run.status, 2, run.stdout + run.stderr)
        XCTAssertTrue(run.stderr.contains("is a copy of the run in \(wf.runDirectory().path)"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: wf.runDirectory().appendingPathComponent("engine.journal").path),
                       "the original was not run")
    }
}
