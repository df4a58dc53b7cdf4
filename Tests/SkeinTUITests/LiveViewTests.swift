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
        XCTAssertEqual([Format.count(999), Format.count(3181), Format.count(16817)], ["999", "3,181", "16,817"], "one format for every count")
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

final class HeldJobTests: XCTestCase {
    func testAHeldJobSaysSinceWhenAndWhyInFull() {
        var jobs = Fixture.demoJobs
        let reason = "Error from slot1@node7: SHADOW at 10.0.0.7 failed to send file(s) to <10.0.0.1:9618>: error reading from /scratch/very/long/path/of/the/job/output/file/that/goes/on/and/on/results.tar.gz: (errno 2) No such file or directory"
        jobs[7] = Fixture.Job(id: "lonely", state: "held", duration: nil, exit: nil, reason: reason)
        var data = Fixture.demoRun(jobs: jobs)
        data.jobs[7].heldSince = Fixture.now - 60
        let (app, screen) = Fixture.runModel(width: 160, height: 40, data: data)
        screen.cursor.index = screen.rows.firstIndex { data.jobs[Int(screen.tree!.node[Int($0)])].id == "lonely" }!
        XCTAssertEqual(screen.status(app: app)?.text, "lonely: held since 11:59:00: " + reason)
        let frame = Fixture.render(app)
        let text = (0..<frame.height).map { frame.rowText($0) }.joined(separator: "\n")
        XCTAssertTrue(text.contains("held since  11:59:00"), text)
        XCTAssertTrue(frame.rowText(2).contains("‖ 1 held"), "held is counted on its own: " + frame.rowText(2))
        XCTAssertTrue(text.contains("such file or directory"), "the detail pane wraps the whole reason:\n\(text)")
    }
}

final class RecordProblemTests: XCTestCase {
    func testAnEndedAttemptsEmptyRecordIsNotStillRunning() {
        let message = "/run/jobs/000/a.out.001 is empty (the attempt may still be running)"
        XCTAssertEqual(JobScreen.recordProblem(message, exitCode: 1), "/run/jobs/000/a.out.001 is empty (the attempt ended with exit code 1 without writing one)")
        XCTAssertEqual(JobScreen.recordProblem(message, exitCode: nil), message, "running: it may be")
    }
}
