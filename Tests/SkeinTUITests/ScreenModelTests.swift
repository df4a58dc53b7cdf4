import XCTest
import SkeinReports
@testable import SkeinTUI

/// The Job, Failures and Statistics screens' models on real Pegasus runs.
final class JobScreenModelTests: XCTestCase {
    func model(height: Int = 24) throws -> (AppModel, JobScreen, String) {
        let dir = try Fixture.pegasus("process_wf_failure")
        let detail = try JobDetailReader.read(RunLocation.locate(dir), job: "ls_ID0000001", plan: nil)
        let app = Fixture.model(height: height)
        let screen = JobScreen(directory: dir, job: "ls_ID0000001", kind: .pegasus)
        app.push(screen)
        app.receive(DataUpdate(key: .job(dir, "ls_ID0000001"), payload: .job(detail)))
        return (app, screen, dir)
    }

    func log(_ n: Int, _ source: LogSource) -> DataUpdate {
        DataUpdate(key: .log(source), payload: .log(LogText(source: source, lines: (1...n).map { "line \($0)" }, size: n * 7)))
    }

    func testTabsAttemptsAndWhatIsLoaded() throws {
        let (app, s, dir) = try model()
        XCTAssertEqual(app.wanted, [.runs, .job(dir, "ls_ID0000001")])
        _ = app.handle(.char("3"))
        XCTAssertTrue(app.wanted.contains(.record(dir + "/00/00/ls_ID0000001.out.001")))
        _ = app.handle(.char("["))
        XCTAssertEqual(s.attemptIndex, 0)
        XCTAssertTrue(app.wanted.contains(.record(dir + "/00/00/ls_ID0000001.out.000")))
        _ = app.handle(.char("]"))
        XCTAssertNil(s.attemptIndex, "back on the latest, following new attempts")
        _ = app.handle(.tab)
        XCTAssertEqual(s.tab, .stdout)
        _ = app.handle(.char("2"))
        _ = app.handle(.char("k"))
        _ = app.handle(.enter)
        XCTAssertEqual(s.tab, .stderr, "a failed attempt opens on its stderr")
        XCTAssertEqual(s.attemptIndex, 0)
    }

    func testFollowSearchAndWrap() throws {
        let (app, s, _) = try model(height: 14)  // 8 log rows
        _ = app.handle(.char("e"))
        let source = try XCTUnwrap(s.logSource)
        app.receive(log(20, source))
        XCTAssertEqual(s.logViews[.stderr]?.top, 12, "following: the last page")
        app.receive(log(30, source))
        XCTAssertEqual(s.logViews[.stderr]?.top, 22)
        _ = app.handle(.char("k"))
        XCTAssertEqual(s.logViews[.stderr]?.follow, false)
        app.receive(log(40, source))
        XCTAssertEqual(s.logViews[.stderr]?.top, 21, "not following: the view stays")
        _ = app.handle(.char("F"))
        XCTAssertEqual(s.logViews[.stderr]?.top, 32)
        _ = app.handle(.char("g"))
        _ = app.handle(.char("/"))
        for c in "line 3" { _ = app.handle(.char(c)) }
        _ = app.handle(.enter)
        XCTAssertEqual(s.logViews[.stderr]?.match, 2)
        _ = app.handle(.char("n"))
        XCTAssertEqual(s.logViews[.stderr]?.match, 29)
        _ = app.handle(.char("N"))
        XCTAssertEqual(s.logViews[.stderr]?.match, 2)
        XCTAssertTrue(app.currentMessage!.text.contains("11 matching lines"), app.currentMessage!.text)
        _ = app.handle(.char("w"))
        XCTAssertEqual(s.logViews[.stderr]?.wrap, true)
        XCTAssertEqual(app.availability(.kill), .disabled(RunActions.readOnly))
    }
}

final class FailuresAndStatisticsModelTests: XCTestCase {
    func testFailuresOpenTheLogOfTheFailedAttempt() throws {
        let dir = try Fixture.pegasus("process_wf_failure")
        let app = Fixture.model()
        let s = FailuresScreen(directory: dir, label: "process", kind: .pegasus)
        app.push(s)
        app.receive(DataUpdate(key: .failures(dir), payload: .failures(try AnalysisReader.read(dir))))
        XCTAssertEqual(s.rows.map(\.detail.job), ["ls_ID0000001"])
        XCTAssertTrue(s.tailLines().map(\.text).contains(" /bin/ls: invalid option -- 'z'") || s.tailLines().map(\.text).contains("/bin/ls: invalid option -- 'z'"))
        _ = app.handle(.tab)
        XCTAssertTrue(s.tailFocused)
        _ = app.handle(.tab)
        _ = app.handle(.enter)
        let job = try XCTUnwrap(app.top as? JobScreen)
        XCTAssertEqual(job.tab, .stderr)
        XCTAssertEqual(job.jobID, "ls_ID0000001")
    }

