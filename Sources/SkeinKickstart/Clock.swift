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
        var bytes: [UInt8] = []
        appendISOMillis(epoch, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `2023-01-05T13:20:48+00:00`: the form of file times (mtime, atime, ctime).
    public static func isoSeconds(_ epoch: Int) -> String {
        var bytes: [UInt8] = []
        appendISO(seconds: epoch, millis: nil, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `isoMillis`, appended to a record's bytes.
    static func appendISOMillis(_ epoch: Double, to bytes: inout [UInt8]) {
        let micros = Int64((epoch * 1_000_000).rounded())
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 { fraction += 1_000_000; seconds -= 1 }
        appendISO(seconds: Int(seconds), millis: Int(fraction / 1000), to: &bytes)
    }

    /// Built in one byte buffer: a record has a dozen of these (three per file), and the
    /// piecewise string concatenation was a visible share of a local job's cost.
    static func appendISO(seconds: Int, millis: Int?, to bytes: inout [UInt8]) {
        var t = time_t(seconds)
        var parts = tm()
        localtime_r(&t, &parts)
        // printf's %0Nd: at least `width` digits, zeros in front.
        func digits(_ value: Int, _ width: Int) {
            guard value >= 0 else { bytes += Format.padded(value, width).utf8; return }
            var power = 1, count = 1
            while power <= value / 10 { power *= 10; count += 1 }
            if count < width { bytes += repeatElement(UInt8(48), count: width - count) }
            var rest = value
            while power > 0 {
                bytes.append(UInt8(48 + rest / power))
                rest %= power
                power /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        bytes.append(45)  // -
        digits(Int(parts.tm_mon) + 1, 2)
        bytes.append(45)
        digits(Int(parts.tm_mday), 2)
        bytes.append(84)  // T
        digits(Int(parts.tm_hour), 2)
        bytes.append(58)  // :
        digits(Int(parts.tm_min), 2)
        bytes.append(58)
        digits(Int(parts.tm_sec), 2)
        if let millis {
            bytes.append(46)  // .
            digits(millis, 3)
        }
        let offset = Int(parts.tm_gmtoff)
        let magnitude = abs(offset)
        bytes.append(offset < 0 ? 45 : 43)  // - or +
        digits(magnitude / 3600, 2)
        bytes.append(58)
        digits(magnitude / 60 % 60, 2)
    }
}
