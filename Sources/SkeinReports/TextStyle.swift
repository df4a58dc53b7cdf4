import Foundation

/// How text reports may decorate their output: ANSI colours (only on a terminal, never with
/// NO_COLOR; the CLI decides), Unicode drawing characters, and the terminal width.
public struct TextStyle: Sendable, Equatable {
    public var color: Bool
    public var unicode: Bool
    /// Show progress bars (the CLI turns them on only when stdout is a terminal).
    public var progressBar: Bool
    public var width: Int

    public init(color: Bool = false, unicode: Bool = false, progressBar: Bool = false, width: Int = 80) {
        self.color = color; self.unicode = unicode; self.progressBar = progressBar; self.width = width
    }

    public static let plain = TextStyle()

    func bold(_ s: String) -> String { wrap(s, "1") }
    func red(_ s: String) -> String { wrap(s, "1;31") }
    func yellow(_ s: String) -> String { wrap(s, "33") }
    func green(_ s: String) -> String { wrap(s, "32") }
    func cyan(_ s: String) -> String { wrap(s, "36") }
    func dim(_ s: String) -> String { wrap(s, "2") }

    private func wrap(_ s: String, _ code: String) -> String { color && !s.isEmpty ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    /// A state word in its colour.
    func state(_ s: String) -> String {
        switch s.lowercased() {
        case "success", "succeeded", "done": return green(s)
        case "failure", "failed", "futile": return red(s)
        case "running", "queued", "pre", "post", "held", "retrying": return yellow(s)
        case let x where x.hasPrefix("stopped") || x.hasPrefix("halted") || x == "interrupted": return yellow(s)
        default: return s
        }
    }
}