    func testTheFailuresPaneExpandsTabsAsTheLogViewerDoes() throws {
        let dir = try Fixture.pegasus("process_wf_failure")
        var report = try AnalysisReader.read(dir)
        let task = try XCTUnwrap(report.failedJobs[0].tasks.firstIndex { $0.seq >= 0 })
        report.failedJobs[0].tasks[task].stderr = OutputText("col1\tcol2", tail: 10)
        let app = Fixture.model()
        let s = FailuresScreen(directory: dir, label: "process", kind: .pegasus)
        app.push(s)
        app.receive(DataUpdate(key: .failures(dir), payload: .failures(report)))
        XCTAssertTrue(s.tailLines().map(\.text).contains("col1    col2"), s.tailLines().map(\.text).joined(separator: "\n"))
    }

    func testTimelineModesAndPeak() throws {
        let dir = try Fixture.pegasus("hierarchical_wf_failure")
        let data = try StatisticsDataReader.read(RunLocation.locate(dir), now: Fixture.now)
        let app = Fixture.model()
        let s = StatisticsScreen(directory: dir, label: "h", kind: .pegasus)
        app.push(s)
        app.receive(DataUpdate(key: .statistics(dir), payload: .statistics(data)))
        XCTAssertEqual(s.rowCount, data.bars.count)
        XCTAssertGreaterThanOrEqual(s.peakConcurrency, 1)
        _ = app.handle(.char("v"))
        XCTAssertEqual(s.mode, .perTransformation)
        XCTAssertEqual(s.rowCount, Set(data.bars.map(\.transformation)).count)
        _ = app.handle(.tab)
        XCTAssertEqual(s.pane, .tables)
        XCTAssertTrue(s.tableLines.map(\.text).contains { $0.contains("Summary") })
        XCTAssertEqual(app.availability(.timelineMode).isEnabled, false)
    }

    func testEnterOnATimelineRowOpensItsJob() throws {
        let dir = try Fixture.pegasus("hierarchical_wf_failure")
        let data = try StatisticsDataReader.read(RunLocation.locate(dir), now: Fixture.now)
        let app = Fixture.model()
        let s = StatisticsScreen(directory: dir, label: "h", kind: .pegasus)
        app.push(s)
        app.receive(DataUpdate(key: .statistics(dir), payload: .statistics(data)))
        _ = app.handle(.char("j"))
        _ = app.handle(.enter)
        let job = try XCTUnwrap(app.top as? JobScreen)
        XCTAssertEqual(job.jobID, data.bars[1].job)
        _ = app.handle(.char("q"))
        _ = app.handle(.char("v"))
        XCTAssertEqual(app.availability(.open), .disabled("open: a row per transformation is no one job (v: per job)"))
    }
}

final class PagerKeyTests: XCTestCase {
    func testPHandsTheLogFileToThePager() throws {
        let dir = try Fixture.pegasus("process_wf_failure")
        let detail = try JobDetailReader.read(RunLocation.locate(dir), job: "ls_ID0000001", plan: nil)
        let app = Fixture.model()
        let screen = JobScreen(directory: dir, job: "ls_ID0000001", kind: .pegasus)
        app.push(screen)
        app.receive(DataUpdate(key: .job(dir, "ls_ID0000001"), payload: .job(detail)))
        XCTAssertEqual(app.availability(.pager), .disabled("pager: open a log first (o stdout, e stderr)"))
        _ = app.handle(.char("e"))
        let source = try XCTUnwrap(screen.logSource)
        if let path = source.path {
            XCTAssertEqual(app.handle(.char("P")), [.openPager(path)])
            XCTAssertEqual(app.handle(.char("y")), [.copy(path)])
        } else {
            XCTAssertEqual(app.availability(.pager), .disabled("pager: this output is kept in the run database, not in a file"))
        }
    }

    func testZeroAndDollarGoToTheLogsFirstAndLastColumns() throws {
        let dir = try Fixture.pegasus("process_wf_failure")
        let detail = try JobDetailReader.read(RunLocation.locate(dir), job: "ls_ID0000001", plan: nil)
        let app = Fixture.model(width: 80, height: 24)
        let screen = JobScreen(directory: dir, job: "ls_ID0000001", kind: .pegasus)
        app.push(screen)
        app.receive(DataUpdate(key: .job(dir, "ls_ID0000001"), payload: .job(detail)))
        _ = app.handle(.char("e"))
        let source = try XCTUnwrap(screen.logSource)
        let lines = ["short", String(repeating: "x", count: 200) + "END", "short too"]
        app.receive(DataUpdate(key: .log(source), payload: .log(LogText(source: source, lines: lines, size: 300))))
        _ = app.handle(.char("$"))
        XCTAssertEqual(screen.logViews[.stderr]?.left, 203 - screen.logWidth(app))
        XCTAssertTrue(Fixture.render(app).text.contains("xxxEND"), "the longest line's end is on screen")
        _ = app.handle(.char("0"))
        XCTAssertEqual(screen.logViews[.stderr]?.left, 0)
    }
}
