import Foundation
import XCTest
import SkeinTestSupport

/// Workflows on a real one-node Slurm (scripts/slurm/cluster.sh, started by scripts/test.sh,
/// which exports SLURM_CONF). Without a cluster these tests are skipped, saying why.
final class SlurmTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]
    var jobcomp = ""

    override func setUpWithError() throws {
        guard let conf = ProcessInfo.processInfo.environment["SLURM_CONF"], FileManager.default.fileExists(atPath: conf) else {
            throw missingRealPart("no Slurm cluster: start one with scripts/slurm/cluster.sh start DIR and export SLURM_CONF (scripts/test.sh does)")
        }
        let config = try String(contentsOfFile: conf, encoding: .utf8)
        jobcomp = config.split(separator: "\n").first { $0.hasPrefix("JobCompLoc=") }.map { String($0.dropFirst("JobCompLoc=".count)) } ?? ""
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-slurm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path, "SLURM_CONF": conf]
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    /// A workflow whose `sh` jobs run on the Slurm site `hpc` (and `local-sh` ones locally).
    func write(_ jobs: [TestWorkflow.Job], name: String) throws -> TestWorkflow {
        var wf = TestWorkflow(in: scratch.appendingPathComponent(name))
        wf.name = name
        wf.jobs = jobs
        _ = try wf.write()
        try """
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch'}]}
            - name: hpc
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch'}]}
              grids:
              - {type: batch, contact: localhost, scheduler: slurm, jobtype: compute}
              profiles:
                pegasus: {style: glite, cores: '1', memory: '100', runtime: '300'}
            """.write(to: wf.directory.appendingPathComponent("sites.yml"), atomically: true, encoding: .utf8)
        try """
            pegasus: 5.0.4
            transformations:
            - name: sh
              sites: [{name: hpc, pfn: /bin/sh, type: installed}]
            - name: local-sh
              sites: [{name: local, pfn: /bin/sh, type: installed}]
            """.write(to: wf.directory.appendingPathComponent("transformations.yml"), atomically: true, encoding: .utf8)
        return wf
    }

    /// Jobs that keep an undeclared file between attempts (a marker, a counter) need the
    /// scratch folder itself: sharedfs, not a sandbox per attempt.
    func sharedfs(_ wf: TestWorkflow) throws {
        try "pegasus.data.configuration = sharedfs\n".write(to: wf.directory.appendingPathComponent("pegasus.properties"), atomically: true, encoding: .utf8)
    }

    var slurmFlags: [String] { ["--sites-to-run", "hpc,local", "--slurm-poll-interval", "0.3", "--slurm-jobcomp", jobcomp] }

    /// Whether a jobcomp line is Slurm job `id`'s: `12345`, or an array task's `12345_7`.
    func jobcompLine(_ line: Substring, isOf id: String) -> Bool {
        let parts = id.split(separator: "_")
        return parts.count == 2 ? line.contains("ArrayJobId=\(parts[0]) ArrayTaskId=\(parts[1]) ") : line.contains("JobId=\(id) ")
    }

    func slurm(_ tool: String, _ arguments: [String]) throws -> String {
        try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), [tool] + arguments, environment: environment).stdout
    }

    func sql(_ run: URL, _ name: String, _ query: String) throws -> [String] {
        let out = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import sqlite3, sys
            for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join('' if v is None else str(v) for v in row))
            """, run.appendingPathComponent("\(name)-0.stampede.db").path, query])
        return out.stdout.split(separator: "\n").map(String.init)
    }

    func testDiamondOnSlurmSucceedsWithRecordsAndSlurmIDs() throws {
        let wf = try write([
            .init(id: "a", script: "echo A > a.txt", outputs: ["a.txt"]),
            .init(id: "b", script: "cat a.txt > b.txt", parents: ["a"], outputs: ["b.txt"], inputs: ["a.txt"]),
            .init(id: "c", script: "cat a.txt > c.txt", parents: ["a"], outputs: ["c.txt"], inputs: ["a.txt"]),
            .init(id: "d", script: "cat b.txt c.txt", parents: ["b", "c"], inputs: ["b.txt", "c.txt"]),
        ], name: "sdiamond")
        let result = try SkeinBinary.run(["run", "workflow.yml", "--batch"] + slurmFlags, environment: environment, in: wf.directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("a submitted to Slurm as job "), result.stdout)
        let run = wf.runDirectory()
        XCTAssertEqual(try sql(run, "sdiamond", "select count(*) from job_instance ji join job j using(job_id) where j.exec_job_id in ('a','b','c','d') and ji.sched_id is not null and ji.exitcode = 0"), ["4"])
        XCTAssertEqual(try String(contentsOf: run.appendingPathComponent("jobs/000/d.stdout.000"), encoding: .utf8), "A\nA\n")
        let script = try String(contentsOf: run.appendingPathComponent("jobs/000/a.sbatch.000"), encoding: .utf8)
        XCTAssertTrue(script.contains("#SBATCH --cpus-per-task=1") && script.contains("#SBATCH --mem=100M") && script.contains("#SBATCH --time=5"), script)
        XCTAssertTrue(try String(contentsOf: run.appendingPathComponent("jobs/000/a.out.000"), encoding: .utf8).contains("derivation: \"a\""))
        // Slurm ran skein-kickstart as the script's interpreter, no shell in between.
        let firstLine = script.prefix { $0 != "\n" }
        XCTAssertTrue(firstLine.hasPrefix("#!/") && firstLine.hasSuffix("/skein-kickstart --script"), script)
    }

    /// Three tasks clustered horizontally: one batch job per attempt; the second task fails
    /// once, and the retry runs only the tasks that had not succeeded.
    func testAClusterIsOneBatchJobAndItsRetryRunsOnlyTheTasksLeft() throws {
        let cluster = ["pegasus": ["clusters.size": "3"], "dagman": ["RETRY": "1"]]
        let wf = try write([
            .init(id: "t1", script: "echo ran >> t1.log", profiles: cluster),
            .init(id: "t2", script: "echo ran >> t2.log; [ -e t2.ok ] || { touch t2.ok; exit 3; }", profiles: cluster),
            .init(id: "t3", script: "echo ran >> t3.log", profiles: cluster),
        ], name: "scluster")
        try sharedfs(wf)
        let result = try SkeinBinary.run(["run", "workflow.yml", "--batch", "--cluster", "horizontal"] + slurmFlags, environment: environment, in: wf.directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let run = wf.runDirectory()
        let attempts = try sql(run, "scluster", "select ji.sched_id is not null, ji.exitcode from job_instance ji join job j using(job_id) where j.exec_job_id like 'merge_%' order by job_submit_seq")
        XCTAssertEqual(attempts.count, 2, "one batch job per attempt of the one cluster: \(attempts)")
        XCTAssertTrue(attempts.allSatisfy { $0.hasPrefix("1|") }, "each attempt has its Slurm job id: \(attempts)")
        let scratch = wf.scratch()
        func runs(_ task: String) -> Int { ((try? String(contentsOf: scratch.appendingPathComponent("\(task).log"), encoding: .utf8)) ?? "").split(separator: "\n").count }
        XCTAssertEqual([runs("t1"), runs("t2"), runs("t3")], [1, 2, 1], "t3 never ran in the failed attempt, t1 not again in the retry")
        let records = try FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("jobs/000").path).filter { $0.hasPrefix("merge_") && $0.contains(".out.") }.sorted()
        let first = try String(contentsOf: run.appendingPathComponent("jobs/000/\(records[0])"), encoding: .utf8)
        XCTAssertTrue(first.contains("[cluster-summary") && first.contains("stat=\"fail\""), first)
    }

    /// nonsharedfs with the files staged on `local`: each Slurm job moves its files in and
    /// out of a folder of its own on the node with skein-transfer, and leaves none behind.
    func testNonSharedFileSystemMovesFilesThroughTheNode() throws {
        let wf = try write([
            .init(id: "a", script: "echo A > a.txt", outputs: ["a.txt"]),
            .init(id: "b", script: "cat a.txt > b.txt", parents: ["a"], outputs: ["b.txt"], inputs: ["a.txt"]),
            .init(id: "c", script: "cat a.txt > c.txt", parents: ["a"], outputs: ["c.txt"], inputs: ["a.txt"]),
            .init(id: "d", script: "cat b.txt c.txt > d.txt", parents: ["b", "c"], outputs: ["d.txt"], inputs: ["b.txt", "c.txt"]),
        ], name: "snonshared")
        try "pegasus.data.configuration = nonsharedfs\n".write(to: wf.directory.appendingPathComponent("pegasus.properties"), atomically: true, encoding: .utf8)
        let nodeTemp = scratch.appendingPathComponent("node-tmp")
        try FileManager.default.createDirectory(at: nodeTemp, withIntermediateDirectories: true)
        var env = environment
        env["SKEIN_WN_TMP"] = nodeTemp.path
        let result = try SkeinBinary.run(["run", "workflow.yml", "--batch", "--cleanup", "none", "--staging-site", "hpc=local"] + slurmFlags, environment: env, in: wf.directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let run = wf.runDirectory()
        struct Plan: Decodable { var siteScratch: [String: String]? }
        let plan = try JSONDecoder().decode(Plan.self, from: Data(contentsOf: run.appendingPathComponent("plan.json")))
        let staging = try XCTUnwrap(plan.siteScratch?["local"], "the staging site's scratch")
        XCTAssertEqual(try String(contentsOf: URL(fileURLWithPath: staging).appendingPathComponent("d.txt"), encoding: .utf8), "A\nA\n")
        let folder = run.appendingPathComponent("jobs/000").path
        let listed = try FileManager.default.contentsOfDirectory(atPath: folder)
        XCTAssertTrue(listed.contains("b.stagein.000.json"), "b's input list beside its record")
        XCTAssertFalse(listed.contains("a.stagein.000.json"), "a brings nothing in: no list written")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.hasPrefix(".slurm-command") }, [],
                       "the Slurm commands' output files are removed at the end")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: nodeTemp.path), [], "no sandbox left on the node")
    }

    /// A job that succeeded is known from its record on the shared filesystem, not from
    /// Slurm: with a poll interval longer than the whole run, a chain of two still ends
    /// without a single `squeue`, and its provenance is complete.
    func testSucceededJobsEndFromTheirRecordsWithoutPolling() throws {
        let wf = try write([
            .init(id: "first", script: "echo one > one.txt", outputs: ["one.txt"]),
            .init(id: "second", script: "cat one.txt", parents: ["first"], inputs: ["one.txt"]),
        ], name: "srecords")
        let flags = ["--sites-to-run", "hpc,local", "--slurm-poll-interval", "600", "--slurm-jobcomp", jobcomp]
        let result = try SkeinBinary.run(["run", "workflow.yml", "--batch"] + flags, environment: environment, in: wf.directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("Slurm commands: 2 (sbatch 2)"), "no squeue: \(result.stdout)")
        let run = wf.runDirectory()
        XCTAssertEqual(try sql(run, "srecords", "select j.exec_job_id, ji.exitcode, ji.sched_id is not null from job_instance ji join job j using(job_id) where j.exec_job_id in ('first','second') order by j.exec_job_id"),
                       ["first|0|1", "second|0|1"])
        XCTAssertEqual(try String(contentsOf: run.appendingPathComponent("jobs/000/second.stdout.000"), encoding: .utf8), "one\n")
    }

    func testFailsTwiceThenPassesOnTheThirdAttempt() throws {
        let wf = try write([
            .init(id: "flaky", script: "n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; [ $n -ge 3 ]", profiles: ["dagman": ["RETRY": "2"]]),
        ], name: "sflaky")
        try sharedfs(wf)
        let result = try SkeinBinary.run(["run", "workflow.yml", "--batch"] + slurmFlags, environment: environment, in: wf.directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(result.stdout.components(separatedBy: "flaky failed: exit code 1, retrying").count - 1, 2, result.stdout)
        XCTAssertEqual(try sql(wf.runDirectory(), "sflaky", "select exitcode from job_instance ji join job j using(job_id) where exec_job_id = 'flaky' order by job_submit_seq"), ["256", "256", "0"])
    }

    func testKillAndOutsideCancelAndMixedSites() throws {
        let wf = try write([
            .init(id: "long", script: "sleep 120"),
            .init(id: "victim", script: "if [ -e second ]; then exit 0; fi; touch second; sleep 120", profiles: ["dagman": ["RETRY": "1"]]),
            .init(id: "here", script: "echo local"),
        ], name: "smixed")
        try sharedfs(wf)
        // `here` runs on this machine: only its transformation's site is local.
        var text = try String(contentsOf: wf.directory.appendingPathComponent("workflow.yml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "name: sh\n  id: here", with: "name: local-sh\n  id: here")
        try text.write(to: wf.directory.appendingPathComponent("workflow.yml"), atomically: true, encoding: .utf8)
        let (status, out, longID, _) = try killLongAndCancelVictim(wf, arguments: ["--maxjobs", "4"])
        XCTAssertEqual(status, 1, out)
        XCTAssertTrue(out.contains("long failed: killed by the user (skein kill)"), out)
        XCTAssertTrue(out.contains("victim failed: cancelled in Slurm from outside Skein (scancel), retrying"), out)
        XCTAssertTrue(out.contains("victim succeeded"), out)
        XCTAssertTrue(out.contains("here succeeded"), out)
        XCTAssertFalse(out.contains("here submitted to Slurm"), "the local job ran locally")
        let comp = try String(contentsOfFile: jobcomp, encoding: .utf8)
        XCTAssertTrue(comp.split(separator: "\n").contains { jobcompLine($0, isOf: longID) && $0.contains("JobState=CANCELLED") }, "Slurm shows the killed job cancelled")
        XCTAssertTrue(out.contains("Slurm commands: "), out)
    }

    /// Runs `wf` (jobs `long` and `victim` among them) on Slurm, and once both run: `skein kill`
    /// of `long`, `scancel` of `victim` from outside. The engine's exit status and log, and
    /// the two jobs' Slurm ids (an array task's `ARRAY_TASK` too: squeue lists tasks with `--array`).
    func killLongAndCancelVictim(_ wf: TestWorkflow, arguments: [String] = []) throws -> (status: Int32, log: String, longID: String, victimID: String) {
        let process = Process()
        process.executableURL = SkeinBinary.url
        process.arguments = ["run", "workflow.yml", "--batch"] + arguments + slurmFlags
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = wf.directory
        let log = scratch.appendingPathComponent("engine.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        try process.run()
        func logText() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        func slurmID(_ job: String) -> String? {
            logText().split(separator: "\n").last { $0.contains("\(job) submitted to Slurm as job ") }.map { String($0.split(separator: " ").last!) }
        }
        let deadline = Date().addingTimeInterval(60)
        while (slurmID("long") == nil || slurmID("victim") == nil) && Date() < deadline { usleep(200_000) }
        let longID = try XCTUnwrap(slurmID("long"), logText())
        let victimID = try XCTUnwrap(slurmID("victim"), logText())
        // Wait until both really run, then: skein kill one, scancel the other from outside.
        while Date() < deadline, try slurm("squeue", ["--noheader", "--array", "--format=%i %T", "--jobs=\(longID),\(victimID)"]).components(separatedBy: "RUNNING").count < 3 { usleep(200_000) }
        XCTAssertEqual(try SkeinBinary.run(["kill", wf.runDirectory().path, "long"], environment: environment).status, 0)
        _ = try slurm("scancel", [victimID])
        process.waitUntilExit()
        return (process.terminationStatus, logText(), longID, victimID)
    }

    /// A job Slurm keeps pending says why (Slurm's reason) in `skein status --jobs`, the
    /// status summary and `skein analyze`; `skein remove` then cancels it.
    func testPendingJobsSayWhyTheyWait() throws {
        let wf = try write([.init(id: "later", script: "true", profiles: ["pegasus": ["glite.arguments": "--begin=now+3600"]])], name: "spending")
        let process = Process()
        process.executableURL = SkeinBinary.url
        process.arguments = ["run", "workflow.yml", "--batch"] + slurmFlags
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = wf.directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let run = wf.runDirectory().path
        var status = SkeinBinary.Output(status: -1, stdout: "", stderr: "")
        let deadline = Date().addingTimeInterval(30)
        while !status.stdout.contains("pending: BeginTime"), Date() < deadline {
            usleep(300_000)
            status = try SkeinBinary.run(["status", run, "--jobs"], environment: environment)
        }
        XCTAssertTrue(status.stdout.contains("pending: BeginTime"), status.stdout + status.stderr)
        XCTAssertTrue(status.stdout.contains("waiting in the batch system: 1 BeginTime"), status.stdout)
        let analysis = try SkeinBinary.run(["analyze", run], environment: environment)
        XCTAssertTrue(analysis.stdout.contains("Jobs waiting in the batch system"), analysis.stdout)
        XCTAssertTrue(analysis.stdout.contains("later : BeginTime"), analysis.stdout)

        XCTAssertEqual(try SkeinBinary.run(["remove", run], environment: environment).status, 0)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 3, "removed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: run + "/pending-reasons"), "gone with the engine")
        XCTAssertFalse(try SkeinBinary.run(["status", run, "--jobs"], environment: environment).stdout.contains("pending:"))
    }
}
