import SkeinText
import Foundation

/// Where a log viewer is: the first line shown (and, when wrapping, which of its screen rows),
/// follow mode, wrap, horizontal offset, and the search.
public struct LogView: Equatable, Sendable {
    public var top = 0
    public var topSub = 0
    public var follow = true
    public var wrap = false
    public var left = 0
    public var search = ""
    /// The line of the current match.
    public var match: Int?

    public init() {}

    /// Screen rows line `i` takes at `width` columns.
    public static func rows(_ line: String, wrap: Bool, width: Int) -> Int {
        guard wrap, width > 0 else { return 1 }
        let w = TextWidth.of(Untrusted.visible(line))
        return max(1, (w + width - 1) / width)
    }

    /// Scrolls down `n` screen rows, stopping at the last page.
    public mutating func down(_ n: Int, lines: [String], width: Int, page: Int) {
        let end = LogView.lastPage(lines: lines, wrap: wrap, width: width, page: page)
        var remaining = n
        while remaining > 0 {
            if (top, topSub) >= (end.0, end.1) { break }
            let r = LogView.rows(lines[top], wrap: wrap, width: width)
            if topSub + 1 < r { topSub += 1 } else { top += 1; topSub = 0 }
            remaining -= 1
        }
        if (top, topSub) > (end.0, end.1) { (top, topSub) = end }
    }

    public mutating func up(_ n: Int, lines: [String], width: Int) {
        var remaining = n
        while remaining > 0 {
            if topSub > 0 { topSub -= 1 } else if top > 0 {
                top -= 1
                topSub = LogView.rows(lines[top], wrap: wrap, width: width) - 1
            } else { break }
            remaining -= 1
        }
        follow = false
    }

    public mutating func toBottom(lines: [String], width: Int, page: Int) {
        (top, topSub) = LogView.lastPage(lines: lines, wrap: wrap, width: width, page: page)
    }

    /// Where the view starts when its last row shows the last line.
    public static func lastPage(lines: [String], wrap: Bool, width: Int, page: Int) -> (Int, Int) {
        guard !lines.isEmpty else { return (0, 0) }
        var rowsLeft = max(1, page)
        var i = lines.count - 1
        while i >= 0 {
            let r = rows(lines[i], wrap: wrap, width: width)
            if r >= rowsLeft { return (i, r - rowsLeft) }
            rowsLeft -= r
            i -= 1
        }
        return (0, 0)
    }

    /// Puts line `i` near the top (a few lines of context above).
    public mutating func reveal(_ i: Int, lines: [String], width: Int, page: Int) {
        top = max(0, i - min(3, page / 4))
        topSub = 0
        let end = LogView.lastPage(lines: lines, wrap: wrap, width: width, page: page)
        if (top, topSub) > (end.0, end.1) { (top, topSub) = end }
        follow = false
    }

    /// The next (or previous) line containing the search, from `start`, wrapping around.
    public static func find(_ pattern: String, in lines: [String], from start: Int, forward: Bool) -> (line: Int, wrapped: Bool)? {
        guard !pattern.isEmpty, !lines.isEmpty else { return nil }
        let n = lines.count
        for step in 0..<n {
            let raw = forward ? start + step : start - step
            let i = ((raw % n) + n) % n
            if lines[i].range(of: pattern, options: .caseInsensitive) != nil {
                return (i, forward ? raw >= n : raw < 0)
            }
        }
        return nil
    }
}
