import XCTest
import SkeinReports
@testable import SkeinTUI

/// Where things go on screen: the scrollbar has a column of its own.
final class LayoutTests: XCTestCase {
    func testTheScrollbarHasItsOwnColumn() {
        let jobs = (1...60).map { Fixture.Job(id: "job\($0)", state: "done", duration: 1234.5) }
        for width in [80, 120] {
            let (app, _) = Fixture.runModel(width: width, height: 24, data: Fixture.demoRun(jobs: jobs))
            let frame = Fixture.render(app)
            let list = Layout.runList(width: width, height: 24)
            for y in list.y..<list.maxY {
                let row = frame.rowText(y)
                XCTAssertTrue(row.hasSuffix("│") || row.hasSuffix("█"), "row \(y) ends in the scrollbar: \(row)")
                XCTAssertTrue(row.dropLast().trimmingCharacters(in: .whitespaces).hasSuffix(width >= 100 ? "0" : "20m35s"),
                              "the last column is whole: \(row)")
            }
        }
    }
}

/// Any column of the job list sorts it; the arrow stands beside the title.
final class JobSortTests: XCTestCase {
    func ids(_ s: RunScreen) -> [String] { s.rows.map { s.data!.jobs[Int(s.tree!.node[Int($0)])].id } }

    func testSortTheJobListByAnyColumnThenBackToTheTree() {
        let (app, s) = Fixture.runModel(width: 120, height: 30)
        XCTAssertEqual(app.runCommandLine("sort duration"), [])
        XCTAssertEqual(s.sort, .duration)
        XCTAssertFalse(s.ascending, "numbers biggest first")
        XCTAssertEqual(Array(ids(s).prefix(3)), ["watch", "split_a", "prepare"])
        XCTAssertEqual(ids(s).count, 8, "each job once, no reference rows")
        _ = app.runCommandLine("sort exit desc")
        XCTAssertEqual(ids(s).first, "split_b")
        _ = app.handle(.char("S"))
        XCTAssertTrue(s.ascending)
        _ = app.runCommandLine("sort job")
        XCTAssertEqual(ids(s), ["create_dir_demo_local", "lonely", "merge", "prepare", "report", "split_a", "split_b", "watch"])
        let header = Fixture.render(app).rowText(3)
        XCTAssertTrue(header.contains("JOB▲"), header)
        _ = app.runCommandLine("sort wall desc")
        let wall = Fixture.render(app).rowText(3)
        XCTAssertTrue(wall.contains("▼DURATION"), "the arrow beside a right-aligned title, not over a letter: " + wall)
        XCTAssertEqual(app.availability(.collapse), .disabled("the sorted list is flat: :sort none to fold"))
        _ = app.runCommandLine("sort none")
        XCTAssertNil(s.sort)
        XCTAssertEqual(ids(s).first, "create_dir_demo_local")
        XCTAssertEqual(ids(s).count, 9, "the tree again, with its reference row")
    }

    func testTheRunsListArrowNeverCoversALetter() {
        let app = Fixture.model(width: 120, height: 24)
        app.receive(DataUpdate(key: .runs, payload: .runs(Fixture.demoSummaries())))
        _ = app.runCommandLine("sort wall desc")
        let header = (0..<4).map { Fixture.render(app).rowText($0) }.first { $0.contains("WALL") } ?? ""
        XCTAssertTrue(header.contains("▼WALL"), header)
    }
}

final class BreadcrumbTests: XCTestCase {
    func testFailuresAndStatisticsReplaceEachOther() {
        let (app, _) = Fixture.runModel()
        for key in ["a", "t", "a", "t", "a"] { _ = app.handle(.char(Character(key))) }
        XCTAssertEqual(app.screens.map(\.kind), [.runs, .run, .failures])
        _ = app.handle(.char("q"))
        XCTAssertEqual(app.top.kind, .run)
    }
}

final class MarkAndJumpTests: XCTestCase {
    func testMarkEveryJobShownThenUnmarkThem() {
        let (app, s) = Fixture.runModel()
        _ = app.runCommandLine("filter split")
        _ = app.handle(.char("*"))
        XCTAssertEqual(s.marks, ["split_a", "split_b"])
        _ = app.handle(.char("*"))
        XCTAssertEqual(s.marks, [])
    }

    func testJumpToTheNextRunningJob() {
        let (app, s) = Fixture.runModel()
        _ = app.handle(.char("n"))
        XCTAssertEqual(s.selectedJob.map { s.data!.jobs[$0].id }, "watch")
        _ = app.runCommandLine("sort job")
        _ = app.handle(.char("g"))
        _ = app.handle(.char("n"))
        XCTAssertEqual(s.selectedJob.map { s.data!.jobs[$0].id }, "watch", "in a sorted list too")
        _ = app.handle(.char("f"))
        XCTAssertEqual(s.selectedJob.map { s.data!.jobs[$0].id }, "split_b")
    }
}

final class WideLayoutTests: XCTestCase {
    func testIHidesTheDetailPaneForLongerNames() {
        var jobs = Fixture.demoJobs
        jobs[7].id = "a_job_with_a_name_far_longer_than_thirty_columns"
        let (app, s) = Fixture.runModel(width: 150, height: 30, data: Fixture.demoRun(jobs: jobs))
        XCTAssertFalse(Fixture.render(app).text.contains(jobs[7].id), "cut beside the detail pane")
        _ = app.handle(.char("i"))
        XCTAssertFalse(s.showDetail)
        XCTAssertTrue(Fixture.render(app).text.contains(jobs[7].id), "whole without it")
        let narrow = Fixture.runModel(width: 100, height: 30).0
        XCTAssertEqual(narrow.availability(.toggleDetail), .disabled("the detail pane shows from 150 columns (now 100)"))
    }

    func testAVeryWideListDoesNotPadTheJobColumn() {
        let (app, _) = Fixture.runModel(width: 250, height: 30)
        let header = Fixture.render(app).rowText(3)
        let job = header.range(of: "JOB")!.upperBound, transformation = header.range(of: "TRANSFORMATION")!.lowerBound
        XCTAssertLessThan(header.distance(from: job, to: transformation), 40, header)
    }
}
