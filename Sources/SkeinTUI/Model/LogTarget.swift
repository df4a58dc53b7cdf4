/// Where a log view goes once the part of the file it asked for is loaded: a byte (a search
/// match), a line (`:N`), the first line (`g`) or the end (`G`, follow).
public enum LogTarget: Equatable, Sendable {
    case byte(Int, match: Bool)
    case line(Int, match: Bool)
    case top
    case bottom

    /// Whether the loaded window holds the target.
    static func holds(_ target: LogTarget, _ text: LogText) -> Bool {
        switch target {
        case .byte(let b, _): return b >= text.windowStart && (b < text.windowEnd || text.atEnd)
        case .line(let n, _):
            guard let first = text.firstLine else { return false }
            return n >= first && (n < first + text.lines.count || text.atEnd)
        case .top: return text.windowStart == 0
        case .bottom: return text.atEnd
        }
    }

    /// Moves the view to the target (in a window that holds it).
    static func place(_ target: LogTarget, _ v: inout LogView, _ text: LogText, width: Int, page: Int) {
        switch target {
        case .byte(let b, let match):
            let i = text.lineOffsets.isEmpty ? 0 : text.lineIndex(ofByte: b)
            v.reveal(i, lines: text.lines, width: width, page: page)
            if match { v.match = i }
        case .line(let n, let match):
            let i = max(0, min(n - (text.firstLine ?? 0), text.lines.count - 1))
            v.reveal(i, lines: text.lines, width: width, page: page)
            if match { v.match = i }
        case .top:
            v.top = 0; v.topSub = 0; v.follow = false
        case .bottom:
            v.toBottom(lines: text.lines, width: width, page: page)
        }
    }
}
