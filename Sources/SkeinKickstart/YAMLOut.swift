/// The bytes of a record as it is being written: every line appended in place to one buffer
/// reserved up front. The record used to be built from String pieces (`pad + key + ": " +
/// value + "\n"`, each block a String of its own joined into the next), which made temporary
/// strings per line: a fifth of the engine's own CPU per local job (issue 15).
struct YAMLOut {
    var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// What `body` writes, as a String (one block of a record on its own, for tests).
    static func string(_ body: (inout YAMLOut) -> Void) -> String {
        var out = YAMLOut(capacity: 256)
        body(&out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Text known at compile time (keys, punctuation).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Text as it is, no quoting (numbers already formatted, checked plain scalars).
    mutating func text(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func spaces(_ count: Int) {
        if count > 0 { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count)) }
    }

    mutating func newline() { bytes.append(UInt8(ascii: "\n")) }

    /// `value` in decimal, as `String(value)` writes it.
    mutating func int<T: BinaryInteger>(_ value: T) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            // The magnitude of the most negative value does not fit in T: through its String.
            guard let positive = Int64(exactly: value).flatMap({ $0 == .min ? nil : -$0 }) else { return text(String(String(value).dropFirst())) }
            return digits(UInt64(positive))
        }
        guard let unsigned = UInt64(exactly: value) else { return text(String(value)) }
        digits(unsigned)
    }

    private mutating func digits(_ value: UInt64) {
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: UInt64.max has 20 digits
        withUnsafeMutableBytes(of: &scratch) { buffer in
            var at = buffer.count
            var rest = value
            repeat {
                at -= 1
                buffer[at] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[at...]))
        }
    }

    /// `pad` spaces, then `key: `: the start of most lines of a record.
    mutating func key(_ pad: Int, _ key: StaticString) {
        spaces(pad)
        raw(key)
        raw(": ")
    }

    /// `pad` spaces, `key: `, the number, a line break.
    mutating func line<T: BinaryInteger>(_ pad: Int, _ key: StaticString, int value: T) {
        self.key(pad, key)
        int(value)
        newline()
    }

    /// `value` as a plain scalar when that reads back the same, else double-quoted.
    mutating func plain(_ value: String) {
        if YAMLText.isPlainSafe(value) { text(value) } else { quoted(value) }
    }

    /// `value` double-quoted with YAML's escapes (`YAMLText.quoted`); printable ASCII without
    /// quotes or backslashes, most of what a record quotes, is copied as it is.
    mutating func quoted(_ value: String) {
        var value = value
        let simple = value.withUTF8 { utf8 -> Bool in
            for byte in utf8 where byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if !simple { text(YAMLText.quoted(value)) }
    }

    /// printf's `%.Nf` (`Format.fixed`).
    mutating func fixed(_ value: Double, _ decimals: Int) {
        text(Format.fixed(value, decimals))
    }
}
