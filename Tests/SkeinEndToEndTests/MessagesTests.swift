import Foundation
import XCTest

/// What commands say when things go sideways (issue 13, item 15).
final class MessagesTests: ReliabilityTestCase {
    /// While an engine runs, neither a detached nor a `--batch` start claims to start one:
    /// both say the run is busy and exit 5. A job retried live and then succeeded is not
    /// counted as failed in the summary.
    func testABusyRunIsSaidSoAndALiveRetryCountsJobs() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        let base = wf.directory.path
        wf.jobs = [
            .init(id: "flaky", script: "[ -f '\(base)/fixed' ] || exit 1"),
            .init(id: "waiter", script: "while [ ! -f '\(base)/go' ]; do sleep 0.05; done"),
        ]
        let (engine, log) = try background(["run", try wf.write(), "--batch"], in: wf.directory)
        defer { if engine.isRunning { engine.terminate() } }
        let run = wf.runDirectory()
        waitFor("flaky failed") { text(log).contains("flaky failed: exit code 1") }

        let detached = try SkeinBinary.run(["run", run.path], environment: environment, in: wf.directory)
        XCTAssertEqual(detached.status, 5, detached.stdout + detached.stderr)
        XCTAssertFalse(detached.stdout.contains("engine started"), detached.stdout)
        XCTAssertTrue(detached.stderr.contains("already running"), detached.stderr)
        let batch = try SkeinBinary.run(["run", run.path, "--batch"], environment: environment, in: wf.directory)
        XCTAssertEqual(batch.status, 5, batch.stdout + batch.stderr)

        FileManager.default.createFile(atPath: wf.directory.appendingPathComponent("fixed").path, contents: nil)
        let retry = try SkeinBinary.run(["retry", run.path, "flaky"], environment: environment, in: wf.directory)
        XCTAssertEqual(retry.status, 0, retry.stdout + retry.stderr)
        waitFor("flaky succeeded on its retry") { text(log).contains("flaky succeeded") }
        FileManager.default.createFile(atPath: wf.directory.appendingPathComponent("go").path, contents: nil)
        XCTAssertTrue(waitForExit(engine, timeout: 60), text(log))
        XCTAssertTrue(text(log).contains("workflow test succeeded: 3 succeeded, 0 failed, 3 jobs"), text(log))
    }
}
