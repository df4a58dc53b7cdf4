/// A key press, a mouse event or a resize, as the backends report them.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    /// A printable character (including space).
    case char(Character)
    /// Ctrl and a letter, given lower-case (`ctrl("d")`).
    case ctrl(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)
    /// Alt (Meta) with a key: the terminal sends ESC and the key. No binding uses it, so it
    /// is one ignored key, never Esc followed by the key.
    case alt(Character)
    /// An escape sequence the terminal sent that no key here means (as `^[[1;5P`): ignored
    /// as one key.
    case unrecognized(String)
    case mouse(MouseEvent)
    /// The terminal changed size (the backend knows the new one).
    case resize

    /// How help and the footer name the key.
    public var description: String {
        switch self {
        case .char(" "): return "space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "Ctrl-" + String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .function(let n): return "F\(n)"
        case .alt(let c): return "Alt-" + String(c)
        case .unrecognized(let sequence): return "^[" + sequence
        case .mouse: return "mouse"
        case .resize: return "resize"
        }
    }

    /// The same name in ASCII (arrows spelled out).
    public var asciiDescription: String {
        switch self {
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        default: return description
        }
    }
}

public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case press, release, wheelUp, wheelDown }
    public var kind: Kind
    public var x: Int
    public var y: Int
    public init(_ kind: Kind, x: Int, y: Int) { self.kind = kind; self.x = x; self.y = y }
}
