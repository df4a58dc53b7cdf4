/// A 1-based line and column in a source file, as editors and compilers show them.
///
/// Every mark compares equal to every other: a position says where a value came from,
/// not what it is, so a model that is written out and read back stays equal to itself.
public struct SourceMark: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The mark of values that were built in code rather than read from a file.
    public static let none = SourceMark(line: 0, column: 0)

    public var description: String { "\(line):\(column)" }

    public static func == (lhs: SourceMark, rhs: SourceMark) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}
