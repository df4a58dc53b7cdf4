import SkeinYAML
/// Gathers every problem of one pass so users see all of them at once, not just the first.
public struct DiagnosticCollector: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []
    public let file: String

    public init(file: String) { self.file = file }

    public mutating func error(
        _ code: String, at mark: SourceMark, _ message: String, hint: String? = nil
    ) {
        diagnostics.append(Diagnostic(.error, code: code, file: file, at: mark, message, hint: hint))
    }

    public mutating func warning(
        _ code: String, at mark: SourceMark, _ message: String, hint: String? = nil
    ) {
        diagnostics.append(Diagnostic(.warning, code: code, file: file, at: mark, message, hint: hint))
    }

    public mutating func append(contentsOf other: [Diagnostic]) {
        diagnostics.append(contentsOf: other)
    }
}
