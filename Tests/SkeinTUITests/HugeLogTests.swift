import Foundation
import XCTest
import SkeinReports
@testable import SkeinTUI

/// A log larger than one window: read a window at a time anywhere in the file, numbered by
/// the line index built in the background, searched as a file.
final class HugeLogTests: XCTestCase {
    /// 20 MiB of numbered lines ("log line number N of a big job's output"): five windows.
    static let (path, count): (String, Int) = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("skein-hugelog-\(getpid()).txt").path
        var text = ""
        text.reserveCapacity(21 << 20)
        var n = 0
        while text.utf8.count < 20 << 20 { n += 1; text += "log line number \(n) of a big job's output\n" }
        try! text.write(toFile: path, atomically: false, encoding: .utf8)
        return (path, n)
    }()

    override class func tearDown() { try? FileManager.default.removeItem(atPath: path) }

    static func line(_ n: Int) -> String { "log line number \(n) of a big job's output" }

    func indexed() -> LogReader {
        let reader = LogReader(path: Self.path)
        _ = reader.read()
        XCTAssertTrue(reader.index.claimBuild())
        reader.index.build()
        return reader
    }

    func testTheEndShowsAtOnceAndIsNumberedOnceIndexed() throws {
        let reader = LogReader(path: Self.path)
        let first = reader.read()
        XCTAssertTrue(first.truncated)
        XCTAssertTrue(first.atEnd)
        XCTAssertEqual(first.lines.last, Self.line(Self.count))
        XCTAssertNil(first.firstLine, "not counted yet: no line number is made up")
        XCTAssertTrue(reader.needsIndex)
        XCTAssertTrue(reader.index.claimBuild())
        reader.index.build()
        let numbered = reader.read()
        let firstLine = try XCTUnwrap(numbered.firstLine)
        XCTAssertEqual(firstLine + numbered.lines.count, Self.count, "every line counted, the skipped ones too")
        XCTAssertEqual(numbered.lines.first, Self.line(firstLine + 1), "line numbers are the file's")
        XCTAssertEqual(numbered.totalLines, Self.count)
        XCTAssertEqual(numbered.gutterWidth, max(6, String(Self.count).count + 1))
        XCTAssertLessThanOrEqual(numbered.windowEnd - numbered.windowStart, LogReader.maximumBytes)
    }

    func testWindowsAnywhereInTheFileKeepTrueLineNumbers() throws {
        let reader = LogReader(path: Self.path)
        _ = reader.read()
        // The start needs no index.
        let head = try XCTUnwrap(reader.read(.at(byte: 0, line: 0)))
        XCTAssertEqual(head.firstLine, 0)
        XCTAssertEqual(head.lines.first, Self.line(1))
        XCTAssertFalse(head.atEnd)
        // Paging on from the middle of that window: its numbers come from the anchor.
        let k = head.lines.count * 3 / 4
        let next = try XCTUnwrap(reader.read(.at(byte: head.lineOffsets[k], line: k)))
        let nextFirst = try XCTUnwrap(next.firstLine)
        XCTAssertEqual(next.lines[k - nextFirst], Self.line(k + 1))
        XCTAssertGreaterThan(next.windowEnd, head.windowEnd)
        // :N before the index got there waits; after, it lands on the line.
        XCTAssertNil(reader.read(.line(300_000)))
        XCTAssertTrue(reader.index.claimBuild())
        reader.index.build()
        let far = try XCTUnwrap(reader.read(.line(300_000)))
        let farFirst = try XCTUnwrap(far.firstLine)
        XCTAssertEqual(far.lines[300_000 - farFirst], Self.line(300_001))
        XCTAssertEqual(far.lineOffsets[300_000 - farFirst], reader.index.byte(ofLine: 300_000))
        XCTAssertEqual(reader.index.line(atByte: far.lineOffsets[0]), farFirst)
        // Back to the end, which follows what is appended.
        let tail = try XCTUnwrap(reader.read(.tail))
        XCTAssertTrue(tail.atEnd)
        XCTAssertEqual(tail.lines.last, Self.line(Self.count))
    }

    func testTheIndexStaysSmall() {
        let reader = indexed()
        let progress = reader.index.progress
        XCTAssertTrue(progress.complete)
        XCTAssertEqual(progress.lines, Self.count)
        // One checkpoint per 4,096 lines: about 120 numbers for half a million lines.
        XCTAssertEqual(reader.index.checkpoint(atOrBefore: Self.count)?.line, Self.count / LineIndex.stride * LineIndex.stride)
    }

    func testASearchFromTheMiddleWrapsAndFindsTheLastMatchBackwards() throws {
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: Self.path)[.size] as? Int)
        let reader = indexed()
        let middle = try XCTUnwrap(reader.index.byte(ofLine: 400_000))
        let search = FileSearch()
        // "number 12 " is only on line 12: found after wrapping round the end.
        let wrapped = search.search("number 12 ", in: Self.path, ranges: [.init(start: middle, end: size, firstLine: 400_000), .init(start: 0, end: middle, firstLine: 0)], last: false)
        guard case .found(let m) = wrapped else { return XCTFail("\(wrapped)") }
        XCTAssertEqual(m.line, 12)
        XCTAssertTrue(m.wrapped)
        XCTAssertEqual(m.text, Self.line(12))
        XCTAssertEqual(m.byte, reader.index.byte(ofLine: 11))
        // Backwards from the middle: the last line before it that has "number 39999".
        let back = search.search("number 39999", in: Self.path, ranges: [.init(start: 0, end: middle, firstLine: 0)], last: true)
        guard case .found(let b) = back else { return XCTFail("\(back)") }
        XCTAssertEqual(b.line, 399_999)
        // A range whose first line number is unknown still finds the line's byte.
        let unnumbered = search.search("number 400002 ", in: Self.path, ranges: [.init(start: middle, end: size, firstLine: nil)], last: false)
        guard case .found(let u) = unnumbered else { return XCTFail("\(unnumbered)") }
        XCTAssertNil(u.line)
        XCTAssertEqual(u.byte, reader.index.byte(ofLine: 400_001))
    }

    // MARK: the viewer

    /// A failed Pegasus job whose stderr is the huge log (or, for PRE scripts, whose PRE
    /// log is), opened on that tab.
    func viewer(job: String = "ls_ID0000001", fixture: String = "process_wf_failure", tab: JobScreen.Tab = .stderr) throws -> (AppModel, JobScreen, LogReader) {
        let dir = try Fixture.pegasus(fixture)
        var detail = try JobDetailReader.read(RunLocation.locate(dir), job: job, plan: nil)
        if tab == .stderr { detail.attempts[detail.attempts.count - 1].stderr = .file(Self.path) } else { detail.attempts[detail.attempts.count - 1].stdout = .file(Self.path) }
        let app = Fixture.model(width: 100, height: 30)
        let screen = JobScreen(directory: dir, job: job, kind: .pegasus, tab: tab)
        app.push(screen)
        app.receive(DataUpdate(key: .job(dir, job), payload: .job(detail)))
        let reader = LogReader(path: Self.path)
        app.receive(DataUpdate(key: .log(.file(Self.path)), payload: .log(reader.read())))
        return (app, screen, reader)
    }

    /// What the data service does with a `moveLog` effect.
    func deliver(_ effects: [Effect], _ app: AppModel, _ reader: LogReader) {
        for case .moveLog(let path, let request) in effects {
            XCTAssertEqual(path, Self.path)
            if let text = reader.read(request) { app.receive(DataUpdate(key: .log(.file(path)), payload: .log(text))) }
        }
    }

    func testGShowsLineOneOfTheFileAndGTheEnd() throws {
        let (app, screen, reader) = try viewer()
        var screenText = Fixture.render(app).text
        XCTAssertTrue(screenText.contains(Self.line(Self.count)), screenText)
        XCTAssertTrue(screenText.contains("counting lines 0%"), screenText)
        let effects = app.handle(.char("g"))
        XCTAssertEqual(effects, [.moveLog(path: Self.path, to: .at(byte: 0, line: 0))])
        deliver(effects, app, reader)
        screenText = Fixture.render(app).text
        XCTAssertTrue(screenText.contains("     1 " + Self.line(1)), screenText)
        XCTAssertEqual(screen.logViews[.stderr]?.follow, false)
        // j pages on through the loaded part; near its end the next part is asked for.
        var asked: [Effect] = []
        for _ in 0..<5000 where asked.isEmpty { asked = app.handle(.pageDown) }
        guard case .moveLog(_, .at(let byte, let line?))? = asked.first else { return XCTFail("\(asked)") }
        let before = screen.currentLog!.number(screen.logViews[.stderr]!.top)
        deliver(asked, app, reader)
        XCTAssertEqual(screen.currentLog!.number(screen.logViews[.stderr]!.top), before, "the same line stays in view")
        XCTAssertEqual(screen.currentLog!.lineOffsets[line - screen.currentLog!.firstLine!], byte)
        let end = app.handle(.char("G"))
        XCTAssertEqual(end, [.moveLog(path: Self.path, to: .tail)])
        deliver(end, app, reader)
        XCTAssertTrue(Fixture.render(app).text.contains(Self.line(Self.count)))
    }

    func testColonNumberGoesToThatLineOnceIndexed() throws {
        let (app, screen, reader) = try viewer()
        XCTAssertTrue(reader.index.claimBuild())
        reader.index.build()
        app.receive(DataUpdate(key: .log(.file(Self.path)), payload: .log(reader.read())))
        let effects = app.runCommandLine("250000")
        XCTAssertEqual(effects, [.moveLog(path: Self.path, to: .line(249_999))])
        deliver(effects, app, reader)
        let text = Fixture.render(app).text
        XCTAssertTrue(text.contains("250000 " + Self.line(250_000)), text)
        XCTAssertTrue(text.contains("\(Format.count(Self.count)) lines"), text)
        XCTAssertEqual(screen.logViews[.stderr]?.follow, false)
    }

    func testASearchRunsOnTheFileAndItsMatchShowsInPlace() throws {
        let (app, screen, reader) = try viewer()
        deliver(app.handle(.char("g")), app, reader)
        _ = app.handle(.char("/"))
        for c in "number 300000 " { _ = app.handle(.char(c)) }
        let effects = app.handle(.enter)
        guard case .searchFile(let path, let pattern, let ranges, false)? = effects.first else { return XCTFail("\(effects)") }
        XCTAssertEqual(app.fileSearch, "number 300000 ")
        // Esc stops it (and stays on the log).
        XCTAssertEqual(app.handle(.escape), [.cancelFileSearch])
        XCTAssertEqual(app.top.kind, .job)
        let outcome = FileSearch().search(pattern, in: path, ranges: ranges, last: false)
        let shown = app.fileSearchEnded(outcome)
        XCTAssertEqual(app.currentMessage?.text, "/number 300000 : line 300,000")
        deliver(shown, app, reader)
        let text = Fixture.render(app).text
        XCTAssertTrue(text.contains("300000 " + Self.line(300_000)), text)
        let v = try XCTUnwrap(screen.logViews[.stderr])
        XCTAssertEqual(screen.currentLog?.number(try XCTUnwrap(v.match)), 300_000)
        XCTAssertEqual(screen.pagerLine, 300_000)
    }

    /// A Pegasus PRE script's log is paged the same way.
    func testAPreScriptsLogIsPagedTheSameWay() throws {
        let (app, screen, reader) = try viewer(job: "pegasus-plan_diamond_subworkflow", fixture: "hierarchical_wf_failure", tab: .stdout)
        XCTAssertEqual(screen.logSource, .file(Self.path))
        deliver(app.handle(.char("g")), app, reader)
        XCTAssertTrue(Fixture.render(app).text.contains("     1 " + Self.line(1)))
    }
}
