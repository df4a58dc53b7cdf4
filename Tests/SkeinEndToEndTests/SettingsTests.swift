import Foundation
import XCTest
import SkeinRunFormat
import SkeinTUI

/// A run keeps the engine settings it was planned with: resume, retry and the TUI's actions
/// start the next engine with them (observed as how many jobs ran at once), and options given
/// to resume change them, with the change recorded.
final class SettingsTests: XCTestCase {
    var scratch: URL!
    var marks: URL!
    var environment: [String: String] = [:]

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-settings-\(UUID().uuidString)")
        marks = scratch.appendingPathComponent("marks")
        try FileManager.default.createDirectory(at: marks, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path, "NO_COLOR": "1"]
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// `gate_NAME` fails until the file `NAME` exists in `marks`; its `count` children record
    /// when they start and end (`JOB.start`, `JOB.end` in `marks`) and run for a second.
    /// Children of `category` share that dagman.CATEGORY.
    func group(_ name: String, count: Int, category: (String, Int)? = nil) -> [TestWorkflow.Job] {
        var jobs = [TestWorkflow.Job(id: "gate_\(name)", script: "test -e '\(marks.path)/\(name)'")]
        for i in 1...count {
            let id = "\(name)_\(i)"
            var job = TestWorkflow.Job(
                id: id, script: "date +%s.%N > '\(marks.path)/\(id).start'; sleep 1; date +%s.%N > '\(marks.path)/\(id).end'",
                parents: ["gate_\(name)"])
            if let category, i <= category.1 { job.profiles = ["dagman": ["CATEGORY": category.0]] }
            jobs.append(job)
        }
        return jobs
    }

    func open(_ name: String) { FileManager.default.createFile(atPath: marks.appendingPathComponent(name).path, contents: nil) }

    /// Plans `jobs` with `options` and runs the run once in the foreground, where every gate fails.
    func plannedAndStopped(_ jobs: [TestWorkflow.Job], options: [String]) throws -> String {
        var workflow = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        workflow.name = "settings"
        workflow.jobs = jobs
        let file = try workflow.write()
        let planned = try SkeinBinary.run(["plan", file, "--dir", workflow.directory.appendingPathComponent("runs").path] + options, environment: environment)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        let run = workflow.runDirectory().path
        let first = try SkeinBinary.run(["run", run, "--batch"], environment: environment)
        XCTAssertEqual(first.status, 1, "every gate is closed: the run fails\n" + first.stdout + first.stderr)
        return run
    }

    /// Waits until `jobs` have ended and the engine has exited.
    func waitForEnd(of jobs: [String], run: String, timeout: Double = 60) {
        let deadline = Date().addingTimeInterval(timeout)
        while !(jobs.allSatisfy { FileManager.default.fileExists(atPath: marks.appendingPathComponent("\($0).end").path) } && !EngineLock.isHeld(runDirectory: run)) {
            if Date() > deadline {
                let log = (try? String(contentsOfFile: RunLayout(runDirectory: run).engineLog, encoding: .utf8)) ?? ""
                return XCTFail("timed out waiting for \(jobs) and the engine's end; engine.log:\n\(log)")
            }
            usleep(50_000)
        }
    }

