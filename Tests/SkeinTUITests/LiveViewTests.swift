import XCTest
import SkeinReports
@testable import SkeinTUI

/// What the Run screen shows of a live run is true now, not as of the last read.
final class LiveViewTests: XCTestCase {
    func row(_ app: AppModel, _ job: String) -> String {
        let frame = Fixture.render(app)
        return (0..<frame.height).map { frame.rowText($0) }.first { $0.contains(" \(job) ") } ?? ""
    }

    func testARunningJobsDurationTicksFromItsStart() {
        let (app, screen) = Fixture.runModel()
        let watch = screen.data!.index["watch"].map(Int.init)!
        XCTAssertEqual(screen.data!.duration(watch, now: Fixture.now), 95)
        XCTAssertTrue(row(app, "watch").contains("1m35s"), row(app, "watch"))
        app.now = Fixture.now + 1
        XCTAssertTrue(row(app, "watch").contains("1m36s"), "a second later, without new data: \(row(app, "watch"))")
        let prepare = screen.data!.index["prepare"].map(Int.init)!
        XCTAssertEqual(screen.data!.duration(prepare, now: Fixture.now + 100), 2.25, "a finished job keeps its time")
    }

    func testAttemptsNeverReadMoreThanAllowed() {
        XCTAssertEqual(Format.attempt(0, of: 1), "-")
        XCTAssertEqual(Format.attempt(1, of: 3), "1/3")
        XCTAssertEqual(Format.attempt(2, of: 1), "2/2", "a job retried by the user past its allowance")
    }

    func testAHaltingRunSaysSoInTheHeader() {
        var data = Fixture.demoRun()
        data.status.condition.halting = true
        data.status.condition.text = "Halting (1 running)"
        let (app, _) = Fixture.runModel(data: data)
        XCTAssertTrue(Fixture.render(app).rowText(1).contains("Halting (1 running)"))
    }

    func testTheStatusLineForgetsTheLastJobsMessageWhenTheSelectionMoves() {
        let (app, _) = Fixture.runModel()
        _ = app.handle(.char("f"))  // next failed: says why it failed
        XCTAssertEqual(app.currentMessage?.text.hasPrefix("split_b: "), true)
        _ = app.handle(.char("h"))
        XCTAssertNil(app.currentMessage, "h moved to the parent: the message was about split_b")
        _ = app.handle(.char("f"))
        _ = app.handle(.char("f"))
        XCTAssertNotNil(app.currentMessage, "a move that says something keeps its own message")
        app.notify("about this job")
        _ = app.handle(.char("j"))
        XCTAssertNil(app.currentMessage)
    }
}
