import Foundation
import XCTest
@testable import SkeinProvenance

/// The writer: rows as Pegasus's readers expect them, batching, and id continuity on resume.
final class StampedeWriterTests: XCTestCase {
    func testRoundTripOfSmallRunWithRetries() throws {
        let dir = try TestPaths.tempDir(self)
        let run = SampleRun(dir: dir, failed: true)
        let (wf, jobs) = try run.write()
        let db = try SQLiteDatabase(path: run.dbPath, readOnly: true)

        let w = try XCTUnwrap(db.query("SELECT * FROM workflow").first)
        XCTAssertEqual(w["wf_id"].int, wf)
        XCTAssertEqual(w["wf_uuid"].string, run.wfUUID)
        XCTAssertEqual(w["root_wf_id"].int, wf, "the root workflow is its own root")
        XCTAssertTrue(w["parent_wf_id"].isNull)
        XCTAssertEqual(w["dag_file_name"].string, "sample-0.dag")
        XCTAssertEqual(try db.query("SELECT state, status FROM workflowstate ORDER BY timestamp").map { "\($0[0]) \($0[1])" },
                       ["WORKFLOW_STARTED NULL", "WORKFLOW_TERMINATED 1"])

        XCTAssertEqual(try db.int("SELECT count(*) FROM job"), 3)
        XCTAssertEqual(try db.scalar("SELECT type_desc FROM job WHERE exec_job_id = 'create_dir_sample_0_local'").string, "create-dir")
        XCTAssertEqual(try db.int("SELECT max_retries FROM job WHERE job_id = ?", [jobs["preprocess_ID0000001"]!]), 2)
        XCTAssertEqual(try db.int("SELECT count(*) FROM job_edge"), 2)
        XCTAssertEqual(try db.int("SELECT count(*) FROM task WHERE job_id IS NOT NULL"), 2)
        XCTAssertEqual(try db.int("SELECT count(*) FROM task_edge"), 1)
        XCTAssertEqual(try db.int("SELECT count(*) FROM host"), 1)

        // Attempts: 1 + 2 + 2; retries = instances - jobs = 2; submit seqs 1...5 as DAGMan numbers them.
        XCTAssertEqual(try db.int("SELECT count(*) FROM job_instance"), 5)
        XCTAssertEqual(try db.int("SELECT count(*) - count(DISTINCT job_id) FROM job_instance"), 2)
        XCTAssertEqual(try db.query("SELECT job_submit_seq FROM job_instance ORDER BY job_instance_id").compactMap { $0[0].int }, [1, 2, 3, 4, 5])
        XCTAssertEqual(try db.int("SELECT count(*) FROM job_instance WHERE multiplier_factor = 1 AND host_id IS NOT NULL"), 5)
        let last = """
            SELECT j.exec_job_id, ji.exitcode FROM job j JOIN job_instance ji ON ji.job_id = j.job_id
            WHERE ji.job_submit_seq = (SELECT max(job_submit_seq) FROM job_instance WHERE job_id = j.job_id) ORDER BY j.job_id
            """
        XCTAssertEqual(try db.query(last).map { "\($0[0])=\($0[1])" },
                       ["create_dir_sample_0_local=0", "preprocess_ID0000001=0", "analyze_ID0000002=256"])

        // jobstate numbered 1...4 per instance.
        XCTAssertEqual(try db.query("SELECT state, jobstate_submit_seq FROM jobstate WHERE job_instance_id = 5 ORDER BY jobstate_submit_seq")
            .map { "\($0[0])#\($0[1])" }, ["SUBMIT#1", "EXECUTE#2", "JOB_TERMINATED#3", "JOB_FAILURE#4"])

        // Invocations: raw wait status, workflow id filled in, abs_task_id only for tasks.
        XCTAssertEqual(try db.query("SELECT exitcode FROM invocation ORDER BY invocation_id").compactMap { $0[0].int }, [0, 256, 0, 512, 512])
        XCTAssertEqual(try db.int("SELECT count(*) FROM invocation WHERE wf_id = ?", [wf]), 5)
        XCTAssertEqual(try db.int("SELECT count(*) FROM invocation WHERE abs_task_id IS NULL"), 1)

        // stdout_text: quoted "#@ 1 stderr" section, as pegasus-analyzer splits it.
        let text = try XCTUnwrap(db.scalar("SELECT stdout_text FROM job_instance WHERE job_instance_id = 5").string)
        XCTAssertEqual(text, "#@ 1 stderr%0Aanalyze: cannot open input file %27f.b%27: No such file or directory%0A%0A")
        XCTAssertEqual(try db.integrityCheck(), "ok")
        XCTAssertEqual(try db.query("PRAGMA foreign_key_check").count, 0, "every reference resolves")
    }

