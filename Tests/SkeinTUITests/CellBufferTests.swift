import SkeinText
import XCTest
@testable import SkeinTUI

final class CellBufferTests: XCTestCase {
    func testPutClipsToTheLimitAndTheBuffer() {
        var b = CellBuffer(width: 10, height: 2)
        let end = b.put("hello world", x: 2, y: 0, style: .plain, limit: 5)
        XCTAssertEqual(end, 7)
        XCTAssertEqual(b.rowText(0), "  hello")
        b.put("0123456789abc", x: 0, y: 1, style: .plain)
        XCTAssertEqual(b.rowText(1), "0123456789")
        b.put("out", x: 0, y: 5, style: .plain)  // off the buffer: nothing, no crash
    }

    func testWideCharactersTakeTwoCellsAndNeverHalfFit() {
        var b = CellBuffer(width: 6, height: 1)
        b.put("日本語", x: 0, y: 0, style: .plain)
        XCTAssertEqual(b.rowText(0), "日本語")
        XCTAssertEqual(b[0, 0].width, 2)
        XCTAssertEqual(b[1, 0].width, 0)
        var c = CellBuffer(width: 5, height: 1)
        c.put("日本語", x: 0, y: 0, style: .plain)
        XCTAssertEqual(c.rowText(0), "日本", "the third does not fit in one column")
        XCTAssertEqual(TextWidth.of("e\u{301}"), 1, "a combining accent adds no width")
    }

    func testPutFieldCutsWithAnEllipsisAndAligns() {
        var b = CellBuffer(width: 12, height: 2)
        b.putField("calibration", x: 0, y: 0, width: 6, style: .plain)
        XCTAssertEqual(b.rowText(0), "calib…")
        b.putField("42", x: 0, y: 1, width: 6, style: .plain, alignRight: true)
        XCTAssertEqual(b.rowText(1), "    42")
        var a = CellBuffer(width: 12, height: 1, asciiOnly: true)
        a.putField("calibration", x: 0, y: 0, width: 6, style: .plain)
        XCTAssertEqual(a.rowText(0), "calib~")
    }

    func testPathsLoseTheirStartNotTheirFileName() {
        var b = CellBuffer(width: 24, height: 3)
        b.putPath("/scratch/run0001/00/job.err.001", x: 0, y: 0, style: .plain, limit: 24)
        XCTAssertEqual(b.rowText(0), "…/run0001/00/job.err.001", "cut at a slash")
        b.putPath("/a/verylongfoldername/job.err.001", x: 0, y: 1, style: .plain, limit: 12)
        XCTAssertEqual(b.rowText(1), "…job.err.001", "no slash near the start: cut anywhere")
        b.putPath("/short/path", x: 0, y: 2, style: .plain, limit: 24)
        XCTAssertEqual(b.rowText(2), "/short/path", "a path that fits is left alone")
    }

    func testControlCharactersBecomeVisibleEscapes() {
        var b = CellBuffer(width: 60, height: 1)
        b.put("a\u{1B}[31mred\u{07}\u{7F}\u{9B}2J\u{202E}x", x: 0, y: 0, style: .plain)
        XCTAssertEqual(b.rowText(0), "a^[[31mred^G^?<U+009B>2J<U+202E>x")
        for cell in b.cells {
            for s in cell.character.unicodeScalars { XCTAssertFalse(Untrusted.isUnsafe(s), "unsafe \(s.value) stored") }
        }
        XCTAssertTrue(b[1, 0].style.attributes.contains(.underline), "escapes are marked")
    }

    func testAsciiOnlyReplacesOtherCharacters() {
        var b = CellBuffer(width: 10, height: 1, asciiOnly: true)
        b.put("añ日x", x: 0, y: 0, style: .plain)
        XCTAssertEqual(b.rowText(0), "a??x")
    }

