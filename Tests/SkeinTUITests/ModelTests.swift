import XCTest
import SkeinReports
@testable import SkeinTUI

/// The screen model without a terminal: keys in, state and effects out.
final class RunsScreenModelTests: XCTestCase {
    func loaded() -> (AppModel, RunsScreen) {
        let app = Fixture.model()
        app.receive(DataUpdate(key: .runs, payload: .runs(Fixture.demoSummaries())))
        return (app, app.top as! RunsScreen)
    }

    func testNewestFirstThenSortFilterAndOpen() {
        let (app, runs) = loaded()
        XCTAssertEqual(runs.visible.map { runs.runs[$0].label }, ["demo", "failing", "gone", "process"])
        _ = app.handle(.char("s"))  // label
        XCTAssertEqual(runs.visible.map { runs.runs[$0].label }, ["demo", "failing", "gone", "process"])
        _ = app.handle(.char("S"))
        XCTAssertEqual(runs.visible.map { runs.runs[$0].label }, ["process", "gone", "failing", "demo"])
        XCTAssertEqual(app.runCommandLine("sort failed desc"), [])
        XCTAssertEqual(runs.sort, .failed)
        _ = app.handle(.char("/"))
        for c in "fail" { _ = app.handle(.char(c)) }
        XCTAssertEqual(runs.visible.map { runs.runs[$0].label }, ["failing"])
        _ = app.handle(.enter)  // accept the filter
        XCTAssertNil(app.prompt)
        _ = app.handle(.enter)  // open
        XCTAssertTrue(app.top is RunScreen)
        XCTAssertEqual((app.top as! RunScreen).directory, "/runs/failing/run0001")
        XCTAssertEqual(app.wanted, [.runs, .run("/runs/failing/run0001")])
        _ = app.handle(.escape)
        XCTAssertTrue(app.top is RunsScreen)
        XCTAssertEqual(app.handle(.char("q")), [.quit])
    }

    func testEscapeRestoresTheFilter() {
        let (app, runs) = loaded()
        _ = app.handle(.char("/"))
        _ = app.handle(.char("z"))
        XCTAssertEqual(runs.visible.count, 0)
        _ = app.handle(.escape)
        XCTAssertEqual(runs.visible.count, 4)
    }

    func testRunActionsAreDisabledWithTheReason() {
        let (app, runs) = loaded()
        runs.cursor.index = runs.visible.firstIndex { runs.runs[$0].label == "process" }!
        XCTAssertEqual(app.availability(.halt), .disabled(RunActions.readOnly))
        XCTAssertEqual(app.handle(.char("R")), [])
        XCTAssertEqual(app.currentMessage?.text, RunActions.readOnly)
        runs.cursor.index = runs.visible.firstIndex { runs.runs[$0].label == "failing" }!
        XCTAssertEqual(app.availability(.halt), .disabled("halt: no engine is running this run (failure)"))
        XCTAssertEqual(app.handle(.char("R")), [.control(ControlRequest(runDirectory: "/runs/failing/run0001", action: .resume))])
        runs.cursor.index = runs.visible.firstIndex { runs.runs[$0].label == "demo" }!
        XCTAssertEqual(app.handle(.char("H")), [.control(ControlRequest(runDirectory: Fixture.runDir, action: .halt))])
        XCTAssertEqual(app.handle(.char("D")), [], "remove asks first")
        guard case .confirm? = app.overlay else { return XCTFail("no confirmation") }
        XCTAssertEqual(app.handle(.char("y")), [.control(ControlRequest(runDirectory: Fixture.runDir, action: .remove))])
        XCTAssertNil(app.overlay)
    }

    func testMouseSelectsThenOpens() {
        let (app, runs) = loaded()
        let list = Layout.runsList(width: 80, height: 24)
        _ = app.handle(.mouse(MouseEvent(.press, x: 5, y: list.y + 1)))
        XCTAssertEqual(runs.cursor.index, 1)
        _ = app.handle(.mouse(MouseEvent(.press, x: 5, y: list.y + 1)))
        XCTAssertTrue(app.top is RunScreen)
    }
}

