import Foundation
import SkeinTestSupport
import XCTest

/// The journal compacted while the engine runs (`SKEIN_JOURNAL_COMPACTION_EVERY`, here every
/// few attempts), the engine killed with SIGKILL after some compactions, and resumed: nothing
/// that succeeded runs again and the database is complete (issue 15).
final class JournalCompactionEndToEndTests: ReliabilityTestCase {
    func testAKillAfterCompactionsResumesWithoutRerunningSucceededJobs() throws {
        try killAfterCompactionsAndResume()
    }

    /// A run whose database has no `skein_job_rows` mark (an engine before it wrote its rows):
    /// the resumed engine, whose plan has its succeeded jobs as skeletons, checks the rows
    /// themselves against the whole plan, and marks them for the next restart.
    func testAResumeWithoutTheRowsMarkChecksTheRowsAndMarksThem() throws {
        try killAfterCompactionsAndResume { db in
            XCTAssertEqual(try self.sql(db, "select count(*) from skein_job_rows"), ["1"], "the first engine marked its rows")
            _ = try self.sql(db, "delete from skein_job_rows")
        }
    }

    func killAfterCompactionsAndResume(beforeResume: (URL) throws -> Void = { _ in }) throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // every job appends to one ran.log
        let ids = (0..<90).map { String(format: "j%03d", $0) }
        wf.jobs = ids.enumerated().map { i, id in
            .init(id: id, script: "echo $PEGASUS_JOBID >> ran.log; sleep 0.0\(i % 5)", parents: i >= 30 ? [ids[i - 30]] : [])
        }
        let workflowFile = try wf.write()
        let run = wf.runDirectory()
        let checkpoint = run.appendingPathComponent("engine.journal.checkpoint")
        environment["SKEIN_JOURNAL_COMPACTION_EVERY"] = "7"
        let (engine, log) = try background(["run", workflowFile, "--batch", "--maxjobs", "4"], in: wf.directory)
        defer { if engine.isRunning { engine.terminate() } }
        func generation() -> Int {
            text(checkpoint).split(separator: "\n").first { $0.hasPrefix("generation ") }.flatMap { Int($0.dropFirst("generation ".count)) } ?? 0
        }
        waitFor("three compactions") { generation() >= 3 || !engine.isRunning }
        XCTAssertTrue(engine.isRunning, "the run ended before three compactions: \(text(log))")
        kill(engine.processIdentifier, SIGKILL)
        XCTAssertTrue(waitForExit(engine, timeout: 60))
        XCTAssertTrue(text(run.appendingPathComponent("engine.journal")).hasPrefix("G "), "the journal was compacted")

        let db = run.appendingPathComponent("test-0.stampede.db")
        try beforeResume(db)
        let resumed = try SkeinBinary.run(["run", run.path, "--batch"], environment: environment, in: wf.directory)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertEqual(try sql(db, "select j.job_count, j.first_job_id = (select min(job_id) from job) from skein_job_rows j"), ["\(ids.count + 1)|1"],
                       "the rows are marked complete, numbered in plan order")
        XCTAssertEqual(try sql(db, "pragma integrity_check"), ["ok"])
        XCTAssertEqual(try sql(db, "select count(*) from job_instance where exitcode is null"), ["0"], "no attempt left open")
        let successes = try sql(db, "select j.exec_job_id, count(*) from job j join job_instance ji using (job_id) where ji.exitcode = 0 group by j.exec_job_id")
        XCTAssertEqual(successes.filter { $0.hasPrefix("j") }, ids.map { "\($0)|1" }, "every job succeeded exactly once")
        XCTAssertEqual(successes.count, ids.count + 1, "and the run's create-dir job")
        XCTAssertEqual(try sql(db, """
            select count(*) from job_instance a join job_instance b on a.job_id = b.job_id
            where a.exitcode = 0 and b.job_submit_seq > a.job_submit_seq
            """), ["0"], "no attempt after a success")
        XCTAssertEqual(try sql(db, """
            select count(*) from job_instance ji join job j using (job_id) where ji.exitcode = 0 and j.exec_job_id like 'j%'
            and not exists (select 1 from invocation i where i.job_instance_id = ji.job_instance_id)
            """), ["0"], "succeeded attempts have their invocation")
        // Each run of a job left a line; a job ran more than once only when killed mid-run.
        var runs: [String: Int] = [:]
        for line in text(wf.scratch().appendingPathComponent("ran.log")).split(separator: "\n") { runs[String(line), default: 0] += 1 }
        let rows = try sql(db, "select j.exec_job_id, count(*) from job j join job_instance ji using (job_id) group by j.exec_job_id")
        for row in rows {
            let p = row.split(separator: "|")
            XCTAssertLessThanOrEqual(runs[String(p[0])] ?? 0, Int(p[1]) ?? 0, "\(p[0]) ran more often than it has attempts")
        }
        XCTAssertEqual(Set(runs.keys), Set(ids))
    }
}