    func testManyEventsOneFlushAllPresent() throws {
        let dir = try TestPaths.tempDir(self)
        let writer = try StampedeWriter(path: dir + "/big.stampede.db", batchSize: 256, flushInterval: 60)
        let wf = writer.insertWorkflow(WorkflowRow(wfUUID: "big"))
        let rows = (0..<2000).map { JobRow(execJobID: "job\($0)", typeDesc: .compute, executable: "/bin/true", taskCount: 1) }
        let jobs = writer.insertJobs(wf, rows)
        XCTAssertEqual(Set(jobs.values).count, 2000, "distinct ids returned at once")
        let start = Date()
        for (i, name) in jobs.keys.sorted().enumerated() {
            let ji = writer.beginInstance(InstanceStart(jobID: jobs[name]!, site: "local"))
            for state in [JobStateName.submit, .execute, .jobTerminated, .jobSuccess] {
                writer.jobState(ji, state, timestamp: Double(i))
            }
            writer.insertInvocation(InvocationRow(instanceID: ji, taskSubmitSeq: 1, startTime: Double(i), remoteDuration: 0.1,
                                                  exitcode: 0, transformation: "t", executable: "/bin/true", absTaskID: name))
            writer.finishInstance(ji, exitcode: 0, localDuration: 0.2, hostID: nil)
        }
        let enqueueTime = Date().timeIntervalSince(start)
        try writer.flush()
        let counts = try writer.read { db in
            try ["job", "job_instance", "jobstate", "invocation"].map { try db.int("SELECT count(*) FROM \($0)") }
        }
        XCTAssertEqual(counts, [2000, 2000, 8000, 2000])
        XCTAssertEqual(try writer.read { try $0.integrityCheck() }, "ok")
        XCTAssertLessThan(enqueueTime, 5, "queueing 14,000 writes must not wait on SQLite")
        try writer.close()
    }

    func testTimerFlushesWithoutExplicitFlush() throws {
        let dir = try TestPaths.tempDir(self)
        let path = dir + "/t.db"
        let writer = try StampedeWriter(path: path, batchSize: 1000, flushInterval: 0.05)
        _ = writer.insertWorkflow(WorkflowRow(wfUUID: "timer"))
        let reader = try SQLiteDatabase(path: path, readOnly: true)
        let deadline = Date().addingTimeInterval(5)
        while try reader.int("SELECT count(*) FROM workflow") == 0, Date() < deadline { usleep(20_000) }
        XCTAssertEqual(try reader.int("SELECT count(*) FROM workflow"), 1)
        try writer.close()
    }

    func testIdsContinueAfterReopenAndResumeState() throws {
        let dir = try TestPaths.tempDir(self)
        let run = SampleRun(dir: dir, failed: true)
        let (wf, jobs) = try run.write()

        let writer = try StampedeWriter(path: run.dbPath)
        XCTAssertEqual(writer.insertWorkflow(WorkflowRow(wfUUID: run.wfUUID)), wf, "same uuid, same workflow")
        let again = writer.insertJobs(wf, [JobRow(execJobID: "analyze_ID0000002", typeDesc: .compute, executable: "x"),
                                           JobRow(execJobID: "report_ID0000003", typeDesc: .compute, executable: "x")])
        XCTAssertEqual(again["analyze_ID0000002"], jobs["analyze_ID0000002"])
        XCTAssertEqual(again["report_ID0000003"], 4)
        XCTAssertEqual(writer.host(wf, site: "local", hostname: "node1", ip: "127.0.0.1"), 1, "host found in the file")
        let state = try writer.resumeState(wf)
        XCTAssertEqual(state.succeeded, ["create_dir_sample_0_local", "preprocess_ID0000001"])
        XCTAssertEqual(state.failed, ["analyze_ID0000002"])
        XCTAssertEqual(state.attempts["analyze_ID0000002"], 2)
        XCTAssertEqual(state.nextSubmitSeq(forJob: "analyze_ID0000002"), 6)
        XCTAssertEqual(state.nextWorkflowSubmitSeq, 6)

        let ji = writer.beginInstance(InstanceStart(jobID: jobs["analyze_ID0000002"]!))
        XCTAssertEqual(ji, 6)
        writer.jobState(ji, .submit, timestamp: 1)
        let inv = writer.insertInvocation(InvocationRow(instanceID: ji, taskSubmitSeq: 1, startTime: 1, remoteDuration: 1,
                                                        exitcode: 0, transformation: "analyze", executable: "/bin/analyze"))
        XCTAssertEqual(inv, 6)
        XCTAssertEqual(writer.host(wf, site: "slurm", hostname: "n2", ip: "10.0.0.2"), 2)
        writer.workflowState(wf, .started, timestamp: SampleRun.t0 + 100, restartCount: 1)
        try writer.close()

        let state2 = try XCTUnwrap(StampedeResumeState.load(databasePath: run.dbPath))
        XCTAssertEqual(state2.interrupted, ["analyze_ID0000002"], "an attempt without exitcode was cut short")
        XCTAssertEqual(state2.lastSubmitSeq["analyze_ID0000002"], 6)
    }

    func testFailedWriteIsReportedAndOthersKept() throws {
        let dir = try TestPaths.tempDir(self)
        let writer = try StampedeWriter(path: dir + "/e.db", flushInterval: 60)
        let wf = writer.insertWorkflow(WorkflowRow(wfUUID: "e"))
        let job = writer.insertJobs(wf, [JobRow(execJobID: "a", typeDesc: .compute, executable: "x")])["a"]!
        let ji = writer.beginInstance(InstanceStart(jobID: job, submitSeq: 7))
        writer.jobState(ji, .submit, timestamp: 1, seq: 1)
        writer.jobState(ji, .submit, timestamp: 1, seq: 1)  // duplicate primary key
        writer.jobState(ji, .execute, timestamp: 2)
        XCTAssertThrowsError(try writer.flush()) { error in
            XCTAssertTrue("\(error)".contains("jobstate"), "\(error)")
            XCTAssertTrue("\(error)".contains("e.db"), "names the database: \(error)")
        }
        XCTAssertEqual(try writer.read { try $0.int("SELECT count(*) FROM jobstate") }, 2)
        XCTAssertNoThrow(try writer.flush(), "an error is reported once")
        try writer.close()
        writer.workflowMeta(wf, key: "late", value: "x")
        XCTAssertThrowsError(try writer.flush(), "writes after close are refused")
    }
}
