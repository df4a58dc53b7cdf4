import XCTest
@testable import SkeinTUI

/// Escape sequences become one key; Esc goes back but never quits; a filter prompt's Esc
/// clears the filter.
final class KeyHandlingTests: XCTestCase {
    func testAltCombinationsAndUnknownSequencesAreOneKey() {
        XCTAssertEqual(EscapeSequence.decode(""), .escape)
        XCTAssertEqual(EscapeSequence.decode("H"), .alt("H"))
        XCTAssertEqual(EscapeSequence.decode("h"), .alt("h"))
        XCTAssertEqual(EscapeSequence.decode("[1;5P"), .unrecognized("[1;5P"))
        XCTAssertEqual(EscapeSequence.decode("[200~"), .unrecognized("[200~"))
        XCTAssertEqual(EscapeSequence.decode("OP"), .unrecognized("OP"))
        XCTAssertEqual(EscapeSequence.decode("["), .alt("["))
        XCTAssertEqual(EscapeSequence.decode("\u{1}"), .unrecognized("\u{1}"))
        XCTAssertEqual(EscapeSequence.decode("[" + String(repeating: "1", count: 40)), .unrecognized("[" + String(repeating: "1", count: 31)))
        XCTAssertEqual(Key.alt("H").description, "Alt-H")
    }

    func testAltShiftHOnTheJobScreenNeitherGoesBackNorHalts() {
        let (app, _) = Fixture.runModel()
        _ = app.handle(.enter)
        XCTAssertEqual(app.top.kind, .job)
        let depth = app.screens.count
        XCTAssertEqual(app.handle(.alt("H")), [])
        XCTAssertEqual(app.handle(.unrecognized("[1;5P")), [])
        XCTAssertEqual(app.screens.count, depth)
        XCTAssertNil(app.overlay)
        XCTAssertNil(app.currentMessage?.isError == true ? app.currentMessage : nil)
    }

    func testEscapeNeverQuitsAndClearsTheRunsFilter() {
        let app = Fixture.model()
        app.receive(DataUpdate(key: .runs, payload: .runs(Fixture.demoSummaries())))
        let runs = app.top as! RunsScreen
        XCTAssertEqual(app.handle(.escape), [], "Esc on the runs list does not quit")
        _ = app.handle(.char("/"))
        for c in "fail" { _ = app.handle(.char(c)) }
        _ = app.handle(.enter)
        XCTAssertEqual(runs.visible.count, 1)
        XCTAssertEqual(app.handle(.escape), [], "Esc clears the filter")
        XCTAssertEqual(runs.filter, "")
        XCTAssertEqual(runs.visible.count, 4)
        XCTAssertEqual(app.handle(.escape), [])
        XCTAssertEqual(app.handle(.char("q")), [.quit], "q still quits")
    }

    func testSlashThenEscapeClearsTheFilterAsHelpSays() {
        let (app, run) = Fixture.runModel()
        _ = app.handle(.char("/"))
        for c in "fai" { _ = app.handle(.char(c)) }
        _ = app.handle(.enter)
        XCTAssertEqual(run.filter, "fai")
        _ = app.handle(.char("/"))
        _ = app.handle(.escape)
        XCTAssertEqual(run.filter, "")
        XCTAssertEqual(app.top.kind, .run, "that Esc only closed the prompt")
        let help = app.helpLines().map(\.text).joined(separator: "\n")
        XCTAssertTrue(help.contains("state:running"), "state filters are documented")
    }
}

/// The `:` prompt completes with Tab and remembers what ran.
final class CommandLineTests: XCTestCase {
    func type(_ app: AppModel, _ text: String) { for c in text { _ = app.handle(.char(c)) } }

    func testTabCompletesVerbsAndTheirWords() {
        let (app, _) = Fixture.runModel()
        _ = app.handle(.char(":"))
        type(app, "th")
        _ = app.handle(.tab)
        XCTAssertEqual(app.prompt?.text, "theme ")
        type(app, "hi")
        _ = app.handle(.tab)
        XCTAssertEqual(app.prompt?.text, "theme high-contrast ")
        _ = app.handle(.ctrl("u"))
        type(app, "sort d")
        _ = app.handle(.tab)
        XCTAssertEqual(app.prompt?.text, "sort duration ")
        _ = app.handle(.ctrl("u"))
        type(app, "retry spl")
        _ = app.handle(.tab)
        XCTAssertEqual(app.prompt?.text, "retry split_", "as far as the job ids agree")
        XCTAssertEqual(app.currentMessage?.text, "split_a split_b")
        _ = app.handle(.escape)
    }

    func testUpAndDownRecallTheCommandsRunBefore() {
        let (app, _) = Fixture.runModel()
        for line in ["sort job", "view level"] {
            _ = app.handle(.char(":"))
            type(app, line)
            _ = app.handle(.enter)
        }
        XCTAssertEqual(app.commandHistory, ["sort job", "view level"])
        _ = app.handle(.char(":"))
        _ = app.handle(.up)
        XCTAssertEqual(app.prompt?.text, "view level")
        _ = app.handle(.up)
        XCTAssertEqual(app.prompt?.text, "sort job")
        _ = app.handle(.down)
        _ = app.handle(.down)
        XCTAssertEqual(app.prompt?.text, "")
    }
}
