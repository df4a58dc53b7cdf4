import Foundation
import XCTest
import SkeinRunFormat
import SkeinProvenance
@testable import SkeinReports

/// Reports on Skein runs at every point of their life, written through the engine's own
/// writer: just started, running, stopped (engine dead), failed, halted.
final class SkeinRunReportTests: XCTestCase {
    /// prep -> calc -> report, and an independent job `side`.
    func makeRun() throws -> RunBuilder {
        try RunBuilder(dir: try Paths.temp(self, "run"), jobs: [("prep", [], 0), ("calc", ["prep"], 1), ("report", ["calc"], 0), ("side", [], 0)])
    }

    func testPlannedRunIsPlannedAndJustStartedRunIsRunning() throws {
        let dir = try Paths.temp(self, "planned")
        try RunDirectory(path: dir).write(RunBuilder.plan(label: "p", wfUUID: "u-1", dir: dir, jobs: [("a", [], 0), ("b", [0], 2)]))
        try PegasusSubmitFiles.writeBraindump(Braindump(wfUUID: "u-1", submitDir: dir, dag: "p-0.dag", properties: "skein.properties", daxLabel: "p"), to: dir)
        var r = try StatusReader.read(dir, includeJobs: true)
        XCTAssertEqual(r.condition.phase, .planned)
        XCTAssertEqual(r.condition.text, "Planned (not started)")
        XCTAssertEqual(r.condition.hint, "skein run \(dir)")
        XCTAssertEqual([r.totals.ready, r.totals.unready, r.totals.total], [1, 1, 2])
        XCTAssertEqual(r.jobs?.map(\.maxAttempts), [1, 3])
        // The engine took the lock but has not written its database yet: running, not failed.
        let engine = FakeEngine(runDirectory: dir)
        defer { engine.stop() }
        r = try StatusReader.read(dir)
        XCTAssertEqual(r.condition.phase, .running)
        XCTAssertEqual(r.condition.engine?.alive, true)
        XCTAssertEqual(r.condition.engine?.pid, Int(getpid()))
        let a = try AnalysisReader.read(dir)
        XCTAssertEqual(a.exitCode, 0)
        XCTAssertEqual([a.total, a.unsubmitted], [2, 2])
    }

    func testRunningRun() throws {
        let run = try makeRun()
        let engine = FakeEngine(runDirectory: run.dir)
        defer { engine.stop() }
        run.run("prep")
        _ = run.start("calc")
        try run.flush()
        let r = try StatusReader.read(run.dir, includeJobs: true)
        XCTAssertEqual(r.condition.phase, .running)
        XCTAssertEqual(r.condition.text, "Running")
        let t = r.totals
        XCTAssertEqual([t.done, t.queued, t.running, t.ready, t.unready, t.failed, t.total], [1, 1, 1, 1, 1, 0, 4])
        let jobs = Dictionary(uniqueKeysWithValues: (r.jobs ?? []).map { ($0.id, $0) })
        XCTAssertEqual(jobs["calc"]?.state, .running)
        XCTAssertEqual(jobs["calc"]?.attempt, 1)
        XCTAssertEqual(jobs["calc"]?.maxAttempts, 2)
        XCTAssertEqual(jobs["side"]?.state, .ready)
        XCTAssertEqual(jobs["report"]?.state, .unready)
        XCTAssertEqual(jobs["prep"]?.host, "node1")
        XCTAssertEqual(jobs["prep"]?.duration, 2)
        XCTAssertNotNil(jobs["calc"]?.started)
        let a = try AnalysisReader.read(run.dir)
        XCTAssertEqual(a.workflowStatus, "running")
        XCTAssertEqual(a.exitCode, 0, "running cleanly")
        let text = StatusRenderer.text(r, style: TextStyle(progressBar: true))
        XCTAssertTrue(text.contains("state: Running"), text)
        XCTAssertTrue(text.contains("[#"), "a progress bar when asked for: \(text)")
        XCTAssertFalse(StatusRenderer.text(r).contains("[#"))
    }

    func testStoppedRunSaysHowToResume() throws {
        let run = try makeRun()
        run.run("prep")
        _ = run.start("calc")
        try run.flush()
        // No engine holds the lock (it died, or a stale lock file remains).
        FakeEngine(runDirectory: run.dir).stop()
        let r = try StatusReader.read(run.dir, includeJobs: true)
        XCTAssertEqual(r.condition.phase, .stopped)
        XCTAssertEqual(r.condition.text, "Stopped (engine not running)")
        XCTAssertEqual(r.condition.hint, "skein run \(run.dir)")
        XCTAssertEqual(r.condition.engine?.alive, false)
        XCTAssertEqual(r.jobs?.first { $0.id == "calc" }?.state, .interrupted)
        XCTAssertEqual(r.totals.queued, 0)
        let text = StatusRenderer.text(r)
        XCTAssertTrue(text.contains("state: Stopped (engine not running)"), text)
        XCTAssertTrue(text.contains("resume with: skein run \(run.dir)"), text)
        let a = try AnalysisReader.read(run.dir)
        XCTAssertEqual(a.condition.phase, .stopped)
        XCTAssertTrue(AnalysisRenderer.text(a).contains("Workflow Status    : stopped (engine not running)"))
    }

