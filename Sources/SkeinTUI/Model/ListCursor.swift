/// A selection in a list of `count` rows of which `page` fit: the selected index and the
/// first row shown, kept so the selection is always visible.
public struct ListCursor: Equatable, Sendable {
    public var index = 0
    public var top = 0

    public init(index: Int = 0, top: Int = 0) { self.index = index; self.top = top }

    public mutating func clamp(count: Int, page: Int) {
        let page = max(1, page)
        if count == 0 { index = 0; top = 0; return }
        index = min(max(0, index), count - 1)
        if index < top { top = index }
        if index >= top + page { top = index - page + 1 }
        top = min(max(0, top), max(0, count - page))
    }

    public mutating func move(_ delta: Int, count: Int, page: Int) {
        index += delta
        clamp(count: count, page: page)
    }

    public mutating func set(_ i: Int, count: Int, page: Int) {
        index = i
        clamp(count: count, page: page)
    }

    /// Scrolls the view by `delta` rows, dragging the selection along when it would leave.
    public mutating func scroll(_ delta: Int, count: Int, page: Int) {
        let page = max(1, page)
        top = min(max(0, top + delta), max(0, count - page))
        if index < top { index = top }
        if index >= top + page { index = top + page - 1 }
        clamp(count: count, page: page)
    }

    /// What the mouse does to a list drawn in `list`: the wheel scrolls three rows, a click
    /// selects a row. A click on the row already selected returns `.open`.
    public enum MouseOutcome: Equatable { case none, moved, open }
    public mutating func mouse(_ event: MouseEvent, count: Int, list: Rect) -> MouseOutcome {
        switch event.kind {
        case .wheelUp, .wheelDown:
            scroll(event.kind == .wheelUp ? -3 : 3, count: count, page: list.height)
            return .moved
        case .press:
            guard event.y >= list.y, event.y < list.maxY, event.x < list.maxX else { return .none }
            let i = top + event.y - list.y
            guard i < count else { return .none }
            if i == index { return .open }
            set(i, count: count, page: list.height)
            return .moved
        case .release:
            return .none
        }
    }

    /// Applies a navigation command; false when the command is not a movement.
    public mutating func apply(_ command: Command, count: Int, page: Int) -> Bool {
        switch command {
        case .up: move(-1, count: count, page: page)
        case .down: move(1, count: count, page: page)
        case .pageUp: move(-max(1, page - 1), count: count, page: page)
        case .pageDown: move(max(1, page - 1), count: count, page: page)
        case .halfPageUp: move(-max(1, page / 2), count: count, page: page)
        case .halfPageDown: move(max(1, page / 2), count: count, page: page)
        case .top: set(0, count: count, page: page)
        case .bottom: set(count - 1, count: count, page: page)
        default: return false
        }
        return true
    }
}

/// Where things are on the screen. The model and the views share it, so page sizes, mouse
/// hits and drawing agree.
public enum Layout {
    /// Row 0: the title bar; the last row: the key hints; the one above: the status line.
    public static func content(width: Int, height: Int) -> Rect {
        Rect(x: 0, y: 1, width: width, height: max(0, height - 3))
    }

    /// Runs list: a header row, then the rows.
    public static func runsList(width: Int, height: Int) -> Rect {
        let c = content(width: width, height: height)
        return Rect(x: 0, y: c.y + 1, width: width, height: max(0, c.height - 1))
    }

    /// Run screen: two lines of summary, a column header, then the jobs; on wide terminals
    /// a detail pane on the right.
    public static func runHeaderHeight() -> Int { 3 }
    /// `detail`: the pane is wanted (`i` hides it); it shows only where there is room.
    public static func runList(width: Int, height: Int, detail: Bool = true) -> Rect {
        let c = content(width: width, height: height)
        let w = width - detailWidth(width, shown: detail)
        return Rect(x: 0, y: c.y + runHeaderHeight(), width: w, height: max(0, c.height - runHeaderHeight()))
    }
    public static func detailWidth(_ width: Int, shown: Bool = true) -> Int { shown && width >= 150 ? min(60, width / 3) : 0 }

    /// Job screen: a summary line and the tab bar, then the tab's content.
    public static func jobBody(width: Int, height: Int) -> Rect {
        let c = content(width: width, height: height)
        return Rect(x: 0, y: c.y + 2, width: width, height: max(0, c.height - 2))
    }
    public static func jobTabsRow(width: Int, height: Int) -> Int { content(width: width, height: height).y + 1 }

    /// Failures: a summary line, the list (with a header row), a separator, the output tail.
    public static func failuresList(width: Int, height: Int) -> Rect {
        let c = content(width: width, height: height)
        let listHeight = max(3, min(c.height / 2, c.height - 6))
        return Rect(x: 0, y: c.y + 2, width: width, height: max(0, listHeight - 1))
    }
    public static func failuresTail(width: Int, height: Int) -> Rect {
        let c = content(width: width, height: height)
        let list = failuresList(width: width, height: height)
        let y = list.maxY + 1
        return Rect(x: 0, y: y + 1, width: width, height: max(0, c.maxY - y - 1))
    }

    /// Statistics: a tab line, then the pane.
    public static func statisticsBody(width: Int, height: Int) -> Rect {
        let c = content(width: width, height: height)
        return Rect(x: 0, y: c.y + 1, width: width, height: max(0, c.height - 1))
    }
    /// The timeline: an axis row and a concurrency row above the bars.
    public static func timelineRows(width: Int, height: Int) -> Rect {
        let b = statisticsBody(width: width, height: height)
        return Rect(x: 0, y: b.y + 2, width: width, height: max(0, b.height - 2))
    }
}
