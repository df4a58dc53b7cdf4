/// Text from jobs (their output, arguments, file names) is untrusted: it may hold escape
/// sequences that would recolour, move the cursor, retitle or even reprogram the terminal.
/// Every character the TUI's cell buffer stores and every text from a workflow file the
/// CLI prints (names, ids, lfns) goes through `visible`, so such characters reach
/// the screen only as visible escapes: `^[` for ESC (as `cat -v`), `^A`..`^_` and `^?` for
/// the other C0 controls and DEL, `<U+009B>` for C1 controls, and the same notation for
/// bidirectional overrides and other invisible format characters that could disguise text.
public enum Untrusted {
    /// Whether a scalar must not reach the terminal as it is.
    @inline(__always)
    public static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x20 || v == 0x7F { return true }
        if v < 0x80 { return false }
        if v <= 0x9F { return true }
        switch v {
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C, 0xFFF9...0xFFFB, 0xFEFF:
            return true  // bidi marks, overrides and isolates; interlinear annotation; BOM
        case 0xE0000...0xE007F:
            return true  // tag characters
        default:
            return false
        }
    }

    /// The visible form of an unsafe scalar.
    public static func escape(_ s: Unicode.Scalar) -> String {
        let v = s.value
        if v < 0x20 { return "^" + String(Unicode.Scalar(UInt8(v) + 0x40)) }
        if v == 0x7F { return "^?" }
        return "<U+" + hex(v) + ">"
    }

    static func hex(_ v: UInt32) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Whether any character of `text` needs escaping (fast path for clean text).
    public static func needsEscaping(_ text: String) -> Bool {
        for s in text.unicodeScalars where isUnsafe(s) { return true }
        return false
    }

    /// `text` with every unsafe character replaced by its visible escape.
    public static func visible(_ text: String) -> String {
        guard needsEscaping(text) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for s in text.unicodeScalars {
            if isUnsafe(s) { out += escape(s) } else { out.unicodeScalars.append(s) }
        }
        return out
    }
}

extension Untrusted {
    /// `visible`, keeping newlines and tabs: multi-line text (a job's output, a report's
    /// paragraph) printed as lines.
    public static func visible(keepingLines text: String) -> String {
        guard needsEscaping(text) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for s in text.unicodeScalars {
            if isUnsafe(s) && s != "\n" && s != "\t" { out += escape(s) } else { out.unicodeScalars.append(s) }
        }
        return out
    }
}
