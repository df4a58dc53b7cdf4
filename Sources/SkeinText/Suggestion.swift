/// "Did you mean" for misspelt keys, values and ids: one edit distance for the workflow
/// reader's hints and the reports' unknown-job messages. A module of its own because both
/// need it and neither may import the other.
public enum Suggestion {
    /// The one candidate closest to `word`, if close enough to be a typo of it.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let lower = word.lowercased()
        var best: (String, Int)?
        for c in candidates {
            if c.lowercased() == lower { return c }
            let d = distance(lower, c.lowercased())
            if d <= max(1, min(word.count, c.count) / 3), best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    /// Edit distance where swapping two neighbouring letters counts as one edit, the most
    /// common typo (`cta` for `cat`): optimal string alignment.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }

    /// Up to `limit` candidates near `word` (close by edit distance, or containing it or
    /// contained in it), nearest first: for ids, where a prefix or a part is a likely typo.
    public static func near(_ word: String, in candidates: [String], limit: Int = 3) -> [String] {
        let lower = word.lowercased()
        let scored = candidates.compactMap { c -> (String, Int)? in
            let d = distance(lower, c.lowercased())
            let contains = c.lowercased().contains(lower) || lower.contains(c.lowercased())
            return d <= max(2, word.count / 3) || contains ? (c, contains ? min(d, 1) : d) : nil
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(limit).map(\.0)
    }
}
