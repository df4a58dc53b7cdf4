import Foundation
import XCTest

/// `skein status`, `skein analyze` and `skein statistics` end to end: the real binary on
/// runs it made itself, on a run whose engine was killed, and on real Pegasus submit
/// directories.
final class ReportsTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path, "NO_COLOR": "1"]
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func skein(_ arguments: [String]) throws -> SkeinBinary.Output {
        try SkeinBinary.run(arguments, environment: environment, in: scratch)
    }

    /// Runs an example to the end; returns its run directory.
    func runExample(_ name: String, expect status: Int32) throws -> String {
        let example = SkeinBinary.repository.appendingPathComponent("Examples/\(name)/workflow.yml").path
        let result = try skein(["run", example, "--batch", "--dir", scratch.appendingPathComponent("runs").path])
        XCTAssertEqual(result.status, status, result.stdout + result.stderr)
        return scratch.appendingPathComponent("runs/\(name)/run0001").path
    }

    /// `skein run WORKFLOW` (the engine detaches), started through python3's subprocess,
    /// which closes inherited descriptors: Foundation's `Process` watches a child through a
    /// socket the child inherits, and a detached engine would keep it open (and this test
    /// waiting) for as long as it lives.
    func detach(_ workflow: String, in directory: URL) throws -> SkeinBinary.Output {
        try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import subprocess, sys
            r = subprocess.run(sys.argv[1:], capture_output=True, text=True, close_fds=True)
            sys.stdout.write(r.stdout); sys.stderr.write(r.stderr); sys.exit(r.returncode)
            """, SkeinBinary.url.path, "run", workflow], environment: environment, in: directory)
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// The numbers of a row of the statistics summary table.
    func row(_ name: String, in text: String) -> [Int] {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + " ") }) else { return [] }
        return line.split(separator: " ").dropFirst().compactMap { Int($0) }
    }

    func testReportsOnFailedAndSucceededRuns() throws {
        let failing = try runExample("failing", expect: 1)
        let diamond = try runExample("diamond", expect: 0)

        // status: both runs, one block each, no progress bar off a terminal.
        let status = try skein(["status", failing, diamond])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("failing  \(failing)\nstate: Failure"), status.stdout)
        XCTAssertTrue(status.stdout.contains("diamond  \(diamond)\nstate: Success"), status.stdout)
        XCTAssertTrue(status.stdout.contains("UNREADY READY PRE QUEUED POST DONE FAILED"), status.stdout)
        XCTAssertTrue(status.stdout.contains("Summary: 1 DAG total (Failure:1)"), status.stdout)
        XCTAssertTrue(status.stdout.contains("3 jobs will not run: a job they depend on failed"), status.stdout)
        XCTAssertTrue(status.stdout.contains("see why: skein analyze \(failing)"), status.stdout)
        XCTAssertFalse(status.stdout.contains("[#"), "no progress bar when stdout is not a terminal")

        let statusJSON = try json(try skein(["status", failing, diamond, "--json"]).stdout)
        let runs = try XCTUnwrap(statusJSON["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 2)
        let totals = try XCTUnwrap(runs[0]["totals"] as? [String: Any])
        XCTAssertEqual(["done", "failed", "futile", "total"].map { totals[$0] as? Int }, [3, 1, 3, 7])
        XCTAssertEqual((runs[0]["condition"] as? [String: Any])?["phase"] as? String, "failed")
        XCTAssertEqual((runs[1]["totals"] as? [String: Any])?["percentDone"] as? Double, 100)

        let jobs = try skein(["status", failing, "--jobs"])
        XCTAssertTrue(jobs.stdout.contains("JOB "), jobs.stdout)
        let calibrate = try XCTUnwrap(jobs.stdout.split(separator: "\n").first { $0.hasPrefix("calibrate ") })
        XCTAssertEqual(calibrate.split(separator: " ").prefix(3), ["calibrate", "failed", "2/2"])
        XCTAssertTrue(calibrate.hasSuffix("exit code 3"), String(calibrate))
        let report = try XCTUnwrap(jobs.stdout.split(separator: "\n").first { $0.hasPrefix("report ") })
        XCTAssertTrue(report.contains("futile") && report.hasSuffix("calibrate failed"), String(report))

        // analyze: exit 2 for the failed run, with the failure on stderr as pegasus-analyzer logs it.
        let analyze = try skein(["analyze", failing])
        XCTAssertEqual(analyze.status, 2, analyze.stderr)
        for line in [" Workflow Status    : failure", " Total jobs         :      7 (100.00%)", " # jobs succeeded   :      3 (42.86%)",
                     " # jobs failed      :      1 (14.29%)", " # jobs unsubmitted :      3 (42.86%)", "===calibrate===",
                     " last state: POST_SCRIPT_FAILED", "     reason: exit code 3", "    attempt: 2 of 2 made, 2 allowed",
                     "exitcode    : 3", "ERROR: calibration file cal.dat is missing", "calibrate: reading 20 values from readings.txt",
                     "skein retry \(failing) calibrate"] {
            XCTAssertTrue(analyze.stdout.contains(line), "missing \(line):\n\(analyze.stdout)")
        }
        XCTAssertTrue(analyze.stderr.contains("Workflow Failed  wf_uuid: "), analyze.stderr)
        XCTAssertTrue(analyze.stderr.contains("submit dir: \(failing)"), analyze.stderr)
        XCTAssertEqual(try skein(["analyze", diamond]).status, 0)

        let analyzeJSON = try skein(["analyze", failing, "--json"])
        XCTAssertEqual(analyzeJSON.status, 2)
        let a = try json(analyzeJSON.stdout)
        XCTAssertEqual(a["exitCode"] as? Int, 2)
        XCTAssertEqual((a["failedJobs"] as? [[String: Any]])?.compactMap { $0["job"] as? String }, ["calibrate"])
        XCTAssertEqual((a["failedJobs"] as? [[String: Any]])?.first?["reason"] as? String, "exit code 3")

        let one = try skein(["analyze", failing, "--job", "calibrate"])
        XCTAssertEqual(one.status, 2, "the exit code is the run's")
        XCTAssertTrue(one.stdout.contains("attempts: 2 made, 2 allowed"), one.stdout)
        XCTAssertEqual(one.stdout.components(separatedBy: " last state: POST_SCRIPT_FAILED").count - 1, 2, one.stdout)
        XCTAssertTrue(one.stdout.contains("POST_SCRIPT_FAILED"), one.stdout)
        let unknown = try skein(["analyze", failing, "--job", "calibrat"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("no job 'calibrat' in this run (did you mean 'calibrate'?)"), unknown.stderr)

        // statistics: pegasus-statistics' table, CSV and JSON.
        let stats = try skein(["statistics", failing])
        XCTAssertEqual(stats.status, 0, stats.stderr)
        XCTAssertEqual(row("Tasks", in: stats.stdout), [2, 1, 1, 4, 1, 4])
        XCTAssertEqual(row("Jobs", in: stats.stdout), [3, 1, 3, 7, 1, 5], "two cleanup jobs never ran")
        XCTAssertEqual(row("Sub-Workflows", in: stats.stdout), [0, 0, 0, 0, 0, 0])
        XCTAssertTrue(stats.stdout.contains("Cumulative job badput wall time as seen from submit side : "), stats.stdout)
        XCTAssertTrue(stats.stdout.contains("\ncalibrate "), stats.stdout)
        let csv = try skein(["statistics", failing, "--format", "csv", "--jobs"])
        XCTAssertTrue(csv.stdout.contains("ALL,,Jobs,3,1,3,7,1,5,0\n"), csv.stdout)
        XCTAssertEqual(csv.stdout.split(separator: "\n").filter { $0.contains(",calibrate,") && !$0.contains("failed,") }.count, 2, csv.stdout)
        let statsJSON = try json(try skein(["statistics", diamond, "--json"]).stdout)
        let summary = try XCTUnwrap(statsJSON["summary"] as? [[String: Any]])
        XCTAssertEqual(summary.first { $0["type"] as? String == "Jobs" }?["succeeded"] as? Int, 9, "the diamond's 8 jobs and its stage-in (condorio)")

        // Without a run: the registry's runs.
        let list = try skein(["status"])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains("failing  Failure"), list.stdout)
        XCTAssertTrue(list.stdout.contains("diamond  Success"), list.stdout)
    }

    func testKilledEngineLeavesAStoppedRunThatResumes() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // the test releases the job with a file in the scratch folder
        wf.jobs = [
            .init(id: "first", script: "while [ ! -e release ]; do sleep 0.05; done; echo first"),
            .init(id: "second", script: "echo second", parents: ["first"]),
        ]
        let workflow = try wf.write()
        // A detached engine (not this process's child): killing it leaves what a crash leaves.
        let started = try detach(workflow, in: wf.directory)
        XCTAssertEqual(started.status, 0, started.stderr)
        let pidText = try XCTUnwrap(started.stdout.range(of: #"pid (\d+)"#, options: .regularExpression).map { started.stdout[$0].dropFirst(4) })
        let pid = try XCTUnwrap(Int32(pidText))
        let run = wf.runDirectory().path
        let log = URL(fileURLWithPath: run + "/engine.log")
        let deadline = Date().addingTimeInterval(20)
        while !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("first started"), Date() < deadline { usleep(50_000) }

        // The database follows the engine within its writer's flush interval (0.25 s).
        var running = try skein(["status", run, "--jobs"])
        while !running.stdout.contains("1 running"), Date() < deadline {
            usleep(50_000)
            running = try skein(["status", run, "--jobs"])
        }
        XCTAssertTrue(running.stdout.contains("state: Running"), running.stdout)
        XCTAssertTrue(running.stdout.contains("(engine pid \(pid))"), running.stdout)
        XCTAssertTrue(running.stdout.contains("1 running"), running.stdout)
        XCTAssertEqual(try skein(["analyze", run]).status, 0, "running cleanly")

        XCTAssertEqual(kill(pid, SIGKILL), 0)
        try Data().write(to: wf.scratch().appendingPathComponent("release"))  // the orphaned job ends
        var stopped = try skein(["status", run, "--jobs"])
        let gone = Date().addingTimeInterval(10)
        while !stopped.stdout.contains("Stopped"), Date() < gone {  // the kernel drops the lock as the engine dies
            usleep(50_000)
            stopped = try skein(["status", run, "--jobs"])
        }
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
        XCTAssertTrue(stopped.stdout.contains("state: Stopped (engine not running)"), stopped.stdout)
        XCTAssertTrue(stopped.stdout.contains("resume with: skein run \(run)"), stopped.stdout)
        XCTAssertTrue(stopped.stdout.contains("interrupted"), stopped.stdout)
        let stoppedJSON = try json(try skein(["status", run, "--json"]).stdout)
        let condition = ((stoppedJSON["runs"] as? [[String: Any]])?.first?["condition"] as? [String: Any])
        XCTAssertEqual(condition?["phase"] as? String, "stopped")
        XCTAssertEqual(condition?["hint"] as? String, "skein run \(run)")

        let resumed = try skein(["run", run, "--batch"])
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        let done = try skein(["status", run])
        XCTAssertTrue(done.stdout.contains("state: Success"), done.stdout)
        XCTAssertTrue(done.stdout.contains("1 restart"), done.stdout)
        let stats = try skein(["statistics", run])
        XCTAssertEqual(row("Jobs", in: stats.stdout), [3, 0, 0, 3, 1, 4], "the interrupted attempt counts as a retry")
    }

    func testWatchRefreshesUntilTheRunEnds() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.jobs = [.init(id: "nap", script: "sleep 1.2")]
        let workflow = try wf.write()
        XCTAssertEqual(try detach(workflow, in: wf.directory).status, 0)
        let run = wf.runDirectory().path
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: run + "/test-0.stampede.db"), Date() < deadline { usleep(20_000) }
        let watch = try skein(["status", run, "--watch", "0.2"])
        XCTAssertEqual(watch.status, 0, watch.stderr)
        let blocks = watch.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("-- ") && $0.hasSuffix(" --") }
        XCTAssertGreaterThan(blocks.count, 1, watch.stdout)
        XCTAssertTrue(watch.stdout.contains("state: Running"), watch.stdout)
        XCTAssertTrue(watch.stdout.hasSuffix("Summary: 1 DAG total (Success:1)\n"), watch.stdout)
        XCTAssertFalse(watch.stdout.contains("\u{1B}["), "plain lines off a terminal")
    }

    func testPegasusSubmitDirectories() throws {
        let runs = SkeinBinary.fixtures.appendingPathComponent("pegasus-runs")
        let failure = runs.appendingPathComponent("process_wf_failure").path
        let expected = try String(contentsOf: runs.appendingPathComponent("expected/analyzer_sample_process_wf_failure.txt"), encoding: .utf8)

        let analyze = try skein(["analyze", failure])
        XCTAssertEqual(analyze.status, 2)
        // The same "Workflow Failed" line pegasus-analyzer logs, and the same summary.
        let failedLine = try XCTUnwrap(expected.split(separator: "\n").first { $0.contains("Workflow Failed") })
        XCTAssertTrue(analyze.stderr.contains(String(failedLine[failedLine.range(of: "Workflow Failed")!.lowerBound...])), analyze.stderr)
        for line in expected.split(separator: "\n") where line.hasPrefix(" # jobs") || line.hasPrefix(" Total jobs") || line.hasPrefix(" Submit Directory") {
            XCTAssertTrue(analyze.stdout.contains(line + "\n"), "missing \(line)")
        }
        XCTAssertTrue(analyze.stdout.contains(" /bin/ls: invalid option -- 'z'\nTry '/bin/ls --help' for more information.\n"), analyze.stdout)
        XCTAssertEqual(try skein(["analyze", runs.appendingPathComponent("hierarchical_wf_failure").path]).status, 2)
        XCTAssertEqual(try skein(["analyze", runs.appendingPathComponent("process_wf_success").path]).status, 0)

        let stats = try skein(["statistics", failure])
        XCTAssertEqual(stats.status, 0, stats.stderr)
        let summary = try String(contentsOf: runs.appendingPathComponent("expected/statistics_process_wf_failure/summary.txt"), encoding: .utf8)
        for line in summary.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("-") {
            let trimmed = line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
            XCTAssertTrue(stats.stdout.contains(trimmed + "\n"), "missing '\(trimmed)'\n\(stats.stdout)")
        }

        let status = try skein(["status", failure, runs.appendingPathComponent("dagman-out-samples/sample1").path])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("20.00  Failure   process-0.dag"), status.stdout)
        XCTAssertTrue(status.stdout.contains("100.00  Success   sample_1_success.dag"), status.stdout)
        XCTAssertTrue(status.stderr.contains("note: "), "how the runs were found goes to stderr")
    }

    /// A Pegasus run whose DAGMan is killed with -9: its `.dag.lock` (HTCondor's ProcessId
    /// record) stays behind, and `skein status` goes from Running to Stale. A real process
    /// stands in for DAGMan (the lock names its pid and its start in ticks since boot).
    func testStatusSaysStaleOnceTheDAGManOfTheLockIsKilled() throws {
        let run = scratch.appendingPathComponent("process_wf").path
        try FileManager.default.copyItem(atPath: SkeinBinary.fixtures.appendingPathComponent("pegasus-runs/process_wf_success").path, toPath: run)
        try FileManager.default.removeItem(atPath: run + "/monitord.done")
        let python = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c",
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute(\"DELETE FROM workflowstate WHERE state = 'WORKFLOW_TERMINATED'\"); db.commit()",
            run + "/process-0.stampede.db"])
        XCTAssertEqual(python.status, 0, python.stderr)
        let braindump = run + "/braindump.yml"
        try String(contentsOfFile: braindump, encoding: .utf8)
            .replacingOccurrences(of: "submit_hostname: \"workflow.isi.edu\"", with: "submit_hostname: \"\(ProcessInfo.processInfo.hostName)\"")
            .write(toFile: braindump, atomically: true, encoding: .utf8)
        let dagman = Process()
        dagman.executableURL = URL(fileURLWithPath: "/bin/sleep")
        dagman.arguments = ["600"]
        try dagman.run()
        defer { if dagman.isRunning { dagman.terminate() } }
        let stat = try String(contentsOfFile: "/proc/\(dagman.processIdentifier)/stat", encoding: .utf8)
        let birthday = stat[stat.range(of: ")", options: .backwards)!.upperBound...].split(separator: " ")[19]
        try "PPID = \(getpid())\nPID = \(dagman.processIdentifier)\nPRECISION = 1\nTIME_UNITS_IN_SECS = 100.000000\nBDAY = \(birthday)\nCONTROL_TIME = 0\n"
            .write(toFile: run + "/process-0.dag.lock", atomically: true, encoding: .utf8)
        let running = try skein(["status", run])
        XCTAssertTrue(running.stdout.contains("Running"), running.stdout)
        kill(dagman.processIdentifier, SIGKILL)
        dagman.waitUntilExit()
        let stale = try skein(["status", run])
        XCTAssertTrue(stale.stdout.contains("Stale"), stale.stdout)
        XCTAssertFalse(stale.stdout.contains("Running"), stale.stdout)
    }

    func testErrorsExitOne() throws {
        let empty = scratch.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        for command in ["status", "analyze", "statistics"] {
            let result = try skein([command, empty.path])
            XCTAssertEqual(result.status, 1, command)
            XCTAssertTrue(result.stderr.contains("no braindump.yml"), result.stderr)
        }
        let missing = try skein(["analyze", scratch.appendingPathComponent("nope").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no such file or directory"), missing.stderr)
    }
}
