import Foundation

/// Compact numbers and times for narrow columns.
public enum Format {
    /// "0.42s", "12.3s", "4m05s", "3h02m", "2d04h".
    public static func duration(_ seconds: Double?) -> String {
        guard let s = seconds, s.isFinite, s >= 0 else { return "-" }
        if s < 10 { return String(format: "%.2fs", s) }
        if s < 60 { return String(format: "%.1fs", s) }
        let t = Int(s.rounded())
        if t < 3600 { return String(format: "%dm%02ds", t / 60, t % 60) }
        if t < 86400 { return String(format: "%dh%02dm", t / 3600, (t % 3600) / 60) }
        return String(format: "%dd%02dh", t / 86400, (t % 86400) / 3600)
    }

    /// "12:14:56" today, "11-21 12:14" this year, "2023-03-04" before.
    public static func time(_ epoch: Double?, now: Double, zone: TimeZone) -> String {
        guard let epoch, epoch > 0 else { return "-" }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let d = Date(timeIntervalSince1970: epoch)
        let n = Date(timeIntervalSince1970: now)
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: d)
        let nc = cal.dateComponents([.year, .month, .day], from: n)
        if c.year == nc.year && c.month == nc.month && c.day == nc.day {
            return String(format: "%02d:%02d:%02d", c.hour!, c.minute!, c.second!)
        }
        if c.year == nc.year { return String(format: "%02d-%02d %02d:%02d", c.month!, c.day!, c.hour!, c.minute!) }
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// "2026-11-21 12:14:56".
    public static func timestamp(_ epoch: Double?, zone: TimeZone) -> String {
        guard let epoch, epoch > 0 else { return "-" }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: epoch))
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// "40.3 MiB" from KiB.
    public static func kib(_ kb: Int?) -> String {
        guard let kb else { return "-" }
        if kb < 1024 { return "\(kb) KiB" }
        if kb < 1024 * 1024 { return String(format: "%.1f MiB", Double(kb) / 1024) }
        return String(format: "%.2f GiB", Double(kb) / 1024 / 1024)
    }

    /// "512 B", "4.0 KiB", "1.2 MiB".
    public static func bytes(_ n: Int?) -> String {
        guard let n else { return "-" }
        if n < 1024 { return "\(n) B" }
        if n < 1 << 20 { return String(format: "%.1f KiB", Double(n) / 1024) }
        if n < 1 << 30 { return String(format: "%.1f MiB", Double(n) / 1048576) }
        return String(format: "%.2f GiB", Double(n) / 1073741824)
    }

    /// An argument as a shell word (quoted only when it needs to be).
    public static func shellWord(_ s: String) -> String {
        let safe = !s.isEmpty && s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "/._-+,:=@%".unicodeScalars.contains($0) }
        return safe ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// "2/3": attempt `n` of the `allowed`. A job the user retried past its allowance reads
    /// "2/2", never "2/1": its retry allowed it one more.
    public static func attempt(_ n: Int, of allowed: Int) -> String {
        n == 0 ? "-" : "\(n)/\(max(n, allowed))"
    }

    /// 1234567 -> "1,234,567"; 3181 -> "3,181" (every count grouped alike, not only from
    /// five digits: "3181" beside "16,817" read as two formats).
    public static func count(_ n: Int) -> String {
        let s = String(n)
        guard n >= 1000 || n <= -1000 else { return s }
        var out = ""
        for (i, c) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 && c != "-" { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}
