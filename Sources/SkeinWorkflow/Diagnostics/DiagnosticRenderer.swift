import Foundation
import SkeinText

/// Renders diagnostics the way compilers do, so editors and terminals can jump to them:
///
///     workflow.yml:12:5: error: job id 'b' is used twice (first at line 4)
///        12 | - id: b
///           |   ^
///       hint: give every job a unique id
///
/// The source line is shown when the file can be read; no colour, the CLI adds it.
public struct DiagnosticRenderer {
    private var lines: [String: [Substring]] = [:]
    public var showSource: Bool

    public init(showSource: Bool = true) { self.showSource = showSource }

    public mutating func render(_ d: Diagnostic) -> String {
        var out = d.line > 0 ? "\(Untrusted.visible(d.file)):\(d.line):\(d.column): " : "\(Untrusted.visible(d.file)): "
        // Messages quote names from the files: escapes and bidi overrides stay visible.
        out += "\(d.severity.rawValue): \(Untrusted.visible(d.message))\n"
        if showSource, d.line > 0, let text = sourceLine(d.file, d.line) {
            let number = String(d.line)
            let gutter = String(repeating: " ", count: number.count)
            let shown = Self.excerpt(text, column: d.column)
            out += "  \(number) | \(shown.text)\n"
            let caretPad = String(repeating: " ", count: shown.caret)
            out += "  \(gutter) | \(caretPad)^\n"
        }
        if let hint = d.hint { out += "  hint: \(Untrusted.visible(hint))\n" }
        return out
    }

    /// Characters of a long source line shown before and after the column.
    static let excerptRadius = 60

    /// The source line as shown, and where its caret goes: a line longer than two radii
    /// (a 200 KB one-line file) is cut to an excerpt around the column, marked with `…`,
    /// so one diagnostic never prints a whole huge line.
    static func excerpt(_ line: String, column: Int) -> (text: String, caret: Int) {
        let scalars = Array(line.unicodeScalars)
        let at = min(max(0, column - 1), scalars.count)
        var start = 0, end = scalars.count
        if scalars.count > 2 * excerptRadius + 20 {
            start = max(0, at - excerptRadius)
            end = min(scalars.count, at + excerptRadius)
        }
        let lead = start > 0 ? "…" : ""
        let before = lead + visible(String(String.UnicodeScalarView(scalars[start..<at])))
        let after = visible(String(String.UnicodeScalarView(scalars[at..<end]))) + (end < scalars.count ? "…" : "")
        return (before + after, before.count)
    }

    private mutating func sourceLine(_ file: String, _ line: Int) -> String? {
        if lines[file] == nil {
            guard let data = FileManager.default.contents(atPath: file) else { return nil }
            lines[file] = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        }
        guard let all = lines[file], line - 1 < all.count else { return nil }
        return String(all[line - 1])
    }

    /// Tabs and control characters from a file must not reach the terminal raw.
    static func visible(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value == 0x09 {
                out += "→"
            } else if Untrusted.isUnsafe(scalar) {
                out += Untrusted.escape(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
