import SkeinText
import Foundation

/// Number and text formats of Pegasus's own tools, reproduced so Skein's reports read the
/// same: Python's `str(round(x, n))`, `format_seconds`, `raw_to_regular`, `str.center`.
public enum PegasusFormat {
    /// `Pegasus.tools.utils.raw_to_regular`: a raw wait status to an exit code (0...255),
    /// a negative signal number, or -128 for a failure to run.
    public static func regularExitCode(_ raw: Int) -> Int {
        if raw < 0 { return -128 }
        if raw & 127 > 0 { return -(raw & 127) }
        return raw >> 8
    }

    /// A raw wait status in words: "exit code 3", "killed by signal 9 (SIGKILL)".
    public static func describeRawStatus(_ raw: Int) -> String {
        let code = regularExitCode(raw)
        if code == -128 { return "failed to run" }
        if code < 0 { return "killed by signal \(-code)\(signalName(-code).map { " (SIG\($0))" } ?? "")" }
        return "exit code \(code)"
    }

    static func signalName(_ signal: Int) -> String? {
        let names: [Int: String] = [1: "HUP", 2: "INT", 3: "QUIT", 4: "ILL", 6: "ABRT", 7: "BUS", 8: "FPE", 9: "KILL", 10: "USR1",
                                    11: "SEGV", 12: "USR2", 13: "PIPE", 14: "ALRM", 15: "TERM", 24: "XCPU", 25: "XFSZ"]
        return names[signal]
    }

    /// Python's `repr(float)` after `round(x, digits)`: "2.22", "1.0", "0.003". Values of
    /// ordinary size take an integer fast path (reports format millions of them).
    public static func python(_ value: Double, digits: Int = 3) -> String {
        let scale = digits == 3 ? 1000.0 : digits == 2 ? 100.0 : pow(10.0, Double(digits))
        if value.isNaN || value.isInfinite { return value.description }
        let scaled = (value * scale).rounded(.toNearestOrEven)
        if abs(scaled) < 1e15 && digits <= 6 && abs(value) >= 1e-4 || scaled == 0 {
            var m = Int64(scaled)
            if m == 0 { return "0.0" }
            let negative = m < 0
            if negative { m = -m }
            let unit = Int64(scale)
            let whole = m / unit
            var frac = m % unit
            var width = digits
            if frac == 0 { return (negative ? "-" : "") + String(whole) + ".0" }
            while frac % 10 == 0 { frac /= 10; width -= 1 }
            let fracText = String(frac)
            return (negative ? "-" : "") + String(whole) + "." + String(repeating: "0", count: width - fracText.count) + fracText
        }
        var r = scaled / scale
        if r == 0 { r = 0 }  // no "-0.0"
        var s = r.description  // Swift prints the shortest round-trip form, as Python does
        if let e = s.firstIndex(of: "e") {
            let mantissa = s[..<e]
            if mantissa.hasSuffix(".0") { s = String(mantissa.dropLast(2)) + s[e...] }
        }
        return s
    }

    /// `round_decimal_to_str` (fstr) of pegasus-statistics: "-" for nil.
    public static func fstr(_ value: Double?, digits: Int = 3) -> String {
        value.map { python($0, digits: digits) } ?? "-"
    }

    /// `format_seconds` of pegasus-statistics: "1 min, 36 secs", "2.23 secs". Pegasus gets
    /// some values as SQL DECIMAL (workflow wall time, integrity durations), which print
    /// with exactly two decimals below a minute ("5.00 secs"); `decimal` chooses that form.
    public static func formatSeconds(_ duration: Double?, maxComponents: Int = 2, decimal: Bool = false) -> String {
        guard let duration else { return "-" }
        var comp = 0
        var sec = Int(duration)
        var out = ""
        let years = sec / 31_536_000; sec -= 31_536_000 * years
        let days = sec / 86_400; sec -= 86_400 * days
        let hrs = sec / 3600; sec -= 3600 * hrs
        let mins = sec / 60; sec -= 60 * mins
        func part(_ n: Int, _ one: String, _ many: String) {
            if comp < maxComponents && (n >= 1 || comp > 0) {
                comp += 1
                out += "\(n) \(n == 1 ? one : many), "
            }
        }
        part(years, "year", "years")
        part(days, "day", "days")
        part(hrs, "hr", "hrs")
        part(mins, "min", "mins")
        if comp < maxComponents {
            comp += 1
            if out.isEmpty {
                let rounded = (duration * 100).rounded() / 100
                let text = decimal ? String(format: "%.2f", rounded) : python(rounded, digits: 2)
                out += "\(text) \(rounded == 1 && !decimal ? "sec" : "secs"), "
            } else {
                out += "\(sec) \(sec == 1 ? "sec" : "secs"), "
            }
        }
        if out.hasSuffix(", ") { out.removeLast(2) }
        return out
    }