    func testChangesListOnlyTheCellsThatDiffer() {
        var a = CellBuffer(width: 40, height: 3)
        a.put("first line", x: 0, y: 0, style: .plain)
        a.put("second line", x: 0, y: 1, style: .plain)
        XCTAssertEqual(a.changes(since: nil).count, 3, "no previous frame: everything")
        var b = a
        XCTAssertTrue(b.changes(since: a).isEmpty)
        b.put("X", x: 3, y: 1, style: .plain)
        b.put("Y", x: 30, y: 1, style: .plain)
        let spans = b.changes(since: a)
        XCTAssertEqual(spans, [CellBuffer.Span(y: 1, x: 3, end: 4), CellBuffer.Span(y: 1, x: 30, end: 31)])
        var c = a
        c.put("ab", x: 10, y: 2, style: .plain)
        c.put("cd", x: 14, y: 2, style: .plain)
        XCTAssertEqual(c.changes(since: a), [CellBuffer.Span(y: 2, x: 10, end: 16)], "a short equal gap is bridged")
        var d = a
        d.put("X", x: 0, y: 0, style: Style(fg: .red))
        XCTAssertEqual(d.changes(since: a).count, 1, "a style change is a change")
        XCTAssertEqual(a.changes(since: CellBuffer(width: 41, height: 3)).count, 3, "a resize redraws all")
    }

    func testWideCharacterChangesIncludeBothHalves() {
        var a = CellBuffer(width: 10, height: 1)
        a.put("ab日c", x: 0, y: 0, style: .plain)
        var b = a
        b.put("本", x: 2, y: 0, style: .plain)
        let spans = b.changes(since: a)
        XCTAssertEqual(spans.first?.x, 2)
        XCTAssertGreaterThanOrEqual(spans.first?.end ?? 0, 4)
    }

    func testRestyleKeepsCharacters() {
        var b = CellBuffer(width: 5, height: 1)
        b.put("abc", x: 0, y: 0, style: .plain)
        b.restyle(Rect(x: 0, y: 0, width: 5, height: 1)) { $0.with(.reverse) }
        XCTAssertEqual(b.rowText(0), "abc")
        XCTAssertTrue(b[4, 0].style.attributes.contains(.reverse))
    }

    func testListCursorMouse() {
        var c = ListCursor()
        let list = Rect(x: 0, y: 4, width: 40, height: 10)
        XCTAssertEqual(c.mouse(MouseEvent(.press, x: 3, y: 6), count: 50, list: list), .moved)
        XCTAssertEqual(c.index, 2)
        XCTAssertEqual(c.mouse(MouseEvent(.press, x: 3, y: 6), count: 50, list: list), .open, "a click on the selected row opens it")
        XCTAssertEqual(c.mouse(MouseEvent(.press, x: 45, y: 7), count: 50, list: list), .none, "right of the list (a side pane)")
        XCTAssertEqual(c.mouse(MouseEvent(.press, x: 3, y: 8), count: 3, list: list), .none, "below the last row")
        XCTAssertEqual(c.mouse(MouseEvent(.wheelDown, x: 3, y: 8), count: 50, list: list), .moved)
        XCTAssertEqual(c.top, 3)
        XCTAssertEqual(c.index, 3, "the selection is dragged along")
    }

    func testListCursorKeepsTheSelectionVisible() {
        var c = ListCursor()
        c.move(15, count: 100, page: 10)
        XCTAssertEqual(c.index, 15)
        XCTAssertEqual(c.top, 6)
        _ = c.apply(.bottom, count: 100, page: 10)
        XCTAssertEqual(c.index, 99)
        XCTAssertEqual(c.top, 90)
        _ = c.apply(.halfPageUp, count: 100, page: 10)
        XCTAssertEqual(c.index, 94)
        c.clamp(count: 5, page: 10)
        XCTAssertEqual(c.index, 4)
        XCTAssertEqual(c.top, 0)
        c.scroll(3, count: 100, page: 10)
        XCTAssertEqual(c.top, 3)
        XCTAssertEqual(c.index, 4)
    }
}
