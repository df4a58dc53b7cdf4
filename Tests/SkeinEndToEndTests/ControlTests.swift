import Foundation
import XCTest
import SkeinTestSupport

/// Steering a live run from another process: halt, resume, kill, retry, and a crash of the
/// engine at random moments.
final class ControlTests: ReliabilityTestCase {
    /// skein-spawner killed under a running job: the job is reported interrupted and run again
    /// (by a new spawner) without using up a retry, and the run still succeeds.
    func testSpawnerDeathFailsItsJobsWhichAreRetried() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // a marker the first attempt leaves for the retry
        wf.jobs = [.init(id: "victim", script: "if [ -f marker ]; then echo second; exit 0; fi; touch marker; sleep 60",
                         profiles: ["dagman": ["RETRY": "1"]])]
        let (engine, log) = try background(["run", try wf.write(), "--batch"], in: wf.directory)
        waitFor("the first attempt") { FileManager.default.fileExists(atPath: wf.scratch().appendingPathComponent("marker").path) }
        let spawner = try XCTUnwrap(child(named: "skein-spawner", of: engine.processIdentifier), "a skein-spawner beside the engine")
        kill(spawner, SIGKILL)
        engine.waitUntilExit()
        let out = text(log)
        XCTAssertEqual(engine.terminationStatus, 0, out)
        XCTAssertTrue(out.contains("skein-spawner \(spawner) ended (signal 9); 1 running process(es) killed"), out)
        XCTAssertTrue(out.contains("victim failed: interrupted: skein-spawner"), out)
        XCTAssertTrue(out.contains("victim started (attempt 2)"), out)
        XCTAssertTrue(out.contains("workflow test succeeded"), out)
    }

    /// kill -9 of the engine ends its running local jobs too (skein-spawner, seeing the engine
    /// gone, kills them): nobody would record how they end, and a resume runs them again.
    func testJobsDoNotOutliveAKilledEngine() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // the job writes its pid beside it
        wf.jobs = [.init(id: "long", script: "echo $$ > pid; sleep 60")]
        let (engine, _) = try background(["run", try wf.write(), "--batch"], in: wf.directory)
        let pidFile = wf.scratch().appendingPathComponent("pid")
        waitFor("the job running") { !text(pidFile).isEmpty }
        let job = try XCTUnwrap(Int32(text(pidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(engine.processIdentifier, SIGKILL)
        engine.waitUntilExit()
        // Gone, or a zombie waiting for a PID 1 that may never reap it (containers).
        func alive() -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(job)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            return !stat[stat.index(after: close)...].hasPrefix(" Z")
        }
        waitFor("the job killed", timeout: 10) { !alive() }
    }

    /// After a crash, the journal names the process group of each running attempt; a resume
    /// kills those, but never a process that got the same pid since (here: an unrelated
    /// `sleep` whose pid is written into the journal in place of the dead job's).
    func testResumeSparesAProcessThatReusedAnOrphansPid() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // a marker the first attempt leaves for the next
        wf.jobs = [.init(id: "long", script: "if [ -f marker ]; then exit 0; fi; touch marker; sleep 60")]
        let (engine, _) = try background(["run", try wf.write(), "--batch"], in: wf.directory)
        let journal = wf.runDirectory().appendingPathComponent("engine.journal")
        waitFor("the job running, its process in the journal") {
            FileManager.default.fileExists(atPath: wf.scratch().appendingPathComponent("marker").path) && text(journal).contains(" local:")
        }
        kill(engine.processIdentifier, SIGKILL)
        engine.waitUntilExit()
        let recorded = try XCTUnwrap(text(journal).split(separator: "\n").first { $0.hasPrefix("P ") && $0.hasSuffix(" long") })
        let orphan = try XCTUnwrap(Int32(recorded.split(separator: " ")[2].dropFirst("local:".count)))
        killpg(orphan, SIGKILL)  // the job's processes are gone, as after a long while

        // A group leader (so a killpg would reach it) that knows nothing of the run.
        let stranger = Process()
        stranger.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        stranger.arguments = ["python3", "-c", "import os, time; os.setpgid(0, 0); time.sleep(60)"]
        try stranger.run()
        defer { stranger.terminate(); stranger.waitUntilExit() }
        waitFor("the stranger leading its own group") { getpgid(stranger.processIdentifier) == stranger.processIdentifier }
        try text(journal).replacingOccurrences(of: "local:\(orphan) ", with: "local:\(stranger.processIdentifier) ")
            .write(to: journal, atomically: false, encoding: .utf8)

        let resumed = try SkeinBinary.run(["run", wf.runDirectory().path, "--batch"], environment: environment)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("long started (attempt 2)"), resumed.stdout)
        XCTAssertTrue(resumed.stderr.contains("not killing process group \(stranger.processIdentifier) left by job long"), resumed.stderr)
        XCTAssertTrue(stranger.isRunning, "the unrelated process survived the resume")
    }

    func testHaltLetsTheRunningJobFinishThenResumeCompletes() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // the test releases the job with a file in the scratch folder
        wf.jobs = [
            .init(id: "first", script: "while [ ! -e release ]; do sleep 0.05; done; echo first >> ran"),
            .init(id: "second", script: "echo second >> ran", parents: ["first"]),
        ]
        let workflow = try wf.write()
        let (engine, log) = try background(["run", workflow, "--batch", "--maxjobs", "1"], in: wf.directory)
        waitFor("first to start") { text(log).contains("first started") }
        let run = wf.runDirectory().path
        let halt = try SkeinBinary.run(["halt", run], environment: environment)
        XCTAssertEqual(halt.status, 0, halt.stderr)
        waitFor("the engine to take the halt") { text(log).contains("command halt: done") }
        try Data().write(to: wf.scratch().appendingPathComponent("release"))
        engine.waitUntilExit()
        XCTAssertEqual(engine.terminationStatus, 3, text(log))
        XCTAssertTrue(text(log).contains("command halt: done"), text(log))
        XCTAssertTrue(text(log).contains("first succeeded"))
        XCTAssertFalse(text(log).contains("second started"), "halted: nothing new starts")

        let resumed = try SkeinBinary.run(["resume", run, "--batch"], environment: environment)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("resumed (restart 1, 2 jobs already succeeded)"), resumed.stdout)
        XCTAssertTrue(resumed.stdout.contains("second succeeded in") && resumed.stdout.contains("[3/3]"), resumed.stdout)
        XCTAssertFalse(resumed.stdout.contains("first started"), "a succeeded job never runs again")
        XCTAssertEqual(text(wf.scratch().appendingPathComponent("ran")), "first\nsecond\n")
    }

    /// Local jobs sent ahead to wait for a slot in skein-spawner are taken back by a halt:
    /// only the two running finish, none of the four waiting starts, and a resume runs them.
    func testHaltTakesBackJobsWaitingForASlot() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // the test releases the jobs with a file in the scratch folder
        let ids = (1...6).map { "job\($0)" }
        wf.jobs = ids.map { .init(id: $0, script: "touch \($0).started; while [ ! -e release ]; do sleep 0.05; done; echo \($0) >> ran") }
        let workflow = try wf.write()
        let (engine, log) = try background(["run", workflow, "--batch", "--maxjobs", "2"], in: wf.directory)
        func started() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: wf.scratch().path)) ?? []).filter { $0.hasSuffix(".started") }
        }
        waitFor("two jobs to start") { started().count == 2 }
        let run = wf.runDirectory().path
        XCTAssertEqual(try SkeinBinary.run(["halt", run], environment: environment).status, 0)
        waitFor("the engine to take the halt") { text(log).contains("command halt: done") }
        try Data().write(to: wf.scratch().appendingPathComponent("release"))
        engine.waitUntilExit()
        XCTAssertEqual(engine.terminationStatus, 3, text(log))
        XCTAssertEqual(started().count, 2, "halted: the jobs waiting for a slot never started\n\(text(log))")
        XCTAssertEqual(text(wf.scratch().appendingPathComponent("ran")).split(separator: "\n").count, 2)

        let resumed = try SkeinBinary.run(["resume", run, "--batch"], environment: environment)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("3 jobs already succeeded"), resumed.stdout)  // and create_dir
        XCTAssertEqual(Set(text(wf.scratch().appendingPathComponent("ran")).split(separator: "\n").map(String.init)), Set(ids))
        XCTAssertEqual(text(wf.scratch().appendingPathComponent("ran")).split(separator: "\n").count, 6, "each job ran once")
    }

    /// A job killed while it waits in skein-spawner for a slot never starts (it is taken
    /// back, not started and sent SIGTERM); it fails as killed, and the others run.
    func testKillingAJobWaitingForASlotNeverStartsIt() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // the test releases the running job with a file in the scratch folder
        wf.jobs = [
            .init(id: "running", script: "while [ ! -e release ]; do sleep 0.05; done"),
            .init(id: "waiting", script: "touch waiting.started"),
            .init(id: "last", script: "touch last.started"),
        ]
        let (engine, log) = try background(["run", try wf.write(), "--batch", "--maxjobs", "1"], in: wf.directory)
        waitFor("a job to start") { text(log).contains("running started") && text(log).contains("waiting started") }
        let run = wf.runDirectory().path
        XCTAssertEqual(try SkeinBinary.run(["kill", run, "waiting"], environment: environment).status, 0)
        waitFor("the kill to end it") { text(log).contains("waiting failed") }
        try Data().write(to: wf.scratch().appendingPathComponent("release"))
        engine.waitUntilExit()
        XCTAssertEqual(engine.terminationStatus, 1, text(log))
        XCTAssertTrue(text(log).contains("waiting failed: killed by the user (skein kill)"), text(log))
        XCTAssertFalse(FileManager.default.fileExists(atPath: wf.scratch().appendingPathComponent("waiting.started").path), "it never started")
        XCTAssertTrue(FileManager.default.fileExists(atPath: wf.scratch().appendingPathComponent("last.started").path), text(log))
    }

    func testKillAJobThenRetryItAfterFixingItsInput() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // the test fixes the input in the scratch folder
        wf.jobs = [
            .init(id: "stuck", script: "if [ -e fixed ]; then echo ok > out.txt; else sleep 60; fi", outputs: ["out.txt"]),
            .init(id: "after", script: "cat out.txt", parents: ["stuck"]),
        ]
        let (engine, log) = try background(["run", try wf.write(), "--batch"], in: wf.directory)
        waitFor("stuck to start") { text(log).contains("stuck started") }
        let run = wf.runDirectory().path
        let started = Date()
        XCTAssertEqual(try SkeinBinary.run(["kill", run, "stuck"], environment: environment).status, 0)
        engine.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "the kill acted at once")
        XCTAssertEqual(engine.terminationStatus, 1)
        XCTAssertTrue(text(log).contains("stuck failed: killed by the user (skein kill)"), text(log))
        XCTAssertTrue(text(log).contains("after will not run: stuck failed"))

        try Data().write(to: wf.scratch().appendingPathComponent("fixed"))
        let retried = try SkeinBinary.run(["retry", run, "stuck", "--batch"], environment: environment)
        XCTAssertEqual(retried.status, 0, retried.stdout + retried.stderr)
        XCTAssertTrue(retried.stdout.contains("stuck started (attempt 2)"), retried.stdout)
        XCTAssertTrue(retried.stdout.contains("after succeeded"), retried.stdout)
    }

    func testControlCommandsOnAStoppedRunSaySo() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.jobs = [.init(id: "only", script: "true")]
        XCTAssertEqual(try SkeinBinary.run(["run", try wf.write(), "--batch"], environment: environment, in: wf.directory).status, 0)
        let run = wf.runDirectory().path
        let halt = try SkeinBinary.run(["halt", run], environment: environment)
        XCTAssertTrue(halt.stdout.contains("no engine is running"), halt.stdout)
        let kill = try SkeinBinary.run(["kill", run, "nope"], environment: environment)
        XCTAssertNotEqual(kill.status, 0)
        XCTAssertTrue(kill.stderr.contains("no such job in this run: nope"), kill.stderr)
    }

    /// kill -9 of the engine at random moments of a 300-job run, then `skein run RUNDIR`
    /// again, until it finishes: succeeded jobs never run again, interrupted ones do, and
    /// the database stays intact.
    func testCrashAtRandomMomentsThenResumeFinishesWithoutRedoingWork() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.name = "crashy"
        wf.dataConfiguration = "sharedfs"  // each attempt appends to an undeclared log.jN
        let width = 300
        // Each job appends its id to its own log: how often it really ran.
        wf.jobs = (0..<width).map { i in
            .init(id: "j\(i)", script: "echo run >> log.j\(i); sleep 0.0\(i % 5 + 1); echo done > out.j\(i)", parents: i >= 150 ? ["j\(i - 150)"] : [], outputs: ["out.j\(i)"])
        }
        let workflow = try wf.write()
        var generator = SeededRandom("kill times")
        var kills = 0
        var arguments = ["run", workflow, "--batch", "--maxjobs", "4"]
        for round in 0..<8 {
            let (engine, log) = try background(arguments, in: wf.directory)
            if round < 4 {
                // Kill the engine, not the planner: a kill during planning leaves no run to resume.
                if round == 0 {
                    let plan = wf.runDirectory().appendingPathComponent("plan.json").path
                    waitFor("the plan", timeout: 60) { FileManager.default.fileExists(atPath: plan) || !engine.isRunning }
                }
                usleep(UInt32.random(in: 300_000...1_200_000, using: &generator))
                if engine.isRunning {
                    kill(engine.processIdentifier, SIGKILL)
                    kills += 1
                }
            }
            engine.waitUntilExit()
            arguments = ["run", wf.runDirectory().path, "--batch", "--maxjobs", "4"]
            if engine.terminationReason == .exit {
                XCTAssertEqual(engine.terminationStatus, 0, text(log))
                break
            }
        }
        XCTAssertGreaterThan(kills, 0, "the engine was killed at least once")
        let db = wf.runDirectory().appendingPathComponent("crashy-0.stampede.db").path
        let check = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            print(db.execute('pragma integrity_check').fetchone()[0])
            print(db.execute("select count(distinct job_id) from job_instance where exitcode = 0").fetchone()[0])
            """, db])
        XCTAssertEqual(check.stdout, "ok\n\(width + 1)\n", check.stderr)

        // Which jobs ran more than once must have been interrupted: started, never ended.
        let journal = text(wf.runDirectory().appendingPathComponent("engine.journal"))
        var succeededIn: [String: Int] = [:]
        var session = 0
        var interrupted = Set<String>()
        var open = Set<String>()
        for line in journal.split(separator: "\n") {
            let parts = line.split(separator: " ")
            switch parts[0] {
            case "A" where parts[2] == "-": session += 1; interrupted.formUnion(open); open = []
            case "A": open.insert(String(parts[2]))
            case "S":
                XCTAssertNil(succeededIn[String(parts[2])], "\(parts[2]) succeeded twice")
                succeededIn[String(parts[2])] = session
                open.remove(String(parts[2]))
            case "F": open.remove(String(parts[2]))
            default: break
            }
        }
        XCTAssertEqual(succeededIn.count, width + 1)
        let jobFolder = wf.scratch()
        for i in 0..<width {
            let runs = text(jobFolder.appendingPathComponent("log.j\(i)")).split(separator: "\n").count
            if runs > 1 { XCTAssertTrue(interrupted.contains("j\(i)"), "j\(i) ran \(runs) times but was never interrupted") }
            XCTAssertGreaterThanOrEqual(runs, 1)
        }
    }
}