    func testFailedRun() throws {
        let run = try makeRun()
        run.run("prep")
        run.run("side")
        let err = (1...100).map { "calc: line \($0)" }.joined(separator: "\n") + "\n"
        run.run("calc", exit: 3, stderr: err)
        let last = run.start("calc")
        run.finish("calc", last, exit: 3, reason: "declared output not produced: calc.out", stdout: "partial\n", stderr: err)
        try run.end(status: 1, reason: "failed")
        let r = try StatusReader.read(run.dir, includeJobs: true)
        XCTAssertEqual(r.condition.phase, .failed)
        XCTAssertEqual(r.condition.hint, "skein analyze \(run.dir)")
        XCTAssertEqual([r.totals.done, r.totals.failed, r.totals.futile, r.totals.unready, r.totals.ready], [2, 1, 1, 0, 0])
        XCTAssertEqual(r.jobs?.first { $0.id == "report" }?.reason, "calc failed")
        XCTAssertEqual(r.jobs?.first { $0.id == "calc" }?.reason, "declared output not produced: calc.out")
        XCTAssertEqual(r.jobs?.map(\.id), ["prep", "side", "calc", "report"], "submission order, jobs that never ran last")

        let a = try AnalysisReader.read(run.dir)
        XCTAssertEqual([a.total, a.succeeded, a.failed, a.held, a.unsubmitted], [4, 2, 1, 0, 1])
        XCTAssertEqual(a.exitCode, 2)
        let calc = try XCTUnwrap(a.failedJobs.first)
        XCTAssertEqual(calc.job, "calc")
        XCTAssertEqual(calc.lastState, "POST_SCRIPT_FAILED")
        XCTAssertEqual(calc.reason, "declared output not produced: calc.out")
        XCTAssertEqual([calc.attempt, calc.attempts, calc.maxAttempts], [2, 2, 2])
        XCTAssertEqual(calc.exitCode, 3)
        XCTAssertEqual(calc.files, [FileUse(lfn: "calc.in", type: "input"), FileUse(lfn: "calc.out", type: "output")])
        let task = try XCTUnwrap(calc.tasks.first)
        XCTAssertEqual([task.exitCode, task.rawStatus], [3, 768])
        XCTAssertEqual(task.executable, "/bin/calc")
        XCTAssertEqual(task.arguments, "--job calc")
        XCTAssertEqual(task.stdout?.text, "partial")
        XCTAssertEqual(task.stderr?.lines, 100)
        XCTAssertEqual(task.stderr?.omittedLines, 60)
        XCTAssertTrue(task.stderr?.text.hasPrefix("calc: line 61\n") ?? false)
        XCTAssertTrue(task.stderr?.text.hasSuffix("calc: line 100") ?? false)
        let text = AnalysisRenderer.text(a)
        XCTAssertTrue(text.contains("     reason: declared output not produced: calc.out"), text)
        XCTAssertTrue(text.contains("[... 60 earlier lines not shown: 100 in all]"), text)
        XCTAssertTrue(text.contains("skein retry \(run.dir) calc"), text)

        let job = try AnalysisReader.job("calc", in: run.dir)
        XCTAssertEqual(job.attempts.count, 2)
        XCTAssertEqual(job.attempts.map(\.reason), ["exit code 3", "declared output not produced: calc.out"])
        XCTAssertEqual(job.attempts[0].states?.map(\.state), ["SUBMIT", "EXECUTE", "JOB_TERMINATED", "JOB_FAILURE", "POST_SCRIPT_STARTED", "POST_SCRIPT_TERMINATED", "POST_SCRIPT_FAILED"])
        XCTAssertEqual(job.parents, ["prep"])
        XCTAssertEqual(job.children, ["report"])
        XCTAssertEqual(job.state, "failed")
        XCTAssertEqual(try AnalysisReader.job("report", in: run.dir).state, "futile")
        XCTAssertThrowsError(try AnalysisReader.job("calk", in: run.dir)) { error in
            XCTAssertEqual(error as? ReportError, .unknownJob("calk", ["calc"]))
        }

        let s = try StatisticsReader.read(run.dir, includeJobs: true)
        let rows = Dictionary(uniqueKeysWithValues: s.summary.map { ($0.type, [$0.succeeded, $0.failed, $0.incomplete, $0.total, $0.retries, $0.totalPlusRetries]) })
        XCTAssertEqual(rows["Jobs"], [2, 1, 1, 4, 1, 4])
        XCTAssertEqual(rows["Tasks"], [2, 1, 1, 4, 1, 4])
        XCTAssertEqual(s.cumulativeJobWallTime, 8)
        XCTAssertEqual(s.badputWallTime, 4)
        XCTAssertEqual(s.jobs?.first?.rows.map(\.job), ["prep", "side", "calc", "calc"])
        XCTAssertEqual(s.jobs?.first?.rows.map(\.attempt), [1, 1, 1, 2])
        XCTAssertEqual(s.transformations.first?.rows.first { $0.transformation == "tr_calc" }?.count, 2)
        XCTAssertEqual(s.transformations.first?.rows.first { $0.transformation == "tr_calc" }?.type, "failed")
        let csv = StatisticsRenderer.csv(s)
        XCTAssertTrue(csv.contains("ALL,,Jobs,2,1,1,4,1,4,0\n"), csv)
        XCTAssertTrue(csv.contains("\n# jobs\nWorkflow_Id,Dax_Label,Job,Try,"), csv)
    }

