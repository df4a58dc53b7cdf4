import SkeinYAML
/// One problem found while reading or validating: where, what, and what would fix it.
public struct Diagnostic: Sendable, Equatable, Codable {
    public enum Severity: String, Sendable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    /// A stable, greppable identifier of the kind of problem (`duplicate-job-id`).
    public var code: String
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var hint: String?

    public init(
        _ severity: Severity, code: String, file: String, at mark: SourceMark,
        _ message: String, hint: String? = nil
    ) {
        self.severity = severity
        self.code = code
        self.file = file
        self.line = mark.line
        self.column = mark.column
        self.message = message
        self.hint = hint
    }

    public var mark: SourceMark { SourceMark(line: line, column: column) }
}

extension Array where Element == Diagnostic {
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Diagnostics in reading order: by file, then position, errors before warnings.
    public func sortedForDisplay() -> [Diagnostic] {
        enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.file != y.file { return x.file < y.file }
            if x.line != y.line { return x.line < y.line }
            if x.column != y.column { return x.column < y.column }
            return a.offset < b.offset
        }.map(\.element)
    }
}
