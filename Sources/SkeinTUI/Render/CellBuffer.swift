import SkeinText
/// One screen cell: a character (grapheme cluster) and its style. A wide character takes
/// two cells: the first holds it (`width` 2), the second is a continuation (`width` 0).
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var style: Style
    public var width: UInt8

    public init(_ character: Character = " ", style: Style = .plain, width: UInt8 = 1) {
        self.character = character
        self.style = style
        self.width = width
    }
}

/// A rectangle of the screen, in cells.
public struct Rect: Hashable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// Splits off the top `n` rows.
    public func top(_ n: Int) -> (Rect, Rect) {
        let h = min(max(0, n), height)
        return (Rect(x: x, y: y, width: width, height: h), Rect(x: x, y: y + h, width: width, height: height - h))
    }

    public func bottom(_ n: Int) -> (rest: Rect, bottom: Rect) {
        let h = min(max(0, n), height)
        return (Rect(x: x, y: y, width: width, height: height - h), Rect(x: x, y: y + height - h, width: width, height: h))
    }

    public func inset(_ dx: Int, _ dy: Int) -> Rect { Rect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy) }
}

/// A frame: a grid of cells that views draw into. Nothing reaches the terminal except
/// through a cell buffer, and `put` never stores a control character: unsafe text becomes
/// visible escapes here (see `Untrusted`), so no view can forget to clean job output.
public struct CellBuffer: Sendable, Equatable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]
    /// Replace every non-ASCII character with `?` (a terminal whose locale is not UTF-8).
    public var asciiOnly: Bool
    /// The character that marks cut text.
    public var ellipsis: Character

    public init(width: Int, height: Int, style: Style = .plain, asciiOnly: Bool = false) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.asciiOnly = asciiOnly
        self.ellipsis = asciiOnly ? "~" : "…"
        cells = Array(repeating: Cell(" ", style: style), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public mutating func clear(_ style: Style = .plain) {
        for i in cells.indices { cells[i] = Cell(" ", style: style) }
    }

    /// Fills a rectangle with blanks of `style`.
    public mutating func fill(_ rect: Rect, style: Style, character: Character = " ") {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 { cells[y * width + x] = Cell(character, style: style) }
        }
    }

    /// Recolours a rectangle, keeping its characters (a selection bar over drawn text).
    public mutating func restyle(_ rect: Rect, _ transform: (Style) -> Style) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 { cells[y * width + x].style = transform(cells[y * width + x].style) }
        }
    }

    /// Draws `text` from column `x` of row `y`, clipped to `limit` columns (and the buffer).
    /// Control characters and escape sequences are drawn as visible escapes, underlined.
    /// Returns the column after the last one written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style, limit: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let end = min(width, limit.map { x + max(0, $0) } ?? width)
        var col = x
        for ch in text {
            if col >= end { break }
            var unsafe = false
            for s in ch.unicodeScalars where Untrusted.isUnsafe(s) { unsafe = true; break }
            if unsafe {
                let escaped = Untrusted.visible(String(ch))
                for e in escaped {
                    if col >= end { break }
                    if col >= 0 { setCell(col, y, e, style.with(.underline), 1) }
                    col += 1
                }
                continue
            }
            var c = ch
            var w = TextWidth.of(c)
            if asciiOnly && !(c.isASCII) { c = "?"; w = 1 }
            if w == 0 {
                // A lone combining mark or zero-width format: nothing to place.
                continue
            }
            if col + w > end {
                // A wide character that does not fit: pad.
                if col >= 0 { setCell(col, y, " ", style, 1) }
                col += 1
                break
            }
            if col >= 0 {
                setCell(col, y, c, style, UInt8(w))
                if w == 2, col + 1 < width { setCell(col + 1, y, " ", style, 0) }
            }
            col += w
        }
        return col
    }

    /// Draws `text` in exactly `width` columns: cut with an ellipsis when longer, padded
    /// with blanks of `style` when shorter (right-aligned with `alignRight`).
    @discardableResult
    public mutating func putField(_ text: String, x: Int, y: Int, width w: Int, style: Style, alignRight: Bool = false) -> Int {
        guard w > 0 else { return x }
        let visible = Untrusted.needsEscaping(text) ? Untrusted.visible(text) : text
        let tw = TextWidth.of(visible)
        if tw > w {
            let cut = CellBuffer.prefix(visible, columns: w - 1)
            let after = put(cut, x: x, y: y, style: style, limit: w - 1)
            fill(Rect(x: after, y: y, width: x + w - 1 - after, height: 1), style: style)
            put(String(ellipsis), x: x + w - 1, y: y, style: style, limit: 1)
        } else if alignRight {
            fill(Rect(x: x, y: y, width: w - tw, height: 1), style: style)
            put(visible, x: x + w - tw, y: y, style: style, limit: tw)
        } else {
            let after = put(visible, x: x, y: y, style: style, limit: w)
            fill(Rect(x: after, y: y, width: x + w - after, height: 1), style: style)
        }
        return x + w
    }

    /// The longest prefix of `text` that fits in `columns`.
    /// Draws a path in at most `limit` columns; a longer one loses its start, at a `/` where
    /// possible, behind an ellipsis ("…/00/00/job.err.001").
    @discardableResult
    public mutating func putPath(_ path: String, x: Int, y: Int, style: Style, limit: Int) -> Int {
        guard limit > 0 else { return x }
        let visible = Untrusted.needsEscaping(path) ? Untrusted.visible(path) : path
        guard TextWidth.of(visible) > limit else { return put(visible, x: x, y: y, style: style, limit: limit) }
        var tail = Self.suffix(visible, columns: limit - 1)
        if let slash = tail.firstIndex(of: "/"), tail.distance(from: tail.startIndex, to: slash) < tail.count / 2 {
            tail = String(tail[slash...])
        }
        let col = put(String(ellipsis), x: x, y: y, style: style, limit: 1)
        return put(tail, x: col, y: y, style: style, limit: limit - 1)
    }

    /// The longest end of `text` that fits in `columns`.
    public static func suffix(_ text: String, columns: Int) -> String {
        var out: [Character] = []
        var used = 0
        for c in text.reversed() {
            let w = TextWidth.of(c)
            if used + w > columns { break }
            out.append(c)
            used += w
        }
        return String(out.reversed())
    }

    public static func prefix(_ text: String, columns: Int) -> String {
        var out = ""
        var used = 0
        for c in text {
            let w = TextWidth.of(c)
            if used + w > columns { break }
            out.append(c)
            used += w
        }
        return out
    }

    private mutating func setCell(_ x: Int, _ y: Int, _ c: Character, _ style: Style, _ w: UInt8) {
        guard x >= 0, x < width else { return }
        let i = y * width + x
        // Overwriting half of a wide character blanks its other half.
        if cells[i].width == 0, x > 0, cells[i - 1].width == 2 { cells[i - 1] = Cell(" ", style: cells[i - 1].style) }
        if cells[i].width == 2, x + 1 < width, w != 2 { cells[i + 1] = Cell(" ", style: cells[i + 1].style) }
        cells[i] = Cell(c, style: style, width: w)
    }

    // MARK: text (for tests and captures)

    /// Row `y` as text, continuation cells skipped; trailing blanks removed.
    public func rowText(_ y: Int) -> String {
        var s = ""
        for x in 0..<width {
            let cell = cells[y * width + x]
            if cell.width == 0 { continue }
            s.append(cell.character)
        }
        while s.last == " " { s.removeLast() }
        return s
    }

    /// The whole frame as text, one line per row.
    public var text: String { (0..<height).map(rowText).joined(separator: "\n") }

    // MARK: diffing

    /// A run of changed cells on one row: columns `x ..< end`.
    public struct Span: Hashable, Sendable {
        public var y: Int, x: Int, end: Int
    }

    /// The cells that differ from `previous` (everything when the size changed or there is
    /// none), as runs per row. Spans never start on the second half of a wide character.
    public func changes(since previous: CellBuffer?) -> [Span] {
        guard let previous, previous.width == width, previous.height == height else {
            return (0..<height).map { Span(y: $0, x: 0, end: width) }
        }
        var spans: [Span] = []
        for y in 0..<height {
            var x = 0
            let base = y * width
            while x < width {
                if cells[base + x] == previous.cells[base + x] { x += 1; continue }
                var start = x
                if cells[base + start].width == 0, start > 0 { start -= 1 }
                // Extend to the last differing cell, bridging short equal gaps (a cursor
                // move costs more than rewriting a few cells).
                var end = x + 1
                var probe = x + 1
                var gap = 0
                while probe < width {
                    if cells[base + probe] != previous.cells[base + probe] {
                        end = probe + 1
                        gap = 0
                    } else {
                        gap += 1
                        if gap > 4 { break }
                    }
                    probe += 1
                }
                if end < width, cells[base + end].width == 0 { end += 1 }
                if let last = spans.last, last.y == y, last.end >= start { spans[spans.count - 1].end = max(last.end, end) } else {
                    spans.append(Span(y: y, x: start, end: end))
                }
                x = end
            }
        }
        return spans
    }
}
