/// A YAML document as a light tree that remembers where each value was written.
///
/// Skein builds this tree itself from libyaml's events instead of going through a general
/// YAML library: a 100,000-job workflow is millions of scalars, and a tree of plain value
/// types with positions is several times faster to build than a general one (see
/// docs/ARCHITECTURE.md, "YAML").
public enum YAMLNode: Sendable, Equatable {
    case scalar(YAMLScalar)
    case sequence(YAMLSequence)
    case mapping(YAMLMapping)

    public var mark: SourceMark {
        switch self {
        case .scalar(let s): return s.mark
        case .sequence(let s): return s.mark
        case .mapping(let m): return m.mark
        }
    }

    /// The word users know for this kind of value, for error messages.
    public var kindName: String {
        switch self {
        case .scalar(let s): return s.isNull ? "null" : "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

public struct YAMLScalar: Sendable, Equatable {
    public enum Style: Sendable, Equatable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public var value: String
    public var style: Style
    public var mark: SourceMark

    public init(_ value: String, style: Style = .plain, mark: SourceMark = .none) {
        self.value = value
        self.style = style
        self.mark = mark
    }

    /// A plain `~`, `null` or empty value: YAML's null, which Pegasus treats as absent.
    public var isNull: Bool {
        style == .plain && (value.isEmpty || value == "~" || value == "null" || value == "Null" || value == "NULL")
    }

    /// Equality ignores how a scalar was quoted: `'3'` and `"3"` are the same string.
    public static func == (lhs: YAMLScalar, rhs: YAMLScalar) -> Bool { lhs.value == rhs.value }
}

public struct YAMLSequence: Sendable, Equatable {
    public var items: [YAMLNode]
    public var mark: SourceMark

    public init(_ items: [YAMLNode], mark: SourceMark = .none) {
        self.items = items
        self.mark = mark
    }
}

public struct YAMLMapping: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: YAMLScalar
        public var value: YAMLNode

        public init(key: YAMLScalar, value: YAMLNode) {
            self.key = key
            self.value = value
        }
    }

    public var entries: [Entry]
    public var mark: SourceMark

    public init(_ entries: [Entry], mark: SourceMark = .none) {
        self.entries = entries
        self.mark = mark
    }

    /// The first value of `key`. Lengths are compared first: they are read without looking at
    /// the bytes, and most keys of a mapping differ from the one asked for in length.
    public subscript(key: String) -> YAMLNode? {
        let length = key.utf8.count
        return entries.first { $0.key.value.utf8.count == length && $0.key.value == key }?.value
    }
}
