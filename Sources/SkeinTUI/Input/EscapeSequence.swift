/// Reads what follows an ESC byte, so that Alt combinations and escape sequences no one
/// bound become one key, not Esc and then more keys: Alt-Shift-H arrives as ESC `H`, and read
/// as Esc then `H` it went back a screen and halted the run.
///
/// The terminal sends a sequence in one write, so its bytes are all there when the ESC is
/// read; the backend feeds whatever arrives without waiting, and ends when nothing does. A
/// lone ESC (nothing follows) is the Esc key.
public struct EscapeSequence: Sendable {
    public enum Step: Equatable, Sendable {
        /// The sequence goes on: feed the next character, or `end()` if none has arrived.
        case more
        case key(Key)
    }

    private enum Phase { case afterEscape, csi, ss3 }
    private var phase = Phase.afterEscape
    private var text = ""
    /// A CSI longer than this is garbage: stop reading it there.
    static let longest = 32

    public init() {}

    public mutating func feed(_ scalar: Unicode.Scalar) -> Step {
        text.unicodeScalars.append(scalar)
        switch phase {
        case .afterEscape:
            switch scalar {
            case "[": phase = .csi; return .more
            case "O": phase = .ss3; return .more
            default:
                // Alt and a printable key; Alt and a control key is no key we know.
                if scalar.value >= 0x20 && scalar.value != 0x7F { return .key(.alt(Character(scalar))) }
                return .key(.unrecognized(text))
            }
        case .csi:
            // Parameters and intermediates, then one final byte in 0x40...0x7E.
            if (0x40...0x7E).contains(scalar.value) || text.unicodeScalars.count >= Self.longest { return .key(.unrecognized(text)) }
            return .more
        case .ss3:
            return .key(.unrecognized(text))
        }
    }

    /// Nothing more arrived: a lone ESC is the Esc key; ESC `[` alone is Alt-`[`.
    public func end() -> Key {
        switch phase {
        case .afterEscape: return .escape
        case .csi where text == "[": return .alt("[")
        case .ss3 where text == "O": return .alt("O")
        default: return .unrecognized(text)
        }
    }

    /// Decodes ESC followed by `following` (all that arrived with it), as the backend does.
    public static func decode(_ following: String) -> Key {
        var reader = EscapeSequence()
        for s in following.unicodeScalars {
            if case .key(let k) = reader.feed(s) { return k }
        }
        return reader.end()
    }
}
