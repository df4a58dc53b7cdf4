import Foundation

/// The key structure of a kickstart record, read with a tiny line parser (the test target may
/// not depend on Skein's YAML reader): for each mapping, by its path (`""` for the top,
/// `mainjob/status`, `files/stdout`), the keys under it. Literal blocks and list items are skipped.
struct RecordKeys {
    private(set) var children: [String: Set<String>] = [:]

    init(_ yaml: String) {
        var stack: [(indent: Int, key: String)] = []
        var blockIndent: Int?
        var started = false
        for raw in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            // Anything before the record (ks_notfound_real.yml starts with kickstart's stderr).
            started = started || line.hasPrefix("- invocation:")
            guard started else { continue }
            if line.hasPrefix("- ") { line = "  " + line.dropFirst(2) }  // the record's list item
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            if let block = blockIndent {
                if body.isEmpty || indent > block { continue }
                blockIndent = nil
            }
            guard !body.isEmpty, !body.hasPrefix("- "), let (key, value) = Self.split(body) else { continue }
            while let last = stack.last, last.indent >= indent { stack.removeLast() }
            let path = stack.map(\.key).joined(separator: "/")
            children[path, default: []].insert(key)
            stack.append((indent, key))
            if value.hasPrefix("|") { blockIndent = indent }
        }
    }

    func keys(_ path: String) -> Set<String> { children[path] ?? [] }

    /// Keys under `path` with the ones naming the file's source (file_name, temporary_name +
    /// descriptor, descriptor_number) folded into `<source>`: a file given with -o is named
    /// where Pegasus's default temporary capture has a temporary name.
    func sourceNormalized(_ path: String) -> Set<String> {
        var keys = keys(path)
        let source: Set<String> = ["file_name", "temporary_name", "descriptor", "descriptor_number"]
        if !keys.isDisjoint(with: source) { keys.subtract(source); keys.insert("<source>") }
        return keys
    }

    /// `key: value` -> (key without quotes, value); nil for other lines.
    private static func split(_ body: Substring) -> (String, String)? {
        if body.hasPrefix("\"") {
            var escaped = false
            var index = body.index(after: body.startIndex)
            while index < body.endIndex {
                let c = body[index]
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { break }
                index = body.index(after: index)
            }
            guard index < body.endIndex else { return nil }
            let rest = body[body.index(after: index)...]
            guard rest.hasPrefix(":") else { return nil }
            return (String(body[body.index(after: body.startIndex)..<index]), rest.dropFirst().trimmingCharacters(in: .whitespaces))
        }
        if let range = body.range(of: ": ") {
            return (String(body[..<range.lowerBound]), String(body[range.upperBound...]))
        }
        if body.hasSuffix(":") { return (String(body.dropLast()), "") }
        return nil
    }
}
