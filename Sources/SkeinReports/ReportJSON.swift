import Foundation

/// The JSON form of every report (`--json`). A small streaming `Encoder` writes straight
/// into a byte buffer: a 100,000-job report is tens of megabytes, which Foundation's
/// JSONEncoder (it builds a tree of boxed values first) takes seconds to write. Keys come in
/// declaration order, which is stable; nil optionals are left out, as JSONEncoder does.
public enum ReportJSON {
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        String(decoding: try data(value, pretty: pretty), as: UTF8.self)
    }

    public static func data<T: Encodable>(_ value: T, pretty: Bool = true) throws -> [UInt8] {
        let writer = JSONWriter(pretty: pretty)
        try writer.encodeValue(value, depth: 0)
        return writer.bytes
    }
}

final class JSONWriter {
    var bytes: [UInt8] = []
    let pretty: Bool

    init(pretty: Bool) {
        self.pretty = pretty
        bytes.reserveCapacity(1 << 16)
    }

    @inline(__always) func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always) func newline(_ depth: Int) {
        guard pretty else { return }
        bytes.append(0x0A)
        if depth > 0 { bytes.append(contentsOf: repeatElement(0x20, count: 2 * depth)) }
    }

    /// A key: Skein's keys are plain identifiers, written without escaping.
    @inline(__always) func plainKey(_ k: String) {
        bytes.append(0x22)
        var k = k
        k.withUTF8 { bytes.append(contentsOf: $0) }
        bytes.append(0x22)
    }

    func string(_ s: String) {
        bytes.append(0x22)
        var s = s
        s.withUTF8 { buf in
            var start = 0
            for i in 0..<buf.count {
                let c = buf[i]
                if c == 0x22 || c == 0x5C || c < 0x20 {
                    if i > start { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i])) }
                    switch c {
                    case 0x22: raw("\\\"")
                    case 0x5C: raw("\\\\")
                    case 0x0A: raw("\\n")
                    case 0x0D: raw("\\r")
                    case 0x09: raw("\\t")
                    default:
                        let hex: [UInt8] = Array("0123456789abcdef".utf8)
                        raw("\\u00")
                        bytes.append(hex[Int(c >> 4)]); bytes.append(hex[Int(c & 15)])
                    }
                    start = i + 1
                }
            }
            if start < buf.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<buf.count])) }
        }
        bytes.append(0x22)
    }

    func int<I: BinaryInteger>(_ v: I) { bytes.append(contentsOf: String(v).utf8) }

    func double(_ v: Double) {
        if v.isNaN || v.isInfinite { raw("null"); return }
        if v == v.rounded(), abs(v) < 1e15 { int(Int64(v)); return }
        bytes.append(contentsOf: v.description.utf8)
    }

    func bool(_ v: Bool) { v ? raw("true") : raw("false") }

    /// Encodes any value at `depth`: scalars directly, the rest through `Encodable`.
    func encodeValue<T: Encodable>(_ value: T, depth: Int) throws {
        switch value {
        case let v as String: string(v)
        case let v as Int: int(v)
        case let v as Int32: int(v)
        case let v as Int64: int(v)
        case let v as Double: double(v)
        case let v as Bool: bool(v)
        default:
            let encoder = JSONStreamEncoder(writer: self, depth: depth)
            try value.encode(to: encoder)
            encoder.close()
        }
    }
}

/// One level of encoding: opens at most one container, closed by `close()` once the value's
/// `encode(to:)` has returned.
final class JSONStreamEncoder: Encoder {
    enum Open { case none, object, array, single }
    let writer: JSONWriter
    let depth: Int
    var open: Open = .none
    var count = 0
    var codingPath: [CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    init(writer: JSONWriter, depth: Int) { self.writer = writer; self.depth = depth }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if open == .none { open = .object; writer.bytes.append(0x7B) }
        return KeyedEncodingContainer(Keyed<Key>(encoder: self))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        if open == .none { open = .array; writer.bytes.append(0x5B) }
        return Unkeyed(encoder: self)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        if open == .none { open = .single }
        return Single(encoder: self)
    }

