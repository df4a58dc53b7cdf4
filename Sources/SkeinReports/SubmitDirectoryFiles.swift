import Foundation

/// Readers for the two small text files of a Pegasus submit directory: `braindump.yml`
/// (flat `key: value` YAML, as Pegasus writes it) and the Java-style properties file it
/// names. Lenient: a reader of other people's runs keeps going where Pegasus's own tools
/// would too.
public enum SubmitDirectoryFiles {
    /// Parses a flat braindump: `key: "quoted"`, `key: 'single'`, `key: plain`, `key: null`.
    /// Older Pegasus (4.x) wrote `braindump.txt` as `key value` lines; `legacy` reads those.
    public static func parseBraindump(_ text: String, legacy: Bool = false) -> [String: String] {
        var result: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line == "---" { continue }
            let key: Substring
            let rest: Substring
            if legacy {
                guard let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else { continue }
                key = line[..<space]
                rest = line[line.index(after: space)...]
                result[String(key)] = rest.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            key = line[..<colon]
            rest = line[line.index(after: colon)...]
            if let value = yamlScalar(rest.trimmingCharacters(in: .whitespaces)) {
                result[key.trimmingCharacters(in: .whitespaces)] = value
            }
        }
        return result
    }

    /// A YAML scalar as braindump files write them; nil for null.
    static func yamlScalar(_ s: String) -> String? {
        if s.isEmpty || s == "null" || s == "~" || s == "Null" || s == "NULL" { return nil }
        if s.hasPrefix("\"") {
            var out = ""
            var chars = s.dropFirst().makeIterator()
            while let c = chars.next() {
                if c == "\"" { break }
                if c == "\\", let e = chars.next() {
                    switch e {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "r": out.append("\r")
                    case "0": out.append("\0")
                    case "x":
                        var hex = ""
                        for _ in 0..<2 { if let h = chars.next() { hex.append(h) } }
                        if let v = UInt32(hex, radix: 16), let u = Unicode.Scalar(v) { out.unicodeScalars.append(u) }
                    default: out.append(e)
                    }
                } else {
                    out.append(c)
                }
            }
            return out
        }
        if s.hasPrefix("'") {
            let body = s.dropFirst()
            var out = ""
            var i = body.startIndex
            while i < body.endIndex {
                let c = body[i]
                if c == "'" {
                    let next = body.index(after: i)
                    if next < body.endIndex, body[next] == "'" { out.append("'"); i = body.index(after: next); continue }
                    break
                }
                out.append(c)
                i = body.index(after: i)
            }
            return out
        }
        // A plain scalar: drop a trailing comment.
        if let hash = s.range(of: " #") { return String(s[..<hash.lowerBound]).trimmingCharacters(in: .whitespaces) }
        return s
    }

    /// Parses a Java properties file (what Pegasus's `Properties` reads): `key=value`,
    /// `key: value` or `key value`, `#`/`!` comments, backslash continuations and escapes.
    public static func parseProperties(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var logical: [String] = []
        var pending = ""
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            var line = String(raw)
            if pending.isEmpty {
                line = line.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            } else {
                line = String(line.drop(while: { $0 == " " || $0 == "\t" }))
            }
            // An odd number of trailing backslashes continues the line.
            let trailing = line.reversed().prefix(while: { $0 == "\\" }).count
            if trailing % 2 == 1 {
                pending += String(line.dropLast())
                continue
            }
            logical.append(pending + line)
            pending = ""
        }
        if !pending.isEmpty { logical.append(pending) }
        for line in logical {
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
            if !key.isEmpty { result[key] = value }
        }
        return result
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
