import Foundation
import SkeinTestSupport
import XCTest

/// The job, edge and task rows of a run are written while its first jobs already run, under
/// job ids reserved first (issue 15: at a million jobs they held the first job back 46 s).
/// An engine killed before they are all written leaves a run that resumes, and the resumed
/// engine completes them under the ids its attempts already name.
final class JobRowsEndToEndTests: ReliabilityTestCase {
    func testAKillWhileTheJobRowsAreWrittenLeavesAResumableRun() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        let ids = (0..<600).map { String(format: "j%03d", $0) }
        wf.jobs = ids.enumerated().map { i, id in .init(id: id, script: "sleep 0.0\(i % 3)", parents: i >= 200 ? [ids[i - 200]] : []) }
        let workflowFile = try wf.write()
        let run = wf.runDirectory()
        let db = run.appendingPathComponent("test-0.stampede.db")
        environment["SKEIN_JOB_ROWS_SLICE"] = "100"
        // Fault injection: the row writer stops after its first slice (the file never appears),
        // so the kill below lands while the rows are incomplete on any machine.
        environment["SKEIN_JOB_ROWS_HOLD"] = scratch.appendingPathComponent("never").path
        let (engine, log) = try background(["run", workflowFile, "--batch", "--maxjobs", "4"], in: wf.directory)
        defer { if engine.isRunning { engine.terminate() } }
        // Polled without assertions: the database may not exist yet.
        func attemptsBeforeTheRows() -> Bool {
            let probe = try? SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
                import sqlite3, sys
                try:
                    c = sqlite3.connect(sys.argv[1])
                    print(c.execute("select (select count(*) from job_instance) > 0 and (select complete from skein_job_rows) = 0").fetchone()[0])
                except Exception:
                    print(0)
                """, db.path])
            return probe?.stdout.hasPrefix("1") == true
        }
        waitFor("attempts recorded while the job rows are written") { attemptsBeforeTheRows() || !engine.isRunning }
        XCTAssertTrue(engine.isRunning, "the run ended before: \(text(log))")
        kill(engine.processIdentifier, SIGKILL)
        XCTAssertTrue(waitForExit(engine, timeout: 60))
        XCTAssertEqual(try sql(db, "select complete from skein_job_rows"), ["0"], "killed before the rows were all written")
        let written = Int(try sql(db, "select count(*) from job").first ?? "") ?? -1
        XCTAssertEqual(written, 100, "the first slice of job rows, no more, at the kill")

        environment["SKEIN_JOB_ROWS_HOLD"] = nil

        let resumed = try SkeinBinary.run(["run", run.path, "--batch"], environment: environment, in: wf.directory)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertEqual(try sql(db, "pragma integrity_check"), ["ok"])
        XCTAssertEqual(try sql(db, "select complete, job_count from skein_job_rows"), ["1|\(ids.count + 1)"])
        XCTAssertEqual(try sql(db, "select count(*), max(job_id) - min(job_id) + 1 from job"), ["\(ids.count + 1)|\(ids.count + 1)"], "every job, ids in one run")
        XCTAssertEqual(try sql(db, "select count(*) from job_instance ji where not exists (select 1 from job j where j.job_id = ji.job_id)"), ["0"],
                       "every attempt names a job row")
        XCTAssertEqual(try sql(db, "select count(*) from task"), ["\(ids.count)"], "a task per compute job")
        XCTAssertEqual(try sql(db, "select count(*) from job_edge where parent_exec_job_id like 'j%' and child_exec_job_id like 'j%'"), ["400"])
        XCTAssertEqual(try sql(db, "select count(*) from job_instance where exitcode is null"), ["0"], "no attempt left open")
        let successes = try sql(db, "select j.exec_job_id, count(*) from job j join job_instance ji using (job_id) where ji.exitcode = 0 group by j.exec_job_id")
        XCTAssertEqual(successes.filter { $0.hasPrefix("j") }, ids.map { "\($0)|1" }, "every job succeeded exactly once")
        XCTAssertEqual(try sql(db, """
            select count(*) from job_instance ji join job j using (job_id) where ji.exitcode = 0 and j.exec_job_id like 'j%'
            and not exists (select 1 from invocation i where i.job_instance_id = ji.job_instance_id)
            """), ["0"], "succeeded attempts have their invocation")
    }
}