    func close() {
        switch open {
        case .object: if count > 0 { writer.newline(depth) }; writer.bytes.append(0x7D)
        case .array: if count > 0 { writer.newline(depth) }; writer.bytes.append(0x5D)
        case .single: break
        case .none: writer.raw("null")
        }
    }

    func nextElement() {
        if count > 0 { writer.bytes.append(0x2C) }
        count += 1
        writer.newline(depth + 1)
    }

    func key(_ k: String) {
        nextElement()
        writer.plainKey(k)
        writer.bytes.append(0x3A)
        if writer.pretty { writer.bytes.append(0x20) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: JSONStreamEncoder
        var codingPath: [CodingKey] { [] }
        mutating func encodeNil(forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.raw("null") }
        mutating func encode(_ value: Bool, forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.bool(value) }
        mutating func encode(_ value: String, forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.string(value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.double(value) }
        mutating func encode(_ value: Float, forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.double(Double(value)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.int(value) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.int(value) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.int(value) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.int(value) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.int(value) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.int(value) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.int(value) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.int(value) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.int(value) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { encoder.key(key.stringValue); encoder.writer.int(value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            encoder.key(key.stringValue)
            try encoder.writer.encodeValue(value, depth: encoder.depth + 1)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            fatalError("nested containers are not used by Skein's reports")
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
            fatalError("nested containers are not used by Skein's reports")
        }
        mutating func superEncoder() -> Encoder { encoder }
        mutating func superEncoder(forKey key: Key) -> Encoder { encoder }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let encoder: JSONStreamEncoder
        var codingPath: [CodingKey] { [] }
        var count: Int { encoder.count }
        mutating func encodeNil() throws { encoder.nextElement(); encoder.writer.raw("null") }
        mutating func encode(_ value: String) throws { encoder.nextElement(); encoder.writer.string(value) }
        mutating func encode(_ value: Int) throws { encoder.nextElement(); encoder.writer.int(value) }
        mutating func encode(_ value: Double) throws { encoder.nextElement(); encoder.writer.double(value) }
        mutating func encode(_ value: Bool) throws { encoder.nextElement(); encoder.writer.bool(value) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.nextElement()
            try encoder.writer.encodeValue(value, depth: encoder.depth + 1)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            fatalError("nested containers are not used by Skein's reports")
        }
        mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
            fatalError("nested containers are not used by Skein's reports")
        }
        mutating func superEncoder() -> Encoder { encoder }
    }

    struct Single: SingleValueEncodingContainer {
        let encoder: JSONStreamEncoder
        var codingPath: [CodingKey] { [] }
        mutating func encodeNil() throws { encoder.writer.raw("null") }
        mutating func encode(_ value: Bool) throws { encoder.writer.bool(value) }
        mutating func encode(_ value: String) throws { encoder.writer.string(value) }
        mutating func encode(_ value: Double) throws { encoder.writer.double(value) }
        mutating func encode(_ value: Float) throws { encoder.writer.double(Double(value)) }
        mutating func encode(_ value: Int) throws { encoder.writer.int(value) }
        mutating func encode(_ value: Int8) throws { encoder.writer.int(value) }
        mutating func encode(_ value: Int16) throws { encoder.writer.int(value) }
        mutating func encode(_ value: Int32) throws { encoder.writer.int(value) }
        mutating func encode(_ value: Int64) throws { encoder.writer.int(value) }
        mutating func encode(_ value: UInt) throws { encoder.writer.int(value) }
        mutating func encode(_ value: UInt8) throws { encoder.writer.int(value) }
        mutating func encode(_ value: UInt16) throws { encoder.writer.int(value) }
        mutating func encode(_ value: UInt32) throws { encoder.writer.int(value) }
        mutating func encode(_ value: UInt64) throws { encoder.writer.int(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try encoder.writer.encodeValue(value, depth: encoder.depth) }
    }
}
