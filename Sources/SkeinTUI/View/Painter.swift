import SkeinText
import SkeinReports

/// Drawing helpers shared by the views: themed text, fields, bars, boxes.
public struct Painter {
    public var theme: Theme
    public var glyphs: Glyphs

    public init(theme: Theme, glyphs: Glyphs) {
        self.theme = theme
        self.glyphs = glyphs
    }

    public func style(_ role: ThemeRole) -> Style { theme[role].over(theme[.text]) }

    /// A document line from column `x`, clipped to `width`, skipping `skip` columns.
    public func draw(_ line: DocLine, _ buffer: inout CellBuffer, x: Int, y: Int, width: Int) {
        if line.keepsEnd, let only = line.segments.first, line.segments.count == 1 {
            buffer.putPath(only.text, x: x, y: y, style: style(only.role), limit: width)
            return
        }
        var col = x
        let end = x + width
        for seg in line.segments {
            if col >= end { break }
            col = buffer.put(seg.text, x: col, y: y, style: style(seg.role), limit: end - col)
        }
    }

    /// Text wrapped to a rectangle (an error message that may be long); returns rows used.
    @discardableResult
    public func paragraph(_ text: String, _ buffer: inout CellBuffer, _ rect: Rect, role: ThemeRole) -> Int {
        var rest = Untrusted.visible(text)
        var y = rect.y
        while !rest.isEmpty, y < rect.maxY {
            var chunk = CellBuffer.prefix(rest, columns: rect.width)
            if chunk.count < rest.count, let space = chunk.lastIndex(of: " "), chunk.distance(from: chunk.startIndex, to: space) > rect.width / 2 {
                chunk = String(chunk[..<space])
            }
            buffer.put(chunk, x: rect.x, y: y, style: style(role), limit: rect.width)
            rest = String(rest.dropFirst(max(1, chunk.count)).drop { $0 == " " })
            y += 1
        }
        return y - rect.y
    }

    /// A horizontal rule with an optional title.
    public func rule(_ buffer: inout CellBuffer, y: Int, x: Int, width: Int, title: String? = nil) {
        buffer.fill(Rect(x: x, y: y, width: width, height: 1), style: style(.border), character: Character(glyphs.hline))
        if let title, !title.isEmpty {
            buffer.put(" " + title + " ", x: x + 2, y: y, style: style(.header), limit: max(0, width - 4))
        }
    }

    /// A progress bar of a run's jobs: done, failed, running, then the rest.
    public func bar(_ counts: StateCounts, _ buffer: inout CellBuffer, x: Int, y: Int, width: Int) {
        guard width > 0 else { return }
        let total = max(1, counts.total)
        let parts: [(Int, ThemeRole, String)] = [
            (counts.done, .done, glyphs.barFull),
            (counts.failed, .failed, glyphs.barFull),
            (counts.queued + counts.pre + counts.post, .running, glyphs.barFull),
        ]
        var col = x
        var acc = 0
        for (n, role, g) in parts where n > 0 {
            acc += n
            // Cumulative rounding: segments always add up to the filled width.
            var stop = x + Int((Double(acc) / Double(total) * Double(width)).rounded(.down))
            if stop == col { stop = col + 1 }  // a non-empty part shows at least one cell
            stop = min(stop, x + width)
            while col < stop {
                buffer.put(g, x: col, y: y, style: style(role), limit: 1)
                col += 1
            }
        }
        while col < x + width {
            buffer.put(glyphs.barEmpty, x: col, y: y, style: style(.dim), limit: 1)
            col += 1
        }
    }

    /// A box with a title; returns the inside.
    @discardableResult
    public func box(_ buffer: inout CellBuffer, _ rect: Rect, title: String) -> Rect {
        let s = style(.border)
        buffer.fill(rect, style: style(.text))
        for x in rect.x..<rect.maxX {
            buffer.put(glyphs.hline, x: x, y: rect.y, style: s, limit: 1)
            buffer.put(glyphs.hline, x: x, y: rect.maxY - 1, style: s, limit: 1)
        }
        for y in rect.y..<rect.maxY {
            buffer.put(glyphs.vline, x: rect.x, y: y, style: s, limit: 1)
            buffer.put(glyphs.vline, x: rect.maxX - 1, y: y, style: s, limit: 1)
        }
        buffer.put(glyphs.cornerTL, x: rect.x, y: rect.y, style: s, limit: 1)
        buffer.put(glyphs.cornerTR, x: rect.maxX - 1, y: rect.y, style: s, limit: 1)
        buffer.put(glyphs.cornerBL, x: rect.x, y: rect.maxY - 1, style: s, limit: 1)
        buffer.put(glyphs.cornerBR, x: rect.maxX - 1, y: rect.maxY - 1, style: s, limit: 1)
        buffer.put(" " + title + " ", x: rect.x + 2, y: rect.y, style: style(.header), limit: rect.width - 4)
        return rect.inset(2, 1)
    }