    /// Python's `str.center(width, fill)`: extra padding goes to the right when the text
    /// length is odd... exactly as CPython splits it.
    public static func center(_ text: String, _ width: Int, _ fill: Character) -> String {
        let n = text.count
        guard width > n else { return text }
        let marg = width - n
        let left = marg / 2 + (marg & width & 1)
        return String(repeating: fill, count: left) + text + String(repeating: fill, count: marg - left)
    }

    /// Python's "%3.2f%%"-style percentage of `part` in `total` ("46.15").
    public static func percent(_ part: Int, of total: Int) -> String {
        String(format: "%.2f", 100 * Double(part) / Double(total == 0 ? 1 : total))
    }
}

/// Small text helpers shared by the renderers.
enum Text {
    static func pad(_ s: String, _ width: Int) -> String {
        let n = s.count
        return n >= width ? s : s + String(repeating: " ", count: width - n)
    }

    static func padLeft(_ s: String, _ width: Int) -> String {
        let n = s.count
        return n >= width ? s : String(repeating: " ", count: width - n) + s
    }

    /// Python's "{:^w}" (centre, extra space on the right).
    static func centered(_ s: String, _ width: Int) -> String {
        let n = s.count
        guard width > n else { return s }
        let left = (width - n) / 2
        return String(repeating: " ", count: left) + s + String(repeating: " ", count: width - n - left)
    }

    /// "0.43 s", "2 min 05 s", "1 h 02 min".
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        if seconds < 60 { return String(format: "%.2f s", seconds) }
        let s = Int(seconds.rounded())
        if s < 3600 { return String(format: "%d min %02d s", s / 60, s % 60) }
        if s < 86400 { return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60) }
        return String(format: "%d d %02d h", s / 86400, (s % 86400) / 3600)
    }

    static func plural(_ n: Int, _ one: String, _ many: String? = nil) -> String {
        "\(n) \(n == 1 ? one : many ?? one + "s")"
    }

    /// Local wall-clock time of an epoch, "2026-11-21 11:57:08".
    static func time(_ epoch: Double?) -> String {
        guard let epoch else { return "-" }
        var t = time_t(epoch)
        var tm = tm()
        localtime_r(&t, &tm)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1, Int(tm.tm_mday),
                      Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec))
    }

    /// Text from jobs and workflow files (names, ids, lfns, output), with control
    /// characters, escape sequences and bidirectional overrides made visible as the TUI
    /// shows them (`Untrusted`); newlines and tabs stay.
    static func visible(_ s: String) -> String { Untrusted.visible(keepingLines: s) }
}

/// A byte buffer for large fixed-width tables: appending UTF-8 and blanks to one array is
/// several times cheaper than growing a `String` piece by piece.
struct TextBuffer {
    var bytes: [UInt8] = []

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func blanks(_ n: Int) {
        if n > 0 { bytes.append(contentsOf: repeatElement(0x20, count: n)) }
    }

    /// `values` left-justified in `widths` (the last one not padded), then a newline.
    mutating func row(_ values: [String], _ widths: [Int], separator: Int = 0) {
        for (i, v) in values.enumerated() {
            append(v)
            if i < values.count - 1 { blanks(widths[i] - v.count + separator) }
        }
        bytes.append(0x0A)
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
