import Foundation

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
        var out = d.line > 0 ? "\(d.file):\(d.line):\(d.column): " : "\(d.file): "
        out += "\(d.severity.rawValue): \(d.message)\n"
        if showSource, d.line > 0, let text = sourceLine(d.file, d.line) {
            let number = String(d.line)
            let gutter = String(repeating: " ", count: number.count)
            out += "  \(number) | \(Self.visible(text))\n"
            let caretPad = String(repeating: " ", count: max(0, d.column - 1))
            out += "  \(gutter) | \(caretPad)^\n"
        }
        if let hint = d.hint { out += "  hint: \(hint)\n" }
        return out
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
            switch scalar.value {
            case 0x09: out += "→"
            case 0..<0x20, 0x7F: out += "^" + String(UnicodeScalar(UInt8((scalar.value + 64) & 0x7F)))
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
