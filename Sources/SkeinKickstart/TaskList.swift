/// A clustered job's task list (`<id>.in.AAA`), as pegasus-cluster reads Pegasus's
/// `merge_*.in`: for each task a `#@ <task#> <transformation> <task id>` marker line, then
/// one line with the task's skein-kickstart options and command. Arguments are written in
/// double quotes with `\"`, `\\` and `\n` escapes when they need quoting, so any argument
/// (spaces, quotes, newlines) comes back byte for byte. The engine writes it; skein-kickstart's
/// cluster mode reads it.
public enum TaskList {
    public struct Entry: Sendable, Equatable {
        /// The task's number in its cluster, 1-based (kept when earlier tasks are skipped).
        public var number: Int
        public var transformation: String
        public var id: String
        /// skein-kickstart options, then the executable and its arguments.
        public var arguments: [String]
        /// The line of the command in the file, 1-based (pegasus-cluster's `line=`).
        public var line: Int

        public init(number: Int, transformation: String, id: String, arguments: [String], line: Int = 0) {
            self.number = number
            self.transformation = transformation
            self.id = id
            self.arguments = arguments
            self.line = line
        }
    }

    public static func text(_ entries: [Entry]) -> String {
        var out = ""
        for e in entries {
            out += "#@ \(e.number) \(quote(e.transformation)) \(quote(e.id))\n"
            out += e.arguments.map(quote).joined(separator: " ") + "\n"
        }
        return out
    }

    public static func quote(_ s: String) -> String {
        if !s.isEmpty, s.utf8.allSatisfy({ safe($0) }) { return s }
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    private static func safe(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || "/._-=:,+@%".utf8.contains(b)
    }

    /// The entries of a task list; commands without a marker get the next number.
    public static func parse(_ text: String) -> [Entry] {
        var entries: [Entry] = []
        var marker: (Int, String, String)?
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.hasPrefix("#@") {
                let words = split(line.dropFirst(2))
                if words.count >= 3, let n = Int(words[0]) { marker = (n, words[1], words[2]) }
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = split(line)
            guard !words.isEmpty else { continue }
            let number = marker?.0 ?? (entries.last.map { $0.number + 1 } ?? 1)
            entries.append(Entry(number: number, transformation: marker?.1 ?? "", id: marker?.2 ?? "", arguments: words, line: offset + 1))
            marker = nil
        }
        return entries
    }

    /// Words separated by blanks; double quotes group, with backslash escapes inside.
    static func split(_ line: Substring) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quoted = false
        var escaped = false
        for c in line.unicodeScalars {
            if escaped {
                switch c {
                case "n": current += "\n"
                case "r": current += "\r"
                default: current.unicodeScalars.append(c)
                }
                escaped = false
            } else if quoted {
                if c == "\\" { escaped = true } else if c == "\"" { quoted = false } else { current.unicodeScalars.append(c) }
            } else if c == " " || c == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else if c == "\"" {
                quoted = true
                inWord = true
            } else {
                current.unicodeScalars.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
