import SkeinText
import SkeinYAML
/// The keys of one YAML mapping being decoded: hands out values by key, then reports the
/// keys nobody asked for (kept as extensions, warned about unless `x-` or schema-known).
struct Fields {
    let mapping: YAMLMapping
    /// What the mapping is, for messages; built only when a message needs it, since most
    /// mappings of a 100,000-job workflow never produce one.
    private let describe: Description
    /// Which entries were taken: a bit each for the first 64 (every Pegasus mapping), an
    /// array only beyond, so the millions of small mappings of a large workflow allocate nothing.
    private var usedBits: UInt64 = 0
    private var usedBeyond: [Bool] = []

    private enum Description {
        case text(String)
        case lazy(() -> String)
        /// A `uses:` entry: "file 'LFN' used by JOB", or "file N used by JOB" without an lfn.
        case fileUse(index: Int, job: String)
    }

    var what: String {
        switch describe {
        case .text(let s): return s
        case .lazy(let make): return make()
        case .fileUse(let index, let job):
            if case .scalar(let s)? = mapping["lfn"], !s.isNull { return "file '\(s.value)' used by \(job)" }
            return "file \(index + 1) used by \(job)"
        }
    }

    init(_ mapping: YAMLMapping, _ what: String) {
        self.init(mapping, .text(what))
    }

    init(_ mapping: YAMLMapping, describedBy make: @escaping () -> String) {
        self.init(mapping, .lazy(make))
    }

    /// The fields of file use `index` (0-based) of `job`.
    init(_ mapping: YAMLMapping, fileUse index: Int, of job: String) {
        self.init(mapping, .fileUse(index: index, job: job))
    }

    private init(_ mapping: YAMLMapping, _ describe: Description) {
        self.mapping = mapping
        self.describe = describe
        if mapping.entries.count > 64 { usedBeyond = Array(repeating: false, count: mapping.entries.count - 64) }
    }

    private mutating func markUsed(_ i: Int) {
        if i < 64 { usedBits |= 1 << UInt64(i) } else { usedBeyond[i - 64] = true }
    }

    private func isUsed(_ i: Int) -> Bool {
        i < 64 ? usedBits & (1 << UInt64(i)) != 0 : usedBeyond[i - 64]
    }

    mutating func take(_ key: String) -> YAMLNode? {
        let entries = mapping.entries
        let length = key.utf8.count
        // Lengths first: most keys of a mapping differ from the one asked for in length, which
        // is read without looking at the bytes (millions of lookups in a large workflow).
        for i in entries.indices where entries[i].key.value.utf8.count == length && entries[i].key.value == key {
            markUsed(i)
            // The last of duplicate keys wins, as in PyYAML; the parser reported the duplicate.
            var value = entries[i].value
            for j in (i + 1)..<entries.count where entries[j].key.value.utf8.count == length && entries[j].key.value == key {
                markUsed(j)
                value = entries[j].value
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
        for (i, entry) in mapping.entries.enumerated() where !isUsed(i) {
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
