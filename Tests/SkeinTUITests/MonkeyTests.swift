import SkeinText
import XCTest
import SkeinReports
@testable import SkeinTUI

/// Random keys, clicks and sizes on every screen: nothing crashes, every frame is clean.
final class MonkeyTests: XCTestCase {
    struct Rng {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    static let keys: [Key] = [
        .char("j"), .char("k"), .char("g"), .char("G"), .ctrl("d"), .ctrl("u"), .pageDown, .pageUp, .enter, .escape, .tab, .backTab,
        .char("h"), .char("l"), .char("C"), .char("E"), .char("f"), .char("F"), .char("v"), .char(" "), .char("u"), .char("/"),
        .char("a"), .char("t"), .char("r"), .char("K"), .char("H"), .char("R"), .char("D"), .char("n"), .char("N"), .char("w"),
        .char("o"), .char("e"), .char("1"), .char("2"), .char("3"), .char("4"), .char("5"), .char("["), .char("]"), .char("?"),
        .char(":"), .char("x"), .char("y"), .char("s"), .char("S"), .backspace, .left, .right, .char("p"), .char("q"),
    ]

    func testRandomSessions() throws {
        let dir = try Fixture.pegasus("process_wf_failure")
        let location = try RunLocation.locate(dir)
        let runData = try RunDataReader.read(location, now: Fixture.now)
        let detail = try JobDetailReader.read(location, job: "ls_ID0000001", plan: nil)
        let analysis = try AnalysisReader.read(dir)
        let stats = try StatisticsDataReader.read(location, now: Fixture.now)
        var rng = Rng(state: 42)
        for session in 0..<40 {
            var w = 40 + rng.next(160), h = 10 + rng.next(50)
            let app = Fixture.model(width: w, height: h)
            let feed: () -> Void = {
                app.receive(DataUpdate(key: .runs, payload: .runs(Fixture.demoSummaries())))
                app.receive(DataUpdate(key: .run(Fixture.runDir), payload: .run(Fixture.demoRun())))
                app.receive(DataUpdate(key: .run(dir), payload: .run(runData)))
                app.receive(DataUpdate(key: .job(dir, "ls_ID0000001"), payload: .job(detail)))
                app.receive(DataUpdate(key: .failures(dir), payload: .failures(analysis)))
                app.receive(DataUpdate(key: .statistics(dir), payload: .statistics(stats)))
                for a in detail.attempts {
                    for source in [a.stdout, a.stderr] {
                        let lines = (0..<300).map { i in i % 7 == 0 ? String(repeating: "long \u{1B}[1m日本 ", count: 40) : "line \(i)\tx" }
                        app.receive(DataUpdate(key: .log(source), payload: .log(LogText(source: source, lines: lines, size: 9000))))
                    }
                }
            }
            if session % 2 == 0 { app.push(RunScreen(directory: dir, label: "process", kind: .pegasus)) }
            feed()
            for step in 0..<150 {
                let roll = rng.next(20)
                if roll == 0 {
                    w = 20 + rng.next(200); h = 5 + rng.next(60)
                    app.resize(width: w, height: h)
                } else if roll == 1 {
                    let kinds: [MouseEvent.Kind] = [.press, .wheelUp, .wheelDown, .release]
                    _ = app.handle(.mouse(MouseEvent(kinds[rng.next(4)], x: rng.next(w), y: rng.next(h))))
                } else if roll == 2, app.prompt?.kind == .search || app.prompt == nil && app.top is JobScreen {
                    if app.prompt == nil { _ = app.handle(.char("/")) }
                    for c in ["line 1", "long", "zzz", "日本"][rng.next(4)] { _ = app.handle(.char(c)) }
                    _ = app.handle(.enter)
                } else {
                    let effects = app.handle(Self.keys[rng.next(Self.keys.count)])
                    if effects.contains(.quit) { break }
                }
                if step % 10 == 0 { feed() }
                let frame = Fixture.render(app, ascii: session % 3 == 0)
                XCTAssertEqual(frame.width, w)
                for cell in frame.cells {
                    for s in cell.character.unicodeScalars { XCTAssertFalse(Untrusted.isUnsafe(s)) }
                }
            }
        }
    }
}
