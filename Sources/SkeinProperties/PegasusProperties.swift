import Foundation

/// `pegasus.properties`, in the full Java properties syntax Pegasus's own `Properties` reads
/// (`key=value`, `key: value` or `key value`, `#`/`!` comments, backslash continuations and
/// escapes). The one parser for every properties file Skein reads: the user's beside a
/// workflow (catalog locations, category limits) and a run's or submit directory's copy.
/// A module of its own because both the workflow reader and the run-directory formats need
/// it, and neither may import the other.
public struct PegasusProperties: Sendable, Equatable {
    public private(set) var values: [String: String]
    /// The line each key was (last) set on, so warnings about a property can point at it.
    public private(set) var lines: [String: Int] = [:]

    public init(text: String) { (values, lines) = Self.parseWithLines(text) }

    public init(values: [String: String]) { self.values = values }

    /// These properties with `defaults` for the keys they do not set (how `pegasus.mode`
    /// fills in its settings: a key the user wrote wins).
    public func withDefaults(_ defaults: [String: String]) -> PegasusProperties {
        var result = self
        for (key, value) in defaults where result.values[key] == nil { result.values[key] = value }
        return result
    }

    /// `pegasus.properties` in `directory` (the current one when empty); empty when missing.
    public static func load(besideWorkflowIn directory: String) -> PegasusProperties {
        let path = directory.isEmpty ? "pegasus.properties" : (directory as NSString).appendingPathComponent("pegasus.properties")
        return load(file: path) ?? PegasusProperties(values: [:])
    }

    /// The properties of one file; nil when it cannot be read.
    public static func load(file path: String) -> PegasusProperties? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return PegasusProperties(text: String(decoding: data, as: UTF8.self))
    }

    public subscript(key: String) -> String? { values[key] }

    /// Parses a Java properties file (what Pegasus's `Properties` reads): `key=value`,
    /// `key: value` or `key value`, `#`/`!` comments, backslash continuations and escapes.
    static func parse(_ text: String) -> [String: String] { parseWithLines(text).values }

    /// The values, and the line (1-based) each key's logical line starts on.
    static func parseWithLines(_ text: String) -> (values: [String: String], lines: [String: Int]) {
        var result: [String: String] = [:]
        var lineOfKey: [String: Int] = [:]
        var logical: [(text: String, line: Int)] = []
        var pending = ""
        var pendingStart = 0
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var line = String(raw)
            if pending.isEmpty {
                line = line.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
                pendingStart = index + 1
            } else {
                line = String(line.drop(while: { $0 == " " || $0 == "\t" }))
            }
            // An odd number of trailing backslashes continues the line.
            let trailing = line.reversed().prefix(while: { $0 == "\\" }).count
            if trailing % 2 == 1 {
                pending += String(line.dropLast())
                continue
            }
            logical.append((pending + line, pendingStart))
            pending = ""
        }
        if !pending.isEmpty { logical.append((pending, pendingStart)) }
        for (line, number) in logical {
            var key = ""
            var value = ""
            var escaped = false
            var inKey = true
            var chars = Array(line)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if inKey {
                    if escaped { key.append(unescape(c, &chars, &i)); escaped = false }
                    else if c == "\\" { escaped = true }
                    else if c == "=" || c == ":" || c == " " || c == "\t" {
                        inKey = false
                        // Skip whitespace, then one separator, then whitespace.
                        var j = i
                        while j < chars.count, chars[j] == " " || chars[j] == "\t" { j += 1 }
                        if j < chars.count, chars[j] == "=" || chars[j] == ":" { j += 1 }
                        while j < chars.count, chars[j] == " " || chars[j] == "\t" { j += 1 }
                        i = j
                        continue
                    } else { key.append(c) }
                } else {
                    if escaped { value.append(unescape(c, &chars, &i)); escaped = false }
                    else if c == "\\" { escaped = true }
                    else { value.append(c) }
                }
                i += 1
            }
            if !key.isEmpty {
                result[key] = value
                lineOfKey[key] = number
            }
        }
        return (result, lineOfKey)
    }

    private static func unescape(_ c: Character, _ chars: inout [Character], _ i: inout Int) -> Character {
        switch c {
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "f": return "\u{0C}"
        case "u":
            guard i + 4 < chars.count, let v = UInt32(String(chars[(i + 1)...(i + 4)]), radix: 16),
                  let u = Unicode.Scalar(v) else { return "u" }
            i += 4
            return Character(u)
        default: return c
        }
    }
}
