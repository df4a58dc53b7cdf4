import Foundation
import XCTest

/// `skein run --batch` stopped by SIGTERM or SIGINT: it starts nothing more, stops the
/// running jobs' process groups (SIGTERM, then SIGKILL after the grace), records the
/// workflow as stopped, leaves the registry's running state, exits 3, and a resume finishes
/// the run (the stopped job runs again, the succeeded one does not).
final class SignalTests: ReliabilityTestCase {
    /// Whether any process is left in the group (zombies aside: a container's PID 1 may
    /// never reap them).
    func groupAlive(_ group: Int32) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).contains { entry in
            guard Int32(entry) != nil, let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && fields[0] != "Z" && Int32(fields[2]) == group
        }
    }

    /// A quick job that succeeds, and a long one that, on its first attempt, writes its
    /// process group and sleeps (`ignoreTerm`: ignoring SIGTERM); its second attempt succeeds.
    func workflow(ignoreTerm: Bool = false) -> TestWorkflow {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // markers and the pgid file in the scratch folder
        let ignore = ignoreTerm ? "trap '' TERM; " : ""
        wf.jobs = [
            .init(id: "quick", script: "echo quick >> quick-ran"),
            .init(id: "long", script: "if [ -f marker ]; then echo second; exit 0; fi; touch marker; \(ignore)echo $$ > pgid; sleep 60",
                  parents: ["quick"]),
        ]
        return wf
    }

    /// Sends `signal` once the long job runs; returns the engine's log and the job's group.
    func stop(_ wf: TestWorkflow, with signals: [Int32], exitWithin seconds: Double) throws -> (String, Int32) {
        let (engine, log) = try background(["run", try wf.write(), "--batch"], in: wf.directory)
        let pgidFile = wf.scratch().appendingPathComponent("pgid")
        waitFor("the long job running") { text(log).contains("long started") && !text(pgidFile).isEmpty }
        let group = try XCTUnwrap(Int32(text(pgidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertTrue(groupAlive(group))
        for signal in signals {
            kill(engine.processIdentifier, signal)
            waitFor("the engine to say it is stopping") { text(log).contains("stopping (received SIG") }
        }
        XCTAssertTrue(waitForExit(engine, timeout: seconds), "the engine exits within \(seconds) s: \(text(log))")
        if engine.isRunning { engine.terminate(); engine.waitUntilExit() }
        XCTAssertEqual(engine.terminationReason, .exit)
        XCTAssertEqual(engine.terminationStatus, 3, text(log))
        waitFor("the job's process group gone", timeout: 10) { !groupAlive(group) }
        return (text(log), group)
    }

    /// The database, the registry and a resume after a stop.
    func checkStoppedThenResume(_ wf: TestWorkflow, log: String, signalName: String) throws {
        let run = wf.runDirectory()
        let db = run.appendingPathComponent("test-0.stampede.db")
        XCTAssertTrue(log.contains("long failed: killed because the engine was stopped"), log)
        XCTAssertTrue(log.contains("workflow test stopped"), log)
        XCTAssertEqual(try sql(db, "select state, status, reason from workflowstate order by timestamp, state desc").last,
                       "WORKFLOW_TERMINATED|1|stopped: received \(signalName)")
        let registry = scratch.appendingPathComponent("state/registry.db")
        XCTAssertEqual(try sql(registry, "select state from runs"), ["stopped"], "no longer running in the registry")
        let status = try SkeinBinary.run(["status", run.path], environment: environment)
        XCTAssertTrue(status.stdout.contains("Stopped (received \(signalName))"), "a stopped run is not a failure: \(status.stdout)")
        XCTAssertTrue(status.stdout.contains("skein resume"), status.stdout)

        let resumed = try SkeinBinary.run(["run", run.path, "--batch"], environment: environment)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("long started (attempt 2)"), resumed.stdout)
        XCTAssertFalse(resumed.stdout.contains("quick started"), "a succeeded job never runs again: \(resumed.stdout)")
        XCTAssertEqual(text(wf.scratch().appendingPathComponent("quick-ran")), "quick\n")
        XCTAssertEqual(try sql(db, "select status from workflowstate where state = 'WORKFLOW_TERMINATED' order by timestamp").last, "0")
        XCTAssertEqual(try sql(registry, "select state from runs"), ["succeeded"])
    }

    func testSIGTERMStopsTheRunAndExits3ThenResumeCompletes() throws {
        let wf = workflow()
        let (log, _) = try stop(wf, with: [SIGTERM], exitWithin: 4)
        try checkStoppedThenResume(wf, log: log, signalName: "SIGTERM")
    }

    func testSIGINTStopsTheRunAndExits3ThenResumeCompletes() throws {
        let wf = workflow()
        let (log, _) = try stop(wf, with: [SIGINT], exitWithin: 4)
        try checkStoppedThenResume(wf, log: log, signalName: "SIGINT")
    }

    /// A job that ignores SIGTERM would take the whole grace (5 s) to be killed; a second
    /// signal forces it at once.
    func testSecondSignalForcesAJobThatIgnoresSIGTERM() throws {
        let wf = workflow(ignoreTerm: true)
        let (log, _) = try stop(wf, with: [SIGINT, SIGINT], exitWithin: 4)
        XCTAssertTrue(log.contains("long failed: killed because the engine was stopped"), log)
        try checkStoppedThenResume(wf, log: log, signalName: "SIGINT")
    }

    /// A detached engine (`skein run` without --batch: the same engine in a new session)
    /// stops the same way on SIGTERM.
    func testDetachedEngineStopsOnSIGTERM() throws {
        let wf = workflow()
        let started = try SkeinBinary.run(["run", try wf.write()], environment: environment, in: wf.directory)
        XCTAssertEqual(started.status, 0, started.stdout + started.stderr)
        let pidText = try XCTUnwrap(started.stdout.range(of: #"pid (\d+)"#, options: .regularExpression).map { started.stdout[$0].dropFirst(4) })
        let engine = try XCTUnwrap(Int32(pidText))
        let log = wf.runDirectory().appendingPathComponent("engine.log")
        let pgidFile = wf.scratch().appendingPathComponent("pgid")
        waitFor("the long job running") { text(log).contains("long started") && !text(pgidFile).isEmpty }
        let group = try XCTUnwrap(Int32(text(pgidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(engine, SIGTERM)
        waitFor("the engine gone", timeout: 10) { kill(engine, 0) != 0 || (try? String(contentsOfFile: "/proc/\(engine)/stat", encoding: .utf8))?.contains(") Z") == true }
        waitFor("the job's process group gone", timeout: 10) { !groupAlive(group) }
        try checkStoppedThenResume(wf, log: text(log), signalName: "SIGTERM")
    }
}
