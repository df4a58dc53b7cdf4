/// Every symbol the views draw, in Unicode and in an ASCII fallback (a locale that is not
/// UTF-8, or `--ascii`). All are one column wide.
public struct Glyphs: Sendable, Equatable {
    public var done, failed, running, queued, unready, held, retrying, futile, interrupted: String
    public var treeBranch, treeLast, treePipe, treeBlank: String
    public var expanded, collapsed, shared: String
    public var barFull, barEmpty: String
    /// Eighths of a cell, for smooth bars (index 0 = empty).
    public var barEighths: [String]
    /// A timeline's bar, and the concurrency ramp (low to high) for a row of many jobs.
    public var timelineBar: String
    public var ramp: [String]
    public var mark, hline, vline, ellipsis, up, down, separator, dot: String
    public var cornerTL, cornerTR, cornerBL, cornerBR: String
    public var ascii: Bool

    public static let unicode = Glyphs(
        done: "✓", failed: "✗", running: "▶", queued: "○", unready: "·", held: "‖", retrying: "↻", futile: "⊘", interrupted: "◌",
        treeBranch: "├─", treeLast: "└─", treePipe: "│ ", treeBlank: "  ",
        expanded: "▾", collapsed: "▸", shared: "↑",
        barFull: "█", barEmpty: "░", barEighths: [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"],
        timelineBar: "█", ramp: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        mark: "●", hline: "─", vline: "│", ellipsis: "…", up: "▲", down: "▼", separator: "│", dot: "·",
        cornerTL: "┌", cornerTR: "┐", cornerBL: "└", cornerBR: "┘", ascii: false)

    public static let plainASCII = Glyphs(
        done: "+", failed: "x", running: ">", queued: "o", unready: ".", held: "H", retrying: "R", futile: "-", interrupted: "?",
        treeBranch: "|-", treeLast: "`-", treePipe: "| ", treeBlank: "  ",
        expanded: "v", collapsed: ">", shared: "^",
        barFull: "#", barEmpty: ".", barEighths: [" ", " ", " ", " ", " ", " ", " ", " "],
        timelineBar: "=", ramp: [".", ":", "-", "=", "+", "*", "#", "@"],
        mark: "*", hline: "-", vline: "|", ellipsis: "~", up: "^", down: "v", separator: "|", dot: "-",
        cornerTL: "+", cornerTR: "+", cornerBL: "+", cornerBR: "+", ascii: true)

    public static func forTerminal(ascii: Bool) -> Glyphs { ascii ? .plainASCII : .unicode }
}
