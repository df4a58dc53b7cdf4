import SkeinYAML
/// A value with the position it was written at, for lists whose items can each be wrong
/// (`requires:` entries). Equality ignores the position, like every `SourceMark`.
public struct Located<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    public var mark: SourceMark

    public init(_ value: Value, mark: SourceMark = .none) {
        self.value = value
        self.mark = mark
    }
}

extension Located: ExpressibleByUnicodeScalarLiteral, ExpressibleByExtendedGraphemeClusterLiteral, ExpressibleByStringLiteral where Value == String {
    public init(stringLiteral value: String) { self.init(value) }
}
