import Foundation
import SkeinTestSupport
import XCTest

/// Crashes of the engine and of its helper (issue 13, items 7 and 10).
final class CrashResumeTests: ReliabilityTestCase {
    /// `kill -9` of skein-spawner with 4 jobs running: the jobs are run again without using up
    /// a retry (they have none), and the workflow succeeds.
    func testKillingTheSpawnerRerunsItsJobsWithoutUsingRetries() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        let ids = (0..<4).map { "hold\($0)" }
        wf.jobs = ids.map { .init(id: $0, script: "if [ -f ran-$PEGASUS_JOBID ]; then exit 0; fi; touch ran-$PEGASUS_JOBID; sleep 60") }
        let (engine, log) = try background(["run", try wf.write(), "--batch", "--maxjobs", "4"], in: wf.directory)
        defer { if engine.isRunning { engine.terminate() } }
        waitFor("4 jobs running") {
            ids.allSatisfy { id in
                ((try? FileManager.default.subpathsOfDirectory(atPath: wf.directory.appendingPathComponent("scratch").path)) ?? []).contains { $0.hasSuffix("ran-" + id) }
            }
        }
        var spawner: Int32?
        waitFor("skein-spawner") { spawner = child(named: "skein-spawner", of: engine.processIdentifier); return spawner != nil }
        kill(try XCTUnwrap(spawner), SIGKILL)
        guard waitForExit(engine, timeout: 60) else { return XCTFail("the engine goes on: \(text(log))") }
        XCTAssertEqual(engine.terminationStatus, 0, text(log))
        XCTAssertTrue(text(log).contains("without using up a retry"), text(log))
        XCTAssertTrue(text(log).contains("workflow test succeeded"), text(log))
    }

    /// A few hundred jobs, the engine killed (KILL, TERM, INT) at random moments (seeded and
    /// printed), then run to the end: no job ran again after its success, the database has
    /// one attempt row per journal attempt with its states and invocation, and is intact.
    func testChaosKillsOfTheEngineLoseNoAttempt() throws {
        var random = SeededRandom("CrashResumeTests chaos")
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        let ids = (0..<240).map { String(format: "j%03d", $0) }
        wf.jobs = ids.enumerated().map { i, id in
            .init(id: id, script: "echo $PEGASUS_JOBID >> ran.log; sleep 0.0\(i % 10)", parents: i >= 40 ? [ids[i - 40]] : [])
        }
        let workflowFile = try wf.write()
        let run = wf.runDirectory()
        let journal = run.appendingPathComponent("engine.journal")
        var arguments = ["run", workflowFile, "--batch", "--maxjobs", "16"]
        for round in 0..<6 {
            let (engine, log) = try background(arguments, in: wf.directory)
            arguments = ["run", run.path, "--batch"]
            let already = text(journal).split(separator: "\n").count
            let target = already + Int.random(in: 5...120, using: &random)
            let signal = [SIGKILL, SIGKILL, SIGTERM, SIGINT][Int.random(in: 0...3, using: &random)]
            print("round \(round): signal \(signal) after \(target - already) journal lines")
            waitFor("journal growth") { text(journal).split(separator: "\n").count >= target || !engine.isRunning }
            if engine.isRunning { kill(engine.processIdentifier, signal) }
            guard waitForExit(engine, timeout: 60) else { return XCTFail("the engine does not stop: \(text(log))") }
            if engine.terminationReason == .exit { XCTAssertTrue([0, 3].contains(engine.terminationStatus), text(log)) }
        }
        let last = try SkeinBinary.run(arguments, environment: environment, in: wf.directory)
        XCTAssertEqual(last.status, 0, last.stdout + last.stderr)
        // No rerun after a recorded success.
        var succeeded = Set<String>()
        for line in text(journal).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3 else { continue }
            if parts[0] == "S" { succeeded.insert(String(parts[2])) }
            if parts[0] == "A" { XCTAssertFalse(succeeded.contains(String(parts[2])), "\(parts[2]) started again after it succeeded") }
        }
        try checkDatabaseMatchesJournal(run, jobs: ids)
    }
}
