import SkeinText
import SkeinYAML
/// The keys of one YAML mapping being decoded: hands out values by key, then reports the
/// keys nobody asked for (kept as extensions, warned about unless `x-` or schema-known).
struct Fields {
    let mapping: YAMLMapping
    /// What the mapping is, for messages; built only when a message needs it, since most
    /// mappings of a 100,000-job workflow never produce one.
    private let describe: Description
    private var used: [Bool]

    private enum Description {
        case text(String)
        case lazy(() -> String)
    }

    var what: String {
        switch describe {
        case .text(let s): return s
        case .lazy(let make): return make()
        }
    }

    init(_ mapping: YAMLMapping, _ what: String) {
        self.mapping = mapping
        self.describe = .text(what)
        self.used = Array(repeating: false, count: mapping.entries.count)
    }

    init(_ mapping: YAMLMapping, describedBy make: @escaping () -> String) {
        self.mapping = mapping
        self.describe = .lazy(make)
        self.used = Array(repeating: false, count: mapping.entries.count)
    }

    mutating func take(_ key: String) -> YAMLNode? {
        for i in mapping.entries.indices where mapping.entries[i].key.value == key {
            used[i] = true
            // The last of duplicate keys wins, as in PyYAML; the parser reported the duplicate.
            var value = mapping.entries[i].value
            for j in (i + 1)..<mapping.entries.count where mapping.entries[j].key.value == key {
                used[j] = true
                value = mapping.entries[j].value
            }
            return value
        }
        return nil
    }

    mutating func required(_ key: String, _ ctx: inout DecodeContext, hint: String) -> YAMLNode? {
        if let node = take(key) { return node }
        ctx.report.error("missing-key", at: mapping.mark, "\(what) is missing the required key '\(key)'", hint: hint)
        return nil
    }

    /// Entries not taken. `modeledElsewhere` are schema keys kept verbatim without a warning.
    func rest(_ ctx: inout DecodeContext, expected: [String], modeledElsewhere: [String] = []) -> Extensions {
        var out: Extensions = []
        for (i, entry) in mapping.entries.enumerated() where !used[i] {
            out.append(entry)
            let key = entry.key.value
            if key.hasPrefix("x-") || modeledElsewhere.contains(key) { continue }
            if let near = Suggestion.closest(to: key, in: expected + modeledElsewhere) {
                // A near miss of a known key is a typo that silently drops data
                // (`jobDependecies` loses every dependency): an error, not a warning.
                ctx.report.error(
                    "misspelt-key", at: entry.key.mark, "unknown key '\(key)' in \(what): did you mean '\(near)'?",
                    hint: "rename it to '\(near)'; as written, Skein and Pegasus would ignore it")
            } else {
                ctx.report.warning(
                    "unknown-key", at: entry.key.mark, "unknown key '\(key)' in \(what)",
                    hint: "Skein keeps it and writes it back, but Pegasus does not know it; vendor keys start with 'x-'")
            }
        }
        return out
    }
}
