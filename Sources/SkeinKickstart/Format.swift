/// Number formatting the way pegasus-kickstart's printf calls do it (`%.3f`, `%02d`, `0o%o`),
/// written by hand because this module must not import Foundation (startup cost) and Swift
/// cannot call C's variadic printf family directly.
enum Format {
    /// `value` with exactly `decimals` digits after the point, rounded (printf `%.Nf`).
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var scale: Double = 1
        for _ in 0..<decimals { scale *= 10 }
        let negative = value < 0
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9.0e18 else { return String(value) }
        let units = UInt64(scaled)
        let divisor = UInt64(scale)
        let whole = units / divisor
        var text = (negative && units != 0 ? "-" : "") + String(whole)
        if decimals > 0 {
            text += "." + padded(Int(units % divisor), decimals)
        }
        return text
    }

    /// `value` in decimal, left-padded with zeros to `width` digits (printf `%0Nd`).
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.utf8.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// `value` in octal without prefix (printf `%o`).
    static func octal(_ value: UInt32) -> String {
        String(value, radix: 8)
    }

    /// Lower-case hexadecimal of `bytes`, two digits each.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