final class RunScreenModelTests: XCTestCase {
    func testTheHeaderSaysWhyBatchJobsWait() {
        var data = Fixture.demoRun()
        data.status.pendingReasons = ["Resources": 2, "BeginTime": 5]
        let (app, _) = Fixture.runModel(width: 160, height: 30, data: data)
        let header = Fixture.render(app).rowText(2)
        XCTAssertTrue(header.hasSuffix("pending in Slurm: 5 BeginTime, 2 Resources"), header)
    }

    func names(_ s: RunScreen) -> [String] {
        s.rows.map { r in
            let t = s.tree!
            let n = t.node[Int(r)]
            return n < 0 ? "#" + t.groupTitles[Int(-n - 1)] : s.data!.jobs[Int(n)].id + (t.isReference(Int(r)) ? "^" : "")
        }
    }

    func testTheDAGIsATreeWithSharedChildrenOnceAndAMarker() {
        let (_, s) = Fixture.runModel()
        XCTAssertEqual(names(s), ["create_dir_demo_local", "prepare", "split_a", "merge", "report", "split_b", "merge^", "watch", "lonely"])
        let t = s.tree!
        XCTAssertEqual(t.depth.map { Int($0) }, [0, 1, 2, 3, 4, 2, 3, 2, 0])
        XCTAssertEqual(t.size[1], 7, "prepare's subtree")
    }

    func testCollapseExpandAndParent() {
        let (app, s) = Fixture.runModel()
        _ = app.handle(.char("j"))  // prepare
        _ = app.handle(.char("h"))
        XCTAssertEqual(names(s), ["create_dir_demo_local", "prepare", "lonely"])
        _ = app.handle(.char("h"))  // already collapsed: to the parent
        XCTAssertEqual(s.cursor.index, 0)
        _ = app.handle(.char("j"))
        _ = app.handle(.char("l"))
        XCTAssertEqual(names(s).count, 9)
        _ = app.handle(.char("C"))
        XCTAssertEqual(names(s), ["create_dir_demo_local", "lonely"])
        XCTAssertEqual(s.cursor.index, 0, "the selection moves to its top-level row")
        _ = app.handle(.char("E"))
        XCTAssertEqual(names(s).count, 9)
    }

    func testNextFailedUnfoldsAndSelects() {
        let (app, s) = Fixture.runModel()
        _ = app.handle(.char("C"))
        _ = app.handle(.char("f"))
        XCTAssertEqual(s.data!.jobs[s.selectedJob!].id, "split_b")
        XCTAssertTrue(names(s).contains("split_b"))
        XCTAssertTrue(app.currentMessage!.text.hasPrefix("split_b: exit code 3"))
        _ = app.handle(.char("f"))
        XCTAssertEqual(s.data!.jobs[s.selectedJob!].id, "split_b", "the only failed job: it wraps around")
    }

    func testGroupedViews() {
        let (app, s) = Fixture.runModel()
        _ = app.handle(.char("v"))
        XCTAssertEqual(s.view, .level)
        XCTAssertEqual(names(s), ["#level 1", "create_dir_demo_local", "lonely", "#level 2", "prepare", "#level 3", "split_a", "split_b", "watch",
                                  "#level 4", "merge", "#level 5", "report"])
        _ = app.handle(.char("v"))
        XCTAssertEqual(s.view, .transformation)
        XCTAssertEqual(names(s).first, "#create-dir")
        XCTAssertEqual(s.cursor.index, 1, "the selection stays on its job")
        _ = app.handle(.char("k"))
        _ = app.handle(.enter)  // a header folds
        XCTAssertEqual(names(s)[1], "#demo::tool:1.0")
    }

