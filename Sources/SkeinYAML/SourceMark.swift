/// A 1-based line and column in a source file, as editors and compilers show them.
///
/// Every mark compares equal to every other: a position says where a value came from,
/// not what it is, so a model that is written out and read back stays equal to itself.
///
/// Stored as two 32-bit numbers (8 bytes, not 16): a million-job workflow holds tens of
/// millions of marks (every scalar of the tree, every job and file use), and no text file
/// Skein reads has 4 billion lines or columns. Values beyond that are clamped.
public struct SourceMark: Sendable, Hashable, CustomStringConvertible {
    private var storedLine: UInt32
    private var storedColumn: UInt32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    public init(line: Int, column: Int) {
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
    }

    /// The mark of values that were built in code rather than read from a file.
    public static let none = SourceMark(line: 0, column: 0)

    public var description: String { "\(line):\(column)" }

    public static func == (lhs: SourceMark, rhs: SourceMark) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}
