import Foundation
import XCTest
import SkeinTestSupport

/// `--cluster` with the real binary: horizontal and label clusters run their tasks in order
/// in one slot under skein-kickstart, write one record per task with pegasus-cluster's lines,
/// stop at the first failing task, and a retry skips the tasks that succeeded; provenance has
/// one job instance per attempt with one invocation per task, as Pegasus's tools count it.
final class ClusteringEndToEndTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-e2e-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path]
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    func skein(_ arguments: [String]) throws -> SkeinBinary.Output {
        try SkeinBinary.run(arguments, environment: environment, in: scratch)
    }

    func sql(_ database: URL, _ query: String) throws -> [String] {
        let out = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import sqlite3, sys
            for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join('' if v is None else str(v) for v in row))
            """, database.path, query])
        XCTAssertEqual(out.status, 0, out.stderr)
        return out.stdout.split(separator: "\n").map(String.init)
    }

    func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    /// Five independent jobs that each append their name to `log.txt` in the scratch folder
    /// (sharedfs) and say hello; `clusters.size: 2` on each.
    func fiveJobs(profiles: [String: [String: String]] = ["pegasus": ["clusters.size": "2"]]) -> TestWorkflow {
        var workflow = TestWorkflow(in: scratch)
        workflow.name = "five"
        workflow.dataConfiguration = "sharedfs"  // every task appends to one undeclared log.txt
        workflow.jobs = (1...5).map { TestWorkflow.Job(id: "t\($0)", script: "echo t\($0) >> log.txt; echo hello from t\($0)", profiles: profiles) }
        return workflow
    }

    func testHorizontalBySizeRunsEachClusterInOneSlotWithAnInvocationPerTask() throws {
        let workflow = fiveJobs()
        let file = try workflow.write()
        let result = try skein(["run", file, "--batch", "--dir", "runs", "--cluster", "horizontal"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let run = workflow.runDirectory()
        let jobs = run.appendingPathComponent("jobs/000")
        // The record of a cluster: one invocation per task, a cluster-task line after each, the summary last.
        let record = text(jobs.appendingPathComponent("merge_sh_PID1_ID1.out.000"))
        XCTAssertEqual(record.components(separatedBy: "- invocation: True").count - 1, 2, record)
        XCTAssertEqual(record.split(separator: "\n").filter { $0.hasPrefix("[cluster-task id=") }.count, 2)
        XCTAssertTrue(record.split(separator: "\n").last?.hasPrefix("[cluster-summary stat=\"ok\", lines=4, tasks=2, succeeded=2, failed=0, extra=0, duration=") ?? false, record)
        XCTAssertTrue(record.contains("hello from t2"), "each task's output is in its record, as pegasus-kickstart keeps it")
        XCTAssertEqual(Set(text(workflow.scratch().appendingPathComponent("log.txt")).split(separator: "\n")), ["t1", "t2", "t3", "t4", "t5"])

        let db = run.appendingPathComponent("five-0.stampede.db")
        XCTAssertEqual(try sql(db, "SELECT exec_job_id, type_desc, clustered, task_count FROM job WHERE type_desc = 'compute' ORDER BY exec_job_id"),
                       ["merge_sh_PID1_ID1|compute|1|2", "merge_sh_PID1_ID2|compute|1|2", "merge_sh_PID1_ID3|compute|1|1"])
        XCTAssertEqual(try sql(db, "SELECT count(*) FROM task"), ["5"])
        XCTAssertEqual(try sql(db, """
            SELECT j.exec_job_id, i.task_submit_seq, i.abs_task_id, i.exitcode FROM invocation i JOIN job_instance ji USING (job_instance_id)
            JOIN job j USING (job_id) WHERE j.clustered = 1 ORDER BY j.exec_job_id, i.task_submit_seq
            """), ["merge_sh_PID1_ID1|1|t1|0", "merge_sh_PID1_ID1|2|t2|0", "merge_sh_PID1_ID2|1|t3|0", "merge_sh_PID1_ID2|2|t4|0", "merge_sh_PID1_ID3|1|t5|0"])
        XCTAssertEqual(try sql(db, "SELECT count(*) FROM job_instance ji JOIN job j USING (job_id) WHERE j.clustered = 1"), ["3"], "one instance per cluster")
        // In one slot: a cluster's second task starts after its first ended.
        let times = try sql(db, """
            SELECT i.start_time, i.remote_duration FROM invocation i JOIN job_instance ji USING (job_instance_id) JOIN job j USING (job_id)
            WHERE j.exec_job_id = 'merge_sh_PID1_ID1' ORDER BY i.task_submit_seq
            """).map { $0.split(separator: "|").compactMap { Double($0) } }
        XCTAssertEqual(times.count, 2)
        XCTAssertGreaterThanOrEqual(times[1][0] + 0.002, times[0][0] + times[0][1])
    }

    func testLabelClustersRunDependentTasksInOrder() throws {
        var workflow = TestWorkflow(in: scratch)
        workflow.name = "chain"
        workflow.dataConfiguration = "sharedfs"  // order.txt is no declared file
        let label = ["pegasus": ["label": "steps"]]
        workflow.jobs = [
            TestWorkflow.Job(id: "c", script: "echo c >> order.txt", parents: ["b"], profiles: label),
            TestWorkflow.Job(id: "a", script: "echo a >> order.txt", profiles: label),
            TestWorkflow.Job(id: "b", script: "echo b >> order.txt", parents: ["a"], profiles: label),
            TestWorkflow.Job(id: "after", script: "cat order.txt", parents: ["c"]),
        ]
        let file = try workflow.write()
        let result = try skein(["run", file, "--batch", "--dir", "runs", "-C", "label"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(text(workflow.scratch().appendingPathComponent("order.txt")), "a\nb\nc\n")
        let db = workflow.runDirectory().appendingPathComponent("chain-0.stampede.db")
        XCTAssertEqual(try sql(db, "SELECT exec_job_id FROM job WHERE clustered = 1"), ["merge_steps"])
        XCTAssertEqual(try sql(db, "SELECT parent_exec_job_id FROM job_edge WHERE child_exec_job_id = 'after' AND parent_exec_job_id NOT LIKE 'create_dir%'"),
                       ["merge_steps"])
    }

    func testAFailingTaskStopsTheClusterAndTheRetrySkipsTheTasksThatSucceeded() throws {
        var workflow = TestWorkflow(in: scratch)
        workflow.name = "stop"
        workflow.dataConfiguration = "sharedfs"  // ran.txt is no declared file
        let flag = scratch.appendingPathComponent("fixed")
        let label = ["pegasus": ["label": "all"]]
        workflow.jobs = [
            TestWorkflow.Job(id: "t1", script: "echo t1 >> ran.txt", profiles: label),
            TestWorkflow.Job(id: "t2", script: "echo t2 >> ran.txt; test -e '\(flag.path)' || { echo t2 is broken >&2; exit 3; }", profiles: label),
            TestWorkflow.Job(id: "t3", script: "echo t3 >> ran.txt", profiles: label),
        ]
        let file = try workflow.write()
        let first = try skein(["run", file, "--batch", "--dir", "runs", "--cluster", "label", "--retries", "0"])
        XCTAssertEqual(first.status, 1, first.stdout + first.stderr)
        let ran = workflow.scratch().appendingPathComponent("ran.txt")
        XCTAssertEqual(text(ran), "t1\nt2\n", "the first failing task ends the cluster")
        let run = workflow.runDirectory()
        let record = text(run.appendingPathComponent("jobs/000/merge_all.out.000"))
        XCTAssertTrue(record.contains("[cluster-summary stat=\"fail\", lines=6, tasks=2, succeeded=1, failed=1,"), record)

        let analyze = try skein(["analyze", run.path])
        XCTAssertTrue(analyze.stdout.contains("reason: task t2 (sh, task 2 of the cluster) failed: exit code 3"), analyze.stdout)
        XCTAssertTrue(analyze.stdout.contains("t2 is broken"), analyze.stdout)

        FileManager.default.createFile(atPath: flag.path, contents: nil)
        let retry = try skein(["retry", run.path, "merge_all", "--batch"])
        XCTAssertEqual(retry.status, 0, retry.stdout + retry.stderr)
        XCTAssertEqual(text(ran), "t1\nt2\nt2\nt3\n", "t1 succeeded before: not run again")
        let again = text(run.appendingPathComponent("jobs/000/merge_all.in.001"))
        XCTAssertFalse(again.contains("t1"), again)

        let db = run.appendingPathComponent("stop-0.stampede.db")
        let rows = try sql(db, """
            SELECT ji.job_submit_seq, i.task_submit_seq, i.abs_task_id, i.exitcode FROM invocation i JOIN job_instance ji USING (job_instance_id)
            JOIN job j USING (job_id) WHERE j.exec_job_id = 'merge_all' ORDER BY ji.job_submit_seq, i.task_submit_seq
            """)
        let instances = Array(Set(rows.map { $0.split(separator: "|")[0] })).sorted { Int($0)! < Int($1)! }
        XCTAssertEqual(instances.count, 2, "one instance per attempt")
        XCTAssertEqual(rows.map { row -> String in
            var parts = row.split(separator: "|").map(String.init)
            parts[0] = String(instances.firstIndex(of: Substring(parts[0]))! + 1)
            return parts.joined(separator: "|")
        }, ["1|1|t1|0", "1|2|t2|768", "2|1|t1|0", "2|2|t2|0", "2|3|t3|0"],
            "the retry's instance carries t1's earlier result, so its last attempt holds every task")
    }

    func testPegasusStatisticsCountsTasksAndJobsApart() throws {
        let tools: PegasusTools
        do { tools = try PegasusTools.locate(repository: SkeinBinary.repository) } catch let why as PegasusTools.Unavailable { throw missingRealPart(why.description) }
        let workflow = fiveJobs()
        let file = try workflow.write()
        let result = try skein(["run", file, "--batch", "--dir", "runs", "--cluster", "horizontal"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let run = workflow.runDirectory().path
        let pegasus = try tools.run("pegasus-statistics", ["-s", "all", run], environment: environment)
        XCTAssertEqual(pegasus.status, 0, pegasus.stdout + pegasus.stderr)
        let ours = try skein(["statistics", run])
        // Succeeded, Failed, Incomplete, Total, Retries, Total+Retries: 5 tasks in 3 clusters (+ create_dir).
        XCTAssertEqual(PegasusTools.row("Tasks", in: pegasus.stdout), [5, 0, 0, 5, 0, 5], pegasus.stdout)
        XCTAssertEqual(PegasusTools.row("Jobs", in: pegasus.stdout), [4, 0, 0, 4, 0, 4], pegasus.stdout)
        XCTAssertEqual(PegasusTools.row("Tasks", in: ours.stdout), PegasusTools.row("Tasks", in: pegasus.stdout))
        XCTAssertEqual(PegasusTools.row("Jobs", in: ours.stdout), PegasusTools.row("Jobs", in: pegasus.stdout))
    }

    func testAWorkflowWithoutClusterOptionIsPlannedAsBefore() throws {
        let workflow = fiveJobs()
        let file = try workflow.write()
        let result = try skein(["plan", file, "--dir", "runs"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let plan = text(workflow.runDirectory().appendingPathComponent("plan.json"))
        XCTAssertFalse(plan.contains("merge_"))
        let bad = try skein(["plan", file, "--dir", "runs", "--cluster", "vertical"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--cluster takes horizontal or label"), bad.stderr)
    }
}
