import Foundation
import XCTest

/// `skein run` end to end: real processes, a real run directory, a real SQLite database.
final class RunTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path]
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func skein(_ arguments: [String], in directory: URL? = nil) throws -> SkeinBinary.Output {
        try SkeinBinary.run(arguments, environment: environment, in: directory ?? scratch)
    }

    func sql(_ database: URL, _ query: String) throws -> [String] {
        let out = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import sqlite3, sys
            for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join('' if v is None else str(v) for v in row))
            """, database.path, query])
        XCTAssertEqual(out.status, 0, out.stderr)
        return out.stdout.split(separator: "\n").map(String.init)
    }

    func testDiamondExampleRunsEndToEnd() throws {
        let example = SkeinBinary.repository.appendingPathComponent("Examples/diamond/workflow.yml").path
        let result = try skein(["run", example, "--batch", "--dir", scratch.appendingPathComponent("runs").path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("workflow diamond succeeded: 9 succeeded, 0 failed, 9 jobs"), result.stdout)
        let run = scratch.appendingPathComponent("runs/diamond/run0001")
        let db = run.appendingPathComponent("diamond-0.stampede.db")
        XCTAssertEqual(try sql(db, "select exec_job_id, exitcode from job join job_instance using(job_id) order by job_submit_seq"),
                       ["create_dir_diamond_0_local|0", "stage_in_local_local_0_0|0", "preprocess|0", "findrange_1|0", "findrange_2|0", "clean_up_local_level_0_0|0", "analyze|0",
                        "clean_up_local_level_1_0|0", "clean_up_local_level_2_0|0"], "f.a staged in (condorio) and in-place cleanup after each level, as Pegasus's defaults")
        XCTAssertEqual(try sql(db, "pragma integrity_check"), ["ok"])
        XCTAssertEqual(try sql(db, "select state, restart_count, status from workflowstate order by timestamp"), ["WORKFLOW_STARTED|0|", "WORKFLOW_TERMINATED|0|0"])
        XCTAssertEqual(try sql(db, "select count(*) from invocation"), ["4"])
        XCTAssertEqual(try sql(db, "select count(*) from job_instance join job using(job_id) where type_desc not in ('cleanup', 'create-dir', 'stage-in-tx') and (sched_id is null or sched_id = '')"), ["0"],
                       "every attempt of a process has its process id as sched_id (cleanup, create_dir and stage-in run in the engine)")
        // Only the result is left in scratch: the intermediate files went with in-place cleanup.
        let jobScratch = try SkeinBinary.scratchDirectory(of: run)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: jobScratch).sorted(), ["f.d"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: SkeinBinary.repository.appendingPathComponent("Examples/diamond/f.a").path), "the replica itself is kept")
        for file in ["braindump.yml", "monitord.started", "monitord.done", "plan.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), file)
        }
    }

    func testMetadataLandsInProvenance() throws {
        let example = SkeinBinary.repository.appendingPathComponent("Examples/split-merge/workflow.yml").path
        XCTAssertEqual(try skein(["run", example, "--batch", "--dir", scratch.appendingPathComponent("runs").path]).status, 0)
        let db = scratch.appendingPathComponent("runs/split-merge/run0001/split-merge-0.stampede.db")
        let taskMeta = try sql(db, "select t.abs_task_id, m.key, m.value from task_meta m join task t using(task_id) order by 1, 2")
        XCTAssertFalse(taskMeta.isEmpty, "job metadata becomes task_meta")
        XCTAssertFalse(try sql(db, "select key, value from workflow_meta").isEmpty, "workflow metadata becomes workflow_meta")
    }

    func testFailingExampleFailsWithTheRightReasons() throws {
        let example = SkeinBinary.repository.appendingPathComponent("Examples/failing/workflow.yml").path
        let result = try skein(["run", example, "--batch", "--dir", scratch.appendingPathComponent("runs").path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("calibrate failed: exit code 3, retrying"), result.stdout)
        XCTAssertTrue(result.stdout.contains("calibrate failed: exit code 3\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains("report will not run: calibrate failed"), result.stdout)
        let db = scratch.appendingPathComponent("runs/failing/run0001/failing-0.stampede.db")
        XCTAssertEqual(try sql(db, "select job_submit_seq, exitcode from job join job_instance using(job_id) where exec_job_id = 'calibrate' order by job_submit_seq").map { $0.split(separator: "|")[1] }, ["768", "768"])
        XCTAssertEqual(try sql(db, "select count(*) from job join job_instance using(job_id) where exec_job_id = 'report'"), ["0"])
        XCTAssertEqual(try sql(db, "select reason from jobstate where state = 'JOB_FAILURE'"), ["exit code 3", "exit code 3"])
        XCTAssertTrue(try sql(db, "select stderr_text from job_instance where exitcode != 0").allSatisfy { $0.contains("calibration file cal.dat is missing") })
    }

    func testRetriesSucceedOnTheThirdAttempt() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // a counter the attempts share
        wf.jobs = [.init(id: "flaky", script: "n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo attempt $n; [ $n -ge 3 ]",
                         profiles: ["dagman": ["RETRY": "2"]])]
        _ = try wf.write()
        // A relative workflow path, as users type it: every planned path is absolute anyway.
        let result = try skein(["run", "workflow.yml", "--batch"], in: wf.directory)
        XCTAssertEqual(result.status, 0, result.stdout)
        XCTAssertEqual(result.stdout.components(separatedBy: "flaky failed: exit code 1, retrying").count - 1, 2)
        XCTAssertTrue(result.stdout.contains("flaky started (attempt 3)"))
        let jobs = wf.runDirectory().appendingPathComponent("jobs/000")
        XCTAssertEqual(try String(contentsOf: jobs.appendingPathComponent("flaky.stdout.002"), encoding: .utf8), "attempt 3\n")
        XCTAssertEqual(try String(contentsOf: jobs.appendingPathComponent("flaky.stdout.000"), encoding: .utf8), "attempt 1\n")
    }

    func testWalltimeFailureMessageAndMissingOutput() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.jobs = [
            .init(id: "slow", script: "sleep 30", profiles: ["pegasus": ["maxwalltime": "0.02"]]),
            .init(id: "liar", script: "echo 'ERROR: input corrupt'; exit 0", profiles: ["pegasus": ["exitcode.failuremsg": "ERROR:"]]),
            .init(id: "quiet", script: "echo working", profiles: ["pegasus": ["exitcode.successmsg": "all done"]]),
            .init(id: "lazy", script: "true", outputs: ["result.txt"]),
        ]
        let started = Date()
        let result = try skein(["run", try wf.write(), "--batch", "--maxjobs", "4"], in: wf.directory)
        XCTAssertEqual(result.status, 1)
        XCTAssertLessThan(Date().timeIntervalSince(started), 20, "the walltime kill did not wait for sleep 30")
        XCTAssertTrue(result.stdout.contains("slow failed: killed after exceeding its maxwalltime of 1.2 s"), result.stdout)
        XCTAssertTrue(result.stdout.contains("liar failed: failure message found in the output: \"ERROR:\""), result.stdout)
        XCTAssertTrue(result.stdout.contains("quiet failed: success message missing from the output: \"all done\""), result.stdout)
        XCTAssertTrue(result.stdout.contains("lazy failed: declared output not produced: result.txt"), result.stdout)
    }

    func testEveryAttemptHasAKickstartRecordLikePegasus() throws {
        let example = SkeinBinary.repository.appendingPathComponent("Examples/failing/workflow.yml").path
        _ = try skein(["run", example, "--batch", "--dir", scratch.appendingPathComponent("runs").path])
        let jobs = scratch.appendingPathComponent("runs/failing/run0001/jobs/000")
        let fixtures = SkeinBinary.fixtures.appendingPathComponent("kickstart")
        // Same keys as the real records, at the top (plus hostname), in mainjob and in its status.
        let compare = """
            import sys, yaml
            def keys(path):
                r = yaml.safe_load(open(path))[0]
                return set(r), set(r['mainjob']), set(r['mainjob']['status']), r
            for ours, theirs in [(sys.argv[1], sys.argv[3]), (sys.argv[2], sys.argv[4])]:
                a, b = keys(ours), keys(theirs)
                # Skein also names the host (hostname), which the issue asks for.
                assert a[0] - {'hostname'} == b[0], (ours, a[0] ^ b[0])
                assert a[1] == b[1], (ours, a[1] ^ b[1])
                assert a[2] == b[2], (ours, a[2] ^ b[2])
            failed = keys(sys.argv[2])[3]
            assert failed['mainjob']['status']['raw'] == 768 and failed['mainjob']['status']['regular_exitcode'] == 3
            assert 'cal.dat is missing' in failed['files']['stderr']['data']
            ok = keys(sys.argv[1])[3]
            assert ok['derivation'] == 'acquire' and ok['resource'] == 'local' and ok['wf-label'] == 'failing'
            print('ok')
            """
        let result = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), [
            "python3", "-c", compare, jobs.appendingPathComponent("acquire.out.000").path, jobs.appendingPathComponent("calibrate.out.001").path,
            fixtures.appendingPathComponent("ks_success_real.yml").path, fixtures.appendingPathComponent("ks_failed_real.yml").path,
        ])
        XCTAssertEqual(result.stdout, "ok\n", result.stderr)
    }

    /// maxrss is each job's own peak, not the engine's: Linux carries the peak RSS of whoever
    /// calls exec into the new program, so jobs must not be exec'd from the engine's memory.
    func testEachJobReportsItsOwnMemoryPeak() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.jobs = [
            .init(id: "small", script: "true"),
            .init(id: "big", script: "exec python3 -c 'x = b\"m\" * (96 * 2**20); print(len(x))'"),
        ]
        let result = try skein(["run", try wf.write(), "--batch"], in: wf.directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let db = wf.runDirectory().appendingPathComponent("test-0.stampede.db")
        let rows = try sql(db, "select exec_job_id, maxrss from invocation join job_instance using(job_instance_id) join job using(job_id)")
        let peaks = Dictionary(uniqueKeysWithValues: rows.map { row in
            let parts = row.split(separator: "|")
            return (String(parts[0]), Int(parts[1]) ?? -1)
        })
        let small = try XCTUnwrap(peaks["small"], rows.joined(separator: "\n"))
        let big = try XCTUnwrap(peaks["big"], rows.joined(separator: "\n"))
        XCTAssertGreaterThan(small, 0)
        XCTAssertLessThan(small, 16 * 1024, "a shell running `true` peaks at a few MB (KB: \(small))")
        XCTAssertGreaterThanOrEqual(big, 96 * 1024, "the 96 MiB the job allocated (KB: \(big))")
        XCTAssertLessThan(big, 160 * 1024, "KB: \(big)")
        // avg_cpu as Pegasus's monitord fills it: cpu time over wall time.
        let cpu = try sql(db, "select remote_cpu_time, remote_duration, avg_cpu from invocation where abs_task_id = 'big'")
        let numbers = try XCTUnwrap(cpu.first).split(separator: "|").compactMap { Double($0) }
        XCTAssertEqual(numbers.count, 3, cpu.joined())
        if numbers.count == 3 { XCTAssertEqual(numbers[2], numbers[0] / numbers[1], accuracy: 1e-9) }
        let record = try String(contentsOf: wf.runDirectory().appendingPathComponent("jobs/000/small.out.000"), encoding: .utf8)
        XCTAssertTrue(record.contains("maxrss: \(small)\n"), "the kickstart record says the same:\n\(record)")
    }

    /// An executable that vanished between planning and running fails its job with the reason
    /// (the engine used to hang here), and the rest of the run still ends.
    func testExecutableGoneAfterPlanningFailsTheJob() throws {
        let wf = scratch.appendingPathComponent("gone")
        try FileManager.default.createDirectory(at: wf, withIntermediateDirectories: true)
        let tool = wf.appendingPathComponent("tool")
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: tool.path)
        try "pegasus: 5.0.4\nname: gone\njobs:\n- {type: job, name: tool, id: a, arguments: [], uses: []}\n"
            .write(to: wf.appendingPathComponent("workflow.yml"), atomically: true, encoding: .utf8)
        try "pegasus: 5.0.4\nsites:\n- name: local\n  directories:\n  - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch', operation: all}]}\n"
            .write(to: wf.appendingPathComponent("sites.yml"), atomically: true, encoding: .utf8)
        try "pegasus: 5.0.4\ntransformations:\n- name: tool\n  sites: [{name: local, pfn: \(tool.path), type: installed}]\n"
            .write(to: wf.appendingPathComponent("transformations.yml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try skein(["plan", "workflow.yml", "--dir", "runs"], in: wf).status, 0)
        try FileManager.default.removeItem(at: tool)
        let result = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/timeout"),
                                                ["60", SkeinBinary.url.path, "run", "runs/gone/run0001", "--batch"],
                                                environment: environment, in: wf)
        XCTAssertEqual(result.status, 1, "fails, not hangs (124 is timeout's): " + result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("a failed: could not start \(tool.path): No such file or directory"), result.stdout)
        XCTAssertTrue(result.stdout.contains("workflow gone failed: 1 succeeded, 1 failed, 2 jobs"), result.stdout)
    }

    func testDetachedEngineOutlivesTheCommandAndLogsToTheRun() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.jobs = [.init(id: "nap", script: "sleep 0.5; echo rested > rested.txt", outputs: ["rested.txt"])]
        let result = try skein(["run", try wf.write()], in: wf.directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("engine started (pid "), result.stdout)
        let run = wf.runDirectory()
        let done = run.appendingPathComponent("monitord.done")
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: done.path) && Date() < deadline { usleep(50_000) }
        let log = try String(contentsOf: run.appendingPathComponent("engine.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("workflow test succeeded: 2 succeeded, 0 failed, 2 jobs"), log)
        XCTAssertEqual(try String(contentsOf: wf.scratch().appendingPathComponent("rested.txt"), encoding: .utf8), "rested\n")
    }

    func testWorkflowAndJobHooksRunWithPegasusEnvironment() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.jobs = [.init(id: "a", script: "true")]
        var path = try wf.write()
        // Add hooks the way the Pegasus API writes them.
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let marker = scratch.appendingPathComponent("events").path
        text = text.replacingOccurrences(of: "jobs:\n", with: "hooks:\n  shell:\n  - {_on: start, cmd: 'echo wf-$PEGASUS_EVENT >> \(marker)'}\n  - {_on: success, cmd: 'echo wf-success-$PEGASUS_STATUS >> \(marker)'}\njobs:\n")
        text = text.replacingOccurrences(of: "  uses: []\n", with: "  uses: []\n  hooks:\n    shell:\n    - {_on: success, cmd: 'echo job-$PEGASUS_JOBID >> \(marker)'}\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        path = wf.directory.appendingPathComponent("workflow.yml").path
        XCTAssertEqual(try skein(["run", path, "--batch"], in: wf.directory).status, 0)
        let events = try String(contentsOfFile: marker, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(events, ["wf-start", "job-a", "wf-success-0"])
    }

    func testBadInputExitsTwoAndWritesNoRun() throws {
        let path = scratch.appendingPathComponent("bad.yml")
        try "pegasus: 5.0.4\nname: bad\njobs: []\n".write(to: path, atomically: true, encoding: .utf8)
        let result = try skein(["run", path.path, "--batch"])
        XCTAssertEqual(result.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("runs").path))
    }
}
