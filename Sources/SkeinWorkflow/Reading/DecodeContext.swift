import SkeinText
import SkeinYAML
/// Turns YAML nodes into model values, recording a located diagnostic for every value of
/// the wrong shape and carrying on, so one pass reports every problem in a file.
struct DecodeContext {
    var report: DiagnosticCollector

    init(file: String) { report = DiagnosticCollector(file: file) }

    mutating func mapping(_ node: YAMLNode, _ what: @autoclosure () -> String) -> YAMLMapping? {
        if case .mapping(let m) = node { return m }
        wrongType(node, what(), expected: "a mapping (key: value lines)")
        return nil
    }

    mutating func sequence(_ node: YAMLNode, _ what: @autoclosure () -> String) -> YAMLSequence? {
        if case .sequence(let s) = node { return s }
        if case .scalar(let s) = node, s.isNull { return YAMLSequence([], mark: s.mark) }
        wrongType(node, what(), expected: "a list (lines starting with '- ')")
        return nil
    }

    /// Any scalar reads as a string (Pegasus writes `version: '4.0'`, people write `4.0`).
    mutating func string(_ node: YAMLNode, _ what: @autoclosure () -> String) -> String? {
        if case .scalar(let s) = node {
            if s.isNull {
                report.error("empty-value", at: s.mark, "\(what()) has no value", hint: "write a value after the colon, or remove the key")
                return nil
            }
            return s.value
        }
        wrongType(node, what(), expected: "a string")
        return nil
    }

    mutating func bool(_ node: YAMLNode, _ what: @autoclosure () -> String) -> Bool? {
        if case .scalar(let s) = node {
            switch s.value {
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
            default:
                report.error("wrong-type", at: s.mark, "\(what()) must be true or false, not '\(s.value)'", hint: "write true or false")
                return nil
            }
        }
        wrongType(node, what(), expected: "true or false")
        return nil
    }

    /// A whole number written as a number or a string of digits (the API writes `size: 28`,
    /// the schema says `size: '28'`).
    mutating func integerText(_ node: YAMLNode, _ what: @autoclosure () -> String) -> String? {
        guard let text = string(node, what()) else { return nil }
        if let n = Int(text), n >= 0 { return text }
        report.error("wrong-type", at: node.mark, "\(what()) must be a whole number of 0 or more, not '\(text)'", hint: "write a number of bytes such as 1024")
        return nil
    }

    mutating func stringList(_ node: YAMLNode, _ what: @autoclosure () -> String) -> [String] {
        guard let seq = sequence(node, what()) else { return [] }
        var out: [String] = []
        out.reserveCapacity(seq.items.count)
        for (i, item) in seq.items.enumerated() {
            if let s = string(item, "item \(i + 1) of \(what())") { out.append(s) }
        }
        return out
    }

    /// A value that must be one of a fixed set; a near miss gets a "did you mean".
    mutating func oneOf(_ node: YAMLNode, _ allowed: [String], _ what: @autoclosure () -> String) -> String? {
        guard let value = string(node, what()) else { return nil }
        if allowed.contains(value) { return value }
        var hint = "use one of: " + allowed.joined(separator: ", ")
        if let near = Suggestion.closest(to: value, in: allowed) { hint = "did you mean '\(near)'? " + hint }
        report.error("invalid-value", at: node.mark, "\(what()) is '\(value)', which Pegasus does not know", hint: hint)
        return nil
    }

    mutating func wrongType(_ node: YAMLNode, _ what: @autoclosure () -> String, expected: String) {
        let hint: String
        if expected.hasPrefix("a list") {
            hint = "write a list, `[a, b]` or one '- item' per line indented under the key"
        } else if expected.hasPrefix("a mapping") {
            hint = "write `key: value` lines indented under the key"
        } else if expected.hasPrefix("true") {
            hint = "write true or false"
        } else {
            hint = "write a single value on the same line; quote it if it contains ': ' or starts with a special character"
        }
        report.error("wrong-type", at: node.mark, "\(what()) must be \(expected), not \(node.kindName)", hint: hint)
    }
}
