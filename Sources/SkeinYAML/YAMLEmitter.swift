import Foundation
/// Writes a `YAMLNode` tree as block-style YAML in the layout the Pegasus Python API uses
/// (PyYAML's: two-space indents, list items flush with their key).
///
/// Strings are quoted exactly when a YAML 1.1 reader (PyYAML, which Pegasus uses) would
/// otherwise take them for something else: `'4.0'` stays a string, not a float. A scalar of
/// `.plain` style is trusted to be a plain value (a number, a boolean, or text read plain
/// from a file) and written as it is; every other style means "a string, quote if needed".
public enum YAMLEmitter {
    public static func emit(_ node: YAMLNode) -> String {
        var out = ""
        out.reserveCapacity(4096)
        write(node, indent: 0, into: &out, afterKey: false)
        return out
    }

    private static func write(_ node: YAMLNode, indent: Int, into out: inout String, afterKey: Bool) {
        switch node {
        case .scalar(let scalar):
            if afterKey { out += " " }
            if scalar.style == .plain && !scalar.value.isEmpty && !needsDoubleQuotes(scalar.value) {
                out += scalar.value
            } else {
                out += quoted(scalar.value, indent: indent)
            }
            out += "\n"
        case .sequence(let seq):
            if seq.items.isEmpty {
                out += afterKey ? " []\n" : "[]\n"
                return
            }
            if afterKey { out += "\n" }
            for (i, item) in seq.items.enumerated() {
                if i > 0 || afterKey { pad(indent, &out) }
                out += "- "
                writeInline(item, indent: indent + 2, into: &out)
            }
        case .mapping(let map):
            if map.entries.isEmpty {
                out += afterKey ? " {}\n" : "{}\n"
                return
            }
            if afterKey { out += "\n" }
            for (i, entry) in map.entries.enumerated() {
                if i > 0 || afterKey { pad(indent, &out) }
                writeEntry(entry, indent: indent, into: &out)
            }
        }
    }

    /// A node that starts on the current line, right after `- `.
    private static func writeInline(_ node: YAMLNode, indent: Int, into out: inout String) {
        switch node {
        case .mapping(let map) where !map.entries.isEmpty:
            for (i, entry) in map.entries.enumerated() {
                if i > 0 { pad(indent, &out) }
                writeEntry(entry, indent: indent, into: &out)
            }
        case .sequence(let seq) where !seq.items.isEmpty:
            for (i, item) in seq.items.enumerated() {
                if i > 0 { pad(indent, &out) }
                out += "- "
                writeInline(item, indent: indent + 2, into: &out)
            }
        default:
            write(node, indent: indent, into: &out, afterKey: false)
        }
    }

    private static func writeEntry(_ entry: YAMLMapping.Entry, indent: Int, into out: inout String) {
        out += quoted(entry.key.value, indent: indent)
        out += ":"
        switch entry.value {
        case .sequence:
            // PyYAML puts a mapping's list items at the key's own indentation.
            write(entry.value, indent: indent, into: &out, afterKey: true)
        case .mapping:
            write(entry.value, indent: indent + 2, into: &out, afterKey: true)
        case .scalar:
            write(entry.value, indent: indent + 2, into: &out, afterKey: true)
        }
    }

    private static func pad(_ n: Int, _ out: inout String) {
        out += String(repeating: " ", count: n)
    }

    // MARK: - Quoting

    static func quoted(_ text: String, indent: Int) -> String {
        if needsDoubleQuotes(text) { return doubleQuoted(text) }
        if needsQuotes(text) { return "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        return text
    }

    private static func needsDoubleQuotes(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || ($0.value >= 0x80 && $0.value < 0xA0) }
    }

    /// A YAML double-quoted scalar: any text, control characters escaped.
    public static func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (scalar.value >= 0x80 && scalar.value < 0xA0) {
                    out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Whether a plain scalar would be misread: as another type, or as YAML syntax.
    static func needsQuotes(_ text: String) -> Bool {
        guard let first = text.utf8.first, let last = text.utf8.last else { return true }
        if first == UInt8(ascii: " ") || last == UInt8(ascii: " ") { return true }
        if first == UInt8(ascii: "-") {
            // `-a` and `--cleanenv` stay plain, as PyYAML writes them; `-`, `- x`, `---` do not.
            let second = text.utf8.dropFirst().first
            if second == nil || second == UInt8(ascii: " ") || text.hasPrefix("---") { return true }
        } else if "?:,[]{}#&*!|>'\"%@`".utf8.contains(first) {
            return true
        }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") { return true }
        return resolvesToNonString(text)
    }

    /// YAML 1.1 implicit types as PyYAML resolves them, plus YAML 1.2's, to be safe in both.
    static func resolvesToNonString(_ text: String) -> Bool {
        let nonStrings: Set<String> = [
            "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
            "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
            "y", "Y", "n", "N", ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN", "=", "<<",
        ]
        if nonStrings.contains(text) { return true }
        return looksNumeric(text) || looksLikeDate(text)
    }

    private static func looksNumeric(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if let f = bytes.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        guard let first = bytes.first else { return false }
        let isDigit = { (b: UInt8) in b >= 48 && b <= 57 }
        guard isDigit(first) || first == UInt8(ascii: ".") else { return false }
        // Anything made of digits, '.', '_', ':', 'e', 'x', 'o', 'b' and hex letters after a
        // leading digit could be a YAML 1.1 number (sexagesimal, hex, exponent): quote it.
        let allowed: Set<UInt8> = Set("0123456789._:eExXoObBaAcCdDfF+-".utf8)
        return bytes.allSatisfy { allowed.contains($0) } && bytes.contains(where: isDigit)
    }

    private static func looksLikeDate(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard u.count >= 8, u.count <= 40 else { return false }
        let isDigit = { (b: UInt8) in b >= 48 && b <= 57 }
        return isDigit(u[0]) && isDigit(u[1]) && isDigit(u[2]) && isDigit(u[3]) && u[4] == UInt8(ascii: "-")
    }
}