    func testFilterIsFlatAndMatchesStates() {
        let (app, s) = Fixture.runModel()
        XCTAssertEqual(app.runCommandLine("filter split"), [])
        XCTAssertEqual(names(s), ["split_a", "split_b"])
        s.promptChanged(Prompt(kind: .filter, text: "futile"), app: app)
        XCTAssertEqual(names(s), ["merge", "report"])
        XCTAssertEqual(app.availability(.collapse).reason?.contains("clear the filter"), true)
    }

    func testRetryOnlyFailedJobsAndSayWhyNot() {
        let (app, s) = Fixture.runModel()
        XCTAssertEqual(app.availability(.retry), .disabled("retry: create_dir_demo_local succeeded; only failed jobs can be retried"))
        s.cursor.index = s.rows.firstIndex { s.tree!.node[Int($0)] == 6 }!  // watch, running
        XCTAssertEqual(app.availability(.retry), .disabled("retry: watch is running; only failed jobs can be retried"))
        s.cursor.index = 5  // split_b
        XCTAssertEqual(app.handle(.char("r")), [.control(ControlRequest(runDirectory: Fixture.runDir, action: .retry(["split_b"])))])
        s.cursor.index = 3  // merge: futile
        XCTAssertEqual(app.availability(.retry).reason, "retry: merge will not run (split_b failed); only failed jobs can be retried")
    }

    func testMarksActOnAllMarkedJobs() {
        let (app, s) = Fixture.runModel()
        s.cursor.index = 5  // split_b
        _ = app.handle(.char(" "))
        XCTAssertEqual(s.cursor.index, 6, "marking moves down")
        s.cursor.index = 7  // watch
        _ = app.handle(.char(" "))
        XCTAssertEqual(s.marks, ["split_b", "watch"])
        XCTAssertEqual(app.handle(.char("r")), [.control(ControlRequest(runDirectory: Fixture.runDir, action: .retry(["split_b"])))])
        XCTAssertEqual(app.currentMessage?.text, "retry: 1 failed job(s); 1 skipped (not failed)")
        XCTAssertTrue(s.marks.isEmpty)
    }

    func testKillAsksFirstAndNeedsARunningJob() {
        let (app, s) = Fixture.runModel()
        XCTAssertEqual(app.availability(.kill).reason, "kill: create_dir_demo_local succeeded; only running jobs can be killed")
        s.cursor.index = 7  // watch
        XCTAssertEqual(app.handle(.char("K")), [])
        guard case .confirm(let c)? = app.overlay else { return XCTFail("no confirmation") }
        XCTAssertEqual(c.lines.first, "Kill the job watch?")
        XCTAssertEqual(app.handle(.char("n")), [])
        XCTAssertNil(app.overlay)
        XCTAssertEqual(app.currentMessage?.text, "kill: cancelled")
        _ = app.handle(.char("K"))
        XCTAssertEqual(app.handle(.char("y")), [.control(ControlRequest(runDirectory: Fixture.runDir, action: .kill(["watch"])))])
        let (dead, deadScreen) = Fixture.runModel(data: Fixture.demoRun(phase: "failed", alive: false))
        deadScreen.cursor.index = 7
        XCTAssertEqual(dead.availability(.kill).reason, "kill: no engine is running this run, so no job is running")
    }

    func testPegasusRunsAreReadOnly() {
        let (app, s) = Fixture.runModel(data: Fixture.demoRun(kind: "pegasus"), kind: .pegasus)
        s.cursor.index = 5
        for c in [Command.retry, .kill, .halt, .resume, .remove] { XCTAssertEqual(app.availability(c), .disabled(RunActions.readOnly)) }
        XCTAssertEqual(app.handle(.char("r")), [])
        XCTAssertEqual(app.currentMessage?.text, RunActions.readOnly)
        XCTAssertFalse(app.hints().first { $0.command == .retry }!.enabled, "the footer shows retry disabled, not hidden")
    }

