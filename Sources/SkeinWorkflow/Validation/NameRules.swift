import SkeinText

/// What a name from a workflow file may be, since each becomes a folder or file name: the
/// workflow name the run's `<label>/` folder and `<label>-0.stampede.db`, a job id its
/// record files (`<id>.out.000`), an lfn a path in the scratch folder, a transformation
/// name a file in the run's `bin/`. A name that is empty, `.` or `..`, holds control or
/// bidirectional characters, or is longer than a file system allows would fail late,
/// land somewhere else, or disguise itself on a terminal; each is a located error.
enum NameRules {
    /// Workflow names and job ids get suffixes (`-0.stampede.db`, `.out.000`, `_skein1`):
    /// they stay well under the file systems' 255 bytes.
    static let maxNameBytes = 200
    /// One part of a path (the file systems' NAME_MAX).
    static let maxPartBytes = 255
    /// A whole file name with its folders.
    static let maxPathBytes = 1024

    /// Why `name` cannot be a workflow name, or nil.
    static func workflowNameProblem(_ name: String) -> String? {
        if name.contains("/") { return "contains '/'" }
        return fileNameProblem(name, allowSlash: false, maxPart: maxNameBytes)
    }

    /// Why `name` cannot be a file name inside a job's folder (or, without `allowSlash`,
    /// one file name), or nil when it can.
    static func fileNameProblem(_ name: String, allowSlash: Bool, maxPart: Int = maxPartBytes) -> String? {
        if isPlainName(name, maxPart: maxPart) { return nil }
        if name.isEmpty { return "is empty" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "holds a control character (NUL, newline, escape, ...)"
        }
        if name.unicodeScalars.contains(where: Untrusted.isUnsafe) {
            return "holds an invisible or text-reversing character (such as U+202E), which disguises names on a terminal"
        }
        if !allowSlash && name.contains("/") { return "holds '/'" }
        if name.hasPrefix("/") { return "is an absolute path" }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        if parts.contains("..") { return "leads out of its folder with '..'" }
        if parts.contains(where: { $0.isEmpty || $0 == "." }) {
            return parts.count == 1 ? "names the folder itself, not a file" : "has an empty or '.' part between '/' (a folder, not a file)"
        }
        if let long = parts.first(where: { $0.utf8.count > maxPart }) {
            return parts.count == 1 ? "is \(long.utf8.count) characters long; at most \(maxPart) are allowed"
                : "has a part of \(long.utf8.count) characters; a file name may have at most \(maxPart)"
        }
        if name.utf8.count > maxPathBytes { return "is \(name.utf8.count) characters long; at most \(maxPathBytes) are allowed" }
        return nil
    }

    /// The common case, decided in one pass over the bytes without splitting: a non-empty
    /// name of letters, digits, '.', '-' and '_' only (no '/', so one part), short enough, and
    /// not `.` or `..`. A million-job workflow has millions of such lfns; anything else takes
    /// the full rules above.
    static func isPlainName(_ name: String, maxPart: Int) -> Bool {
        var name = name
        return name.withUTF8 { bytes in
            guard !bytes.isEmpty, bytes.count <= maxPart, bytes.count <= maxPathBytes else { return false }
            var dotsOnly = true
            for b in bytes {
                switch b {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"), UInt8(ascii: "_"):
                    dotsOnly = false
                case UInt8(ascii: "."):
                    continue
                default:
                    return false
                }
            }
            return !dotsOnly || bytes.count > 2
        }
    }

    /// `name` as a message shows it: escaped (`Untrusted.visible`) and, when long, cut.
    static func shown(_ name: String) -> String {
        let visible = Untrusted.visible(name)
        guard visible.count > 80 else { return visible }
        return String(visible.prefix(60)) + "…"
    }
}