    /// A colour must contrast this much with the selection's background to stay on a
    /// selected row (WCAG AA for text: grey on white, 3.2:1, fails).
    static let selectedRowContrast = 4.5

    /// Recolours a row as selected; state colours of glyphs stay where they still read on
    /// the selection's background (else they take the selection's own text colour).
    public func select(_ buffer: inout CellBuffer, _ rect: Rect) {
        let sel = theme[.selection]
        let plainFG = style(.text).fg
        buffer.restyle(rect) { s in
            let readable = sel.bg.isDefault || (TermColor.contrast(s.fg, sel.bg).map { $0 >= Self.selectedRowContrast } ?? true)
            let keepFG = !s.fg.isDefault && s.fg != plainFG && readable
            return Style(fg: keepFG || sel.fg.isDefault ? s.fg : sel.fg,
                         bg: sel.bg.isDefault ? s.bg : sel.bg,
                         attributes: s.attributes.union(sel.attributes).subtracting(.dim))
        }
    }

    /// The style of a run's condition: a halting run is held, not running.
    public func conditionRole(_ condition: RunCondition?) -> ThemeRole {
        condition?.halting == true ? .held : phaseRole(condition?.phase)
    }

    /// The style of a run's state.
    public func phaseRole(_ phase: RunCondition.Phase?) -> ThemeRole {
        switch phase {
        case .running?: return .running
        case .succeeded?: return .done
        case .failed?: return .failed
        case .halted?: return .held
        case .removed?: return .failed
        case .stopped?, .stale?: return .retrying
        case .planned?: return .queued
        default: return .dim
        }
    }
}

/// Columns of a table: fixed widths, one flexible column that takes the rest.
struct Columns {
    struct Column { var title: String; var width: Int; var right: Bool }
    var columns: [Column]
    var x: [Int]

    /// `flex` is the index of the column that grows (its width is its minimum).
    init(_ specs: [(String, Int, Bool)], flex: Int, total: Int, start: Int = 0, gap: Int = 1) {
        var cols = specs.map { Column(title: $0.0, width: $0.1, right: $0.2) }
        let fixed = cols.enumerated().reduce(0) { $0 + ($1.offset == flex ? 0 : $1.element.width) } + gap * (cols.count - 1) + start
        cols[flex].width = max(cols[flex].width, total - fixed)
        columns = cols
        var xs: [Int] = []
        var cx = start
        for c in cols { xs.append(cx); cx += c.width + gap }
        x = xs
    }

    /// Marks column `i` as the sort column: the arrow beside its title (before a
    /// right-aligned one), never over one of its letters.
    mutating func markSorted(_ i: Int, _ arrow: String) {
        guard columns.indices.contains(i) else { return }
        let c = columns[i]
        if TextWidth.of(c.title) + TextWidth.of(arrow) <= c.width {
            columns[i].title = c.right ? arrow + c.title : c.title + arrow
        } else if c.right, i > 0 {
            // A right-aligned title as wide as its column: the arrow goes in the gap before it.
            x[i] -= 1
            columns[i].width += 1
            columns[i].title = arrow + c.title
        } else {
            columns[i].title = String(c.title.prefix(max(0, c.width - 1))) + arrow
        }
    }

    func header(_ buffer: inout CellBuffer, y: Int, style: Style, limit: Int) {
        for (i, c) in columns.enumerated() where x[i] < limit {
            buffer.putField(c.title, x: x[i], y: y, width: min(c.width, limit - x[i]), style: style, alignRight: c.right)
        }
    }

    func cell(_ i: Int, _ text: String, _ buffer: inout CellBuffer, y: Int, style: Style, limit: Int) {
        guard x[i] < limit else { return }
        buffer.putField(text, x: x[i], y: y, width: min(columns[i].width, limit - x[i]), style: style, alignRight: columns[i].right)
    }
}