    func testCommandLine() {
        let (app, s) = Fixture.runModel()
        XCTAssertEqual(app.runCommandLine("retry split_b"), [.control(ControlRequest(runDirectory: Fixture.runDir, action: .retry(["split_b"])))])
        XCTAssertEqual(app.runCommandLine("retry nope"), [])
        XCTAssertEqual(app.currentMessage?.text, "retry: no such job in this run: nope")
        XCTAssertEqual(app.runCommandLine("retry watch"), [])
        XCTAssertEqual(app.currentMessage?.isError, true)
        XCTAssertEqual(app.runCommandLine("theme light"), [.setTheme("light")])
        XCTAssertEqual(app.runCommandLine("view level"), [])
        XCTAssertEqual(s.view, .level)
        XCTAssertEqual(app.runCommandLine("q"), [.quit])
        XCTAssertEqual(app.runCommandLine("frobnicate"), [])
        XCTAssertTrue(app.currentMessage!.text.hasPrefix("unknown command :frobnicate"))
        // Typed through the prompt.
        _ = app.handle(.char(":"))
        for c in "theme mono" { _ = app.handle(.char(c)) }
        _ = app.handle(.backspace)
        _ = app.handle(.backspace)
        _ = app.handle(.backspace)
        _ = app.handle(.backspace)
        for c in "monochrome" { _ = app.handle(.char(c)) }
        XCTAssertEqual(app.handle(.enter), [.setTheme("monochrome")])
    }

    func testSelectionStaysOnItsJobAcrossReloads() {
        let (app, s) = Fixture.runModel()
        s.cursor.index = 7  // watch
        var jobs = Fixture.demoJobs
        jobs.insert(Fixture.Job(id: "early", state: "done"), at: 0)
        app.receive(DataUpdate(key: .run(Fixture.runDir), payload: .run(Fixture.demoRun(jobs: jobs))))
        XCTAssertEqual(s.data!.jobs[s.selectedJob!].id, "watch")
    }

    func testOpenAJobThenItsLogsAndSearch() {
        let (app, s) = Fixture.runModel()
        s.cursor.index = 5
        _ = app.handle(.enter)
        guard let job = app.top as? JobScreen else { return XCTFail("no job screen") }
        XCTAssertEqual(job.jobID, "split_b")
        XCTAssertTrue(app.wanted.contains(.job(Fixture.runDir, "split_b")))
        XCTAssertEqual(app.availability(.search).reason, "search: open a log first (o stdout, e stderr)")
        _ = app.handle(.char("e"))
        XCTAssertEqual(job.tab, .stderr)
    }
}

final class LogViewTests: XCTestCase {
    func testScrollingWrappingAndTheLastPage() {
        let lines = (1...100).map { "line \($0)" } + [String(repeating: "x", count: 250)]
        var v = LogView()
        v.toBottom(lines: lines, width: 100, page: 10)
        XCTAssertEqual(v.top, 91)
        v.wrap = true
        v.toBottom(lines: lines, width: 100, page: 10)
        XCTAssertEqual(v.top, 93, "the last line takes 3 rows")
        v.up(1, lines: lines, width: 100)
        XCTAssertFalse(v.follow, "scrolling up stops following")
        XCTAssertEqual(v.top, 92)
        v.down(50, lines: lines, width: 100, page: 10)
        XCTAssertEqual(v.top, 93, "never past the last page")
        XCTAssertEqual(LogView.find("LINE 5", in: lines, from: 10, forward: true)?.line, 49)
        XCTAssertEqual(LogView.find("line 5", in: lines, from: 60, forward: true)?.wrapped, true)
        XCTAssertEqual(LogView.find("line 7", in: lines, from: 5, forward: false)?.line, 78, "backwards, wrapping to line 79")
        XCTAssertNil(LogView.find("nope", in: lines, from: 0, forward: true))
    }
}
