import XCTest
import SkeinReports
import SkeinTestSupport
@testable import SkeinTUI

/// A huge run's Run screen draws its first frame from the counts read ahead of the jobs:
/// the header with those counts and a loading line; keys that need the jobs say so; the
/// full read replaces it.
final class RunCountsFirstTests: XCTestCase {
    /// The demo run's report with a million jobs' counts, as `.runCounts` brings it.
    func millionCounts() -> StatusReport {
        var status = Fixture.demoRun().status
        var c = StateCounts()
        c.done = 890_000
        c.failed = 5_000
        c.futile = 95_001
        c.queued = 4_000
        c.running = 4_000
        c.unready = 6_000
        c.total = 1_000_001
        status.totals = c
        return status
    }

    func testTheCountsFrameShowsTheReadCountsAndALoadingLine() throws {
        let app = Fixture.model(width: 160, height: 20)
        let screen = RunScreen(directory: Fixture.runDir, label: "demo", kind: .skein)
        app.push(screen)
        app.receive(DataUpdate(key: .run(Fixture.runDir), payload: .runCounts(millionCounts())))
        let frame = Fixture.render(app)
        let text = frame.text
        XCTAssertTrue(text.contains("890,000 done"), text)
        XCTAssertTrue(text.contains("4,000 running"), text)
        XCTAssertTrue(text.contains("5,000 failed"), text)
        XCTAssertTrue(text.contains("6,000 waiting"), text)
        XCTAssertTrue(text.contains("95,001 futile"), text)
        XCTAssertTrue(text.contains("of 1,000,001"), text)
        XCTAssertTrue(text.contains("loading 1,000,001 jobs and their DAG\u{2026}"), text)
        XCTAssertTrue(text.contains("reading the 1,000,001 jobs of /runs/demo/run0001 ..."), text)
        // The failed count is drawn in the failed role's style, as in the loaded header.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let row = try XCTUnwrap(lines.firstIndex { $0.contains("5,000 failed") })
        let column = lines[row].distance(from: lines[row].startIndex, to: lines[row].range(of: "5,000 failed")!.lowerBound)
        XCTAssertEqual(frame[column - 2, row].style, Painter(theme: .standard, glyphs: .unicode).style(.failed), "the failed glyph")
        assertSnapshot(text, "run-counts-first")

        // A key that needs the jobs waits, saying so.
        for key in ["C", " ", "v"] {
            _ = app.handle(.char(Character(key)))
            XCTAssertTrue(Fixture.render(app).text.contains("still loading 1,000,001 jobs"), key)
            app.notify("")
        }

        // The full read replaces the counts.
        app.receive(DataUpdate(key: .run(Fixture.runDir), payload: .run(Fixture.demoRun())))
        XCTAssertNil(screen.counts)
        let loaded = Fixture.render(app).text
        XCTAssertFalse(loaded.contains("jobs and their DAG"), loaded)
        XCTAssertTrue(loaded.contains("split_b"), loaded)
        XCTAssertTrue(loaded.contains("of 8"), loaded)
    }

    func testCountsArrivingAfterTheJobsAreIgnored() {
        let (app, screen) = Fixture.runModel(width: 120, height: 20)
        app.receive(DataUpdate(key: .run(Fixture.runDir), payload: .runCounts(millionCounts())))
        XCTAssertNil(screen.counts)
        XCTAssertFalse(Fixture.render(app).text.contains("loading"))
    }

    /// On a real Pegasus run: the counts handed ahead are the ones the full read ends with.
    func testTheCountsReadFirstAreTheFinalCounts() throws {
        for name in ["process_wf_failure", "hierarchical_wf_failure"] {
            let location = try RunLocation.locate(try Fixture.pegasus(name))
            var early: StatusReport?
            let data = try RunDataReader.read(location, countsFirst: 0, onCounts: { early = $0 })
            let counts = try XCTUnwrap(early, name)
            XCTAssertEqual(counts.totals, data.status.totals, name)
            XCTAssertEqual(counts.workflows, data.status.workflows, name)
            XCTAssertEqual(counts.condition, data.status.condition, name)
            XCTAssertNil(counts.jobs)
            // Small runs skip the counts frame.
            var skipped = true
            _ = try RunDataReader.read(location, onCounts: { _ in skipped = false })
            XCTAssertTrue(skipped, name)
        }
    }
}
