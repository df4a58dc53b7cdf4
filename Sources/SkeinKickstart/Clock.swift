import Glibc

/// Wall-clock time as Pegasus records it: epoch seconds with microseconds, printed as ISO 8601
/// in the local time zone with its offset (`2026-11-21T08:06:43.023+00:00`), the format of
/// `fmtisodate()` in pegasus-kickstart (milliseconds truncated, not rounded).
public enum Clock {
    /// Seconds since the epoch, microsecond resolution (gettimeofday, as kickstart's `now()`).
    public static func now() -> Double {
        var tv = timeval()
        gettimeofday(&tv, nil)
        return Double(tv.tv_sec) + Double(tv.tv_usec) / 1_000_000
    }

    /// `2026-11-21T08:06:43.023+00:00`: the form of every `start` in a record.
    public static func isoMillis(_ epoch: Double) -> String {
        let micros = Int64((epoch * 1_000_000).rounded())
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 { fraction += 1_000_000; seconds -= 1 }
        return iso(seconds: Int(seconds), millis: Int(fraction / 1000))
    }

    /// `2023-01-05T13:20:48+00:00`: the form of file times (mtime, atime, ctime).
    public static func isoSeconds(_ epoch: Int) -> String {
        iso(seconds: epoch, millis: nil)
    }

    private static func iso(seconds: Int, millis: Int?) -> String {
        var t = time_t(seconds)
        var parts = tm()
        localtime_r(&t, &parts)
        var text = Format.padded(Int(parts.tm_year) + 1900, 4) + "-" + Format.padded(Int(parts.tm_mon) + 1, 2)
            + "-" + Format.padded(Int(parts.tm_mday), 2) + "T" + Format.padded(Int(parts.tm_hour), 2)
            + ":" + Format.padded(Int(parts.tm_min), 2) + ":" + Format.padded(Int(parts.tm_sec), 2)
        if let millis { text += "." + Format.padded(millis, 3) }
        let offset = Int(parts.tm_gmtoff)
        let magnitude = abs(offset)
        text += (offset < 0 ? "-" : "+") + Format.padded(magnitude / 3600, 2) + ":" + Format.padded(magnitude / 60 % 60, 2)
        return text
    }
}