    func testFailingJobIsListedApart() throws {
        let run = try makeRun()
        let engine = FakeEngine(runDirectory: run.dir)
        defer { engine.stop() }
        run.run("prep")
        run.run("calc", exit: 1, stderr: "transient\n")
        _ = run.start("calc")
        try run.flush()
        let a = try AnalysisReader.read(run.dir)
        XCTAssertEqual(a.failed, 0)
        XCTAssertEqual(a.failingJobs.map(\.job), ["calc"])
        XCTAssertEqual(a.failingJobs.first?.attempt, 1)
        XCTAssertEqual(a.exitCode, 0)
        XCTAssertTrue(AnalysisRenderer.text(a).contains("Failing jobs' details"))
    }

    func testHeldJob() throws {
        let run = try makeRun()
        let engine = FakeEngine(runDirectory: run.dir)
        defer { engine.stop() }
        let ji = run.start("prep")
        run.writer.jobState(ji, .jobHeld, timestamp: run.clock + 1, reason: "disk quota exceeded")
        try run.flush()
        let r = try StatusReader.read(run.dir, includeJobs: true)
        XCTAssertEqual([r.totals.queued, r.totals.held], [1, 1])
        XCTAssertEqual(r.jobs?.first { $0.id == "prep" }?.reason, "disk quota exceeded")
        let a = try AnalysisReader.read(run.dir)
        XCTAssertEqual(a.heldJobs, [HeldJob(job: "prep", instanceID: Int(ji), reason: "disk quota exceeded")])
        XCTAssertEqual(a.held, 1)
    }

    func testHaltedAndRemovedRuns() throws {
        let run = try makeRun()
        run.run("prep")
        try run.end(status: 1, reason: "halted")
        let r = try StatusReader.read(run.dir)
        XCTAssertEqual(r.condition.phase, .halted)
        XCTAssertEqual(r.condition.hint, "skein resume \(run.dir)")
        XCTAssertEqual(r.totals.ready, 2, "calc and side would run on resume")
        XCTAssertEqual(r.totals.unready, 1)
        let a = try AnalysisReader.read(run.dir)
        XCTAssertEqual(a.workflowStatus, "failure")
        XCTAssertEqual(a.exitCode, 2)
        XCTAssertTrue(AnalysisRenderer.text(a).contains("Workflow Status    : failure (halted)"))
    }

    func testStatisticsWallTimeNeedsAnEnd() throws {
        let run = try makeRun()
        run.run("prep")
        try run.flush()
        XCTAssertNil(try StatisticsReader.read(run.dir).workflowWallTime)
        try run.end(status: 0, reason: "succeeded")
        let s = try StatisticsReader.read(run.dir)
        XCTAssertEqual(s.workflowWallTime, 3)
        XCTAssertEqual(s.condition.phase, .succeeded)
    }

    func testNoDatabaseIsAnErrorForPegasusDirectories() throws {
        let dir = try Paths.temp(self)
        try PegasusSubmitFiles.writeBraindump(Braindump(wfUUID: "u", submitDir: dir, dag: "x-0.dag", properties: "p"), to: dir)
        XCTAssertThrowsError(try StatisticsReader.read(dir)) { XCTAssertEqual($0 as? ReportError, .noDatabase(dir + "/x-0.stampede.db")) }
        XCTAssertThrowsError(try AnalysisReader.read(dir))
        XCTAssertThrowsError(try StatusReader.read(dir))
    }
}