    /// The most of `jobs` that ran at the same moment, from their start and end marks.
    func mostAtOnce(_ jobs: [String]) -> Int {
        func time(_ job: String, _ kind: String) -> Double {
            Double(((try? String(contentsOf: marks.appendingPathComponent("\(job).\(kind)"), encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan
        }
        let spans = jobs.map { (time($0, "start"), time($0, "end")) }
        XCTAssertFalse(spans.contains { $0.0.isNaN || $0.1.isNaN }, "every job left its marks")
        return spans.map { span in spans.filter { $0.0 <= span.0 && span.0 < $0.1 }.count }.max() ?? 0
    }

    func settings(_ run: String) throws -> EngineSettings {
        try XCTUnwrap(try EngineSettings.read(runDirectory: run))
    }

    func testResumeUsesThePlannedSettingsAndResumeWithOptionsChangesThemOnRecord() throws {
        let run = try plannedAndStopped(group("a", count: 6, category: ("x", 2)) + group("b", count: 6),
                                        options: ["--maxjobs", "3", "--category-limit", "x=1"])
        XCTAssertEqual(try settings(run).maxJobs, 3)
        XCTAssertEqual(try settings(run).categoryLimits, ["x": 1])

        // No options: the stored ones (more than this machine's 2-core default).
        open("a")
        let resumed = try SkeinBinary.run(["resume", run], environment: environment)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("engine started (pid "), resumed.stdout)
        let groupA = (1...6).map { "a_\($0)" }
        waitForEnd(of: groupA, run: run)
        XCTAssertEqual(mostAtOnce(groupA), 3, "--maxjobs 3 from the plan")
        XCTAssertEqual(mostAtOnce(["a_1", "a_2"]), 1, "--category-limit x=1 from the plan")
        XCTAssertEqual(try settings(run).changes, [])

        // Options given: they change the stored settings, and the change is recorded.
        open("b")
        let changed = try SkeinBinary.run(["resume", run, "--maxjobs", "5"], environment: environment)
        XCTAssertEqual(changed.status, 0, changed.stderr)
        let groupB = (1...6).map { "b_\($0)" }
        waitForEnd(of: groupB, run: run)
        XCTAssertEqual(mostAtOnce(groupB), 5)
        let stored = try settings(run)
        XCTAssertEqual(stored.maxJobs, 5)
        XCTAssertEqual(stored.categoryLimits, ["x": 1], "options not given keep their stored values")
        XCTAssertEqual(stored.changes.map(\.changed), [["maxjobs: 3 -> 5"]])
        XCTAssertTrue(stored.changes.first?.command.contains("resume") ?? false, "\(stored.changes)")
    }

    func testRetryOfAStoppedRunRunsOnlyTheNamedJobWithTheStoredSettings() throws {
        let jobs = [TestWorkflow.Job(id: "bad1", script: "exit 1"), TestWorkflow.Job(id: "bad2", script: "exit 1")] + group("c", count: 5)
        let run = try plannedAndStopped(jobs, options: ["--maxjobs", "3"])

        open("c")
        let retried = try SkeinBinary.run(["retry", run, "gate_c"], environment: environment)
        XCTAssertEqual(retried.status, 0, retried.stderr)
        let groupC = (1...5).map { "c_\($0)" }
        waitForEnd(of: groupC, run: run)
        XCTAssertEqual(mostAtOnce(groupC), 3, "retry keeps --maxjobs 3")
        XCTAssertEqual(try settings(run).maxJobs, 3)
        XCTAssertEqual(try settings(run).changes, [])

        let journal = RunJournal.read(RunLayout(runDirectory: run).journal)
        for bad in ["bad1", "bad2"] {
            XCTAssertEqual(journal.filter { $0 == .started(job: bad, attempt: 1) }.count, 0, "\(bad) was not named: it stays failed")
        }
        XCTAssertTrue(journal.contains(.succeeded(job: "gate_c", attempt: 1)))
    }

    /// `--retries` given to resume applies to jobs that set no dagman.RETRY, not to one that does.
    func testResumeWithRetriesGivesMoreAttemptsToJobsWithoutTheirOwnRetryProfile() throws {
        // Each fails until its third attempt.
        func flaky(_ id: String) -> String {
            "n=$(cat '\(marks.path)/\(id)' 2>/dev/null || echo 0); echo $((n+1)) > '\(marks.path)/\(id)'; test $n -ge 2"
        }
        var own = TestWorkflow.Job(id: "own", script: flaky("own"))
        own.profiles = ["dagman": ["RETRY": "0"]]
        let run = try plannedAndStopped([TestWorkflow.Job(id: "plain", script: flaky("plain")), own], options: [])

        let resumed = try SkeinBinary.run(["resume", run, "--retries", "2", "--batch"], environment: environment)
        XCTAssertEqual(resumed.status, 1, "own keeps its dagman.RETRY 0 and fails again\n" + resumed.stdout + resumed.stderr)
        let journal = RunJournal.read(RunLayout(runDirectory: run).journal)
        XCTAssertTrue(journal.contains(.succeeded(job: "plain", attempt: 2)), "\(journal)")
        XCTAssertFalse(journal.contains(.started(job: "own", attempt: 2)), "\(journal)")
        XCTAssertEqual(try settings(run).changes.map(\.changed), [["retries: plan -> 2"]])
    }

    /// The TUI's resume (a stopped run) goes through the library the CLI uses and starts a
    /// detached engine with the run's stored settings.
    func testTUIResumeStartsTheEngineWithTheStoredSettings() throws {
        let run = try plannedAndStopped(group("d", count: 6), options: ["--maxjobs", "3"])
        open("d")
        let actions = ActionRunner(skeinExecutable: SkeinBinary.url.path, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
        let (message, isError) = actions.perform(ControlRequest(runDirectory: run, action: .resume))
        XCTAssertFalse(isError, message)
        XCTAssertTrue(message.hasPrefix("engine started (pid "), message)
        let groupD = (1...6).map { "d_\($0)" }
        waitForEnd(of: groupD, run: run)
        XCTAssertEqual(mostAtOnce(groupD), 3)
        XCTAssertEqual(try settings(run).changes, [])
    }
}
