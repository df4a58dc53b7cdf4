import Foundation

/// The reader of a submit directory's `braindump.yml`
/// (flat `key: value` YAML, as Pegasus writes it; the writer is `Braindump`).
/// Lenient: a reader of other people's runs keeps going where Pegasus's own tools
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
}
