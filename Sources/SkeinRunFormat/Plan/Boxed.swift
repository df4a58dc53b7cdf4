/// A rarely set value kept out of line: one pointer in the struct instead of the value.
///
/// Why: `ExecutableJob` held its container, sandbox and sub-workflow inline, about 300 bytes
/// of a job's 700 even when all three are nil; at a million jobs that was 300 MB of the
/// engine's memory (issue 15). Coded as the optional value itself (nil: the key is left
/// out), so plan.json does not change.
@propertyWrapper
public struct Boxed<Wrapped: Sendable>: Sendable {
    private final class Storage: Sendable {
        let value: Wrapped
        init(_ value: Wrapped) { self.value = value }
    }

    private var storage: Storage?

    public init(wrappedValue: Wrapped?) { storage = wrappedValue.map(Storage.init) }

    public var wrappedValue: Wrapped? {
        get { storage?.value }
        set { storage = newValue.map(Storage.init) }
    }
}

extension Boxed: Equatable where Wrapped: Equatable {
    public static func == (a: Boxed, b: Boxed) -> Bool { a.wrappedValue == b.wrappedValue }
}

extension Boxed: Encodable where Wrapped: Encodable {
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

extension Boxed: Decodable where Wrapped: Decodable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(wrappedValue: container.decodeNil() ? nil : try container.decode(Wrapped.self))
    }
}

extension KeyedEncodingContainer {
    /// A nil boxed value leaves its key out, as a plain optional does.
    public mutating func encode<Wrapped: Encodable>(_ value: Boxed<Wrapped>, forKey key: Key) throws {
        try encodeIfPresent(value.wrappedValue, forKey: key)
    }
}

extension KeyedDecodingContainer {
    /// A missing key is a nil boxed value, as for a plain optional.
    public func decode<Wrapped: Decodable>(_ type: Boxed<Wrapped>.Type, forKey key: Key) throws -> Boxed<Wrapped> {
        Boxed(wrappedValue: try decodeIfPresent(Wrapped.self, forKey: key))
    }
}
