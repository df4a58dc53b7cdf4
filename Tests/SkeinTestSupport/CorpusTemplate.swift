import Foundation

/// Hostile-input cases that need huge or binary files (a 200 KB line, 100,000 nested
/// sequences, invalid UTF-8, NUL bytes, a BOM) keep a small readable template in the
/// repository, `NAME.in`, expanded to `NAME` when a test copies the case:
///
///     name: {{repeat 5000 a}}
///     metadata: {deep: {{repeat 150 [}}{{repeat 150 ]}}}
///     {{repeat 1 \xEF\xBB\xBF}}pegasus: 5.0.4
///
/// `{{repeat COUNT TEXT}}` writes TEXT COUNT times; TEXT runs to the next `}}` and may use
/// `\n`, `\r`, `\t`, `\\`, `\}`, `\xHH` (one raw byte, so invalid UTF-8 and NUL can be
/// written) and `\u{HHHH}` (a character as UTF-8).
public enum CorpusTemplate {
    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    public static func expand(_ template: Data) throws -> Data {
        let bytes = [UInt8](template)
        var out = Data()
        out.reserveCapacity(bytes.count)
        var i = 0
        let open = Array("{{repeat ".utf8)
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "{"), bytes[i...].starts(with: open) else {
                out.append(bytes[i])
                i += 1
                continue
            }
            i += open.count
            var count = 0
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
                count = count * 10 + Int(bytes[i] - 48)
                i += 1
            }
            guard i < bytes.count, bytes[i] == UInt8(ascii: " ") else { throw Malformed(description: "expected a space after the count at byte \(i)") }
            i += 1
            var text: [UInt8] = []
            while true {
                guard i < bytes.count else { throw Malformed(description: "unclosed {{repeat") }
                let b = bytes[i]
                if b == UInt8(ascii: "}"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "}") {
                    i += 2
                    break
                }
                if b == UInt8(ascii: "\\"), i + 1 < bytes.count {
                    let (decoded, used) = try escape(bytes, at: i + 1)
                    text += decoded
                    i += 1 + used
                    continue
                }
                text.append(b)
                i += 1
            }
            for _ in 0..<count { out.append(contentsOf: text) }
        }
        return out
    }

    /// The bytes of the escape after a backslash at `at`, and how many bytes it used.
    private static func escape(_ bytes: [UInt8], at i: Int) throws -> ([UInt8], Int) {
        switch bytes[i] {
        case UInt8(ascii: "n"): return ([10], 1)
        case UInt8(ascii: "r"): return ([13], 1)
        case UInt8(ascii: "t"): return ([9], 1)
        case UInt8(ascii: "x"):
            guard i + 2 < bytes.count, let v = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) else {
                throw Malformed(description: "\\x needs two hexadecimal digits at byte \(i)")
            }
            return ([v], 3)
        case UInt8(ascii: "u"):
            guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "{"), let close = bytes[(i + 2)...].firstIndex(of: UInt8(ascii: "}")),
                  let v = UInt32(String(decoding: bytes[(i + 2)..<close], as: UTF8.self), radix: 16), let scalar = Unicode.Scalar(v) else {
                throw Malformed(description: "\\u needs {HEX} at byte \(i)")
            }
            return (Array(String(Character(scalar)).utf8), close - i + 1)
        default: return ([bytes[i]], 1)
        }
    }

    /// Copies a case folder to `destination`, expanding every `*.in` template.
    public static func materialize(_ folder: URL, into destination: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: destination, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: folder.path) {
            let source = folder.appendingPathComponent(name)
            if name.hasSuffix(".in") {
                let target = destination.appendingPathComponent(String(name.dropLast(3)))
                try expand(Data(contentsOf: source)).write(to: target)
            } else {
                try fm.copyItem(at: source, to: destination.appendingPathComponent(name))
            }
        }
    }
}
