import SkeinText

extension Untrusted {
    /// A log line for display: made visible, then tabs expanded to stops of 8 (counted on
    /// the text as shown, escapes included).
    public static func displayLine(_ line: Substring) -> String {
        var plain = true
        for s in line.unicodeScalars where isUnsafe(s) { plain = false; break }
        if plain { return String(line) }
        var out = ""
        var column = 0
        for c in line {
            if c == "\t" {
                let n = 8 - column % 8
                out += String(repeating: " ", count: n)
                column += n
                continue
            }
            var unsafe = false
            for s in c.unicodeScalars where isUnsafe(s) { unsafe = true; break }
            let shown = unsafe ? visible(String(c)) : String(c)
            out += shown
            column += TextWidth.of(shown)
        }
        return out
    }
}
