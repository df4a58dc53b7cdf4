#if canImport(Glibc)
import Glibc
#endif
@preconcurrency import CNcursesw
import Foundation

/// The signal that asked the TUI to stop (0: none). Written by the signal handler only.
nonisolated(unsafe) private var terminationSignal: Int32 = 0

/// The real terminal, through ncursesw. The only file that touches ncurses: it sets up the
/// terminal (locale, cbreak, no echo, keypad, mouse, colours), writes only the cells that
/// changed since the last frame, reads keys, follows resizes (SIGWINCH arrives as
/// KEY_RESIZE), and restores the terminal with endwin on exit, on SIGINT / SIGTERM / SIGHUP
/// and on a crash.
public final class NcursesBackend: TerminalBackend {
    public private(set) var width = 80
    public private(set) var height = 24
    public private(set) var colorCount = 0
    public private(set) var isUTF8 = false
    private let mouse: Bool
    private var previous: CellBuffer?
    private var pairs: [Int32: Int16] = [:]
    private var nextPair: Int32 = 1
    private var maxPairs: Int32 = 0
    private var running = false

    // ncurses constants that are C macros Swift cannot import (checked against ncurses 6.4).
    static let attrBold: attr_t = 0x0020_0000
    static let attrDim: attr_t = 0x0010_0000
    static let attrUnderline: attr_t = 0x0002_0000
    static let attrReverse: attr_t = 0x0004_0000
    static let attrItalic: attr_t = 0x8000_0000
    static let button1Pressed: mmask_t = 0x2
    static let button1Released: mmask_t = 0x1
    static let button1Clicked: mmask_t = 0x4
    static let button4Pressed: mmask_t = 0x1_0000
    static let button5Pressed: mmask_t = 0x20_0000

    public init(mouse: Bool = true) { self.mouse = mouse }

    public var pendingSignal: Int32? { terminationSignal == 0 ? nil : terminationSignal }

    public func start() throws {
        setlocale(LC_ALL, "")
        isUTF8 = String(cString: nl_langinfo(nl_item(CODESET))).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw TUIError("skein tui needs a terminal (stdin and stdout)") }
        // newterm, not initscr: initscr exits the process when TERM is unknown.
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb", let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r"),
              let screen = newterm(nil, output, input) else {
            throw TUIError("cannot drive this terminal (TERM=\(term.isEmpty ? "unset" : term)); for scripts use `skein status`")
        }
        set_term(screen)
        running = true
        installSignalHandlers()
        cbreak()
        noecho()
        nonl()
        keypad(stdscr, true)
        intrflush(stdscr, false)
        set_escdelay(25)
        curs_set(0)
        if has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(COLORS)
            maxPairs = min(COLOR_PAIRS, 32767)
        }
        if mouse {
            mousemask(Self.button1Pressed | Self.button1Released | Self.button1Clicked | Self.button4Pressed | Self.button5Pressed, nil)
            mouseinterval(0)
        }
        updateSize()
    }

    public func stop() {
        guard running else { return }
        running = false
        curs_set(1)
        endwin()
        for s in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] { signal(s, SIG_DFL) }
    }

    private func installSignalHandlers() {
        for s in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            signal(s) { sig in
                // The loop restores the terminal and exits; a second signal does it at once.
                if terminationSignal != 0 { endwin(); _exit(128 + sig) }
                terminationSignal = sig
            }
        }
        for s in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            signal(s) { sig in
                // A crash: give the terminal back before dying.
                endwin()
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }

    private func updateSize() {
        height = max(1, Int(getmaxy(stdscr)))
        width = max(1, Int(getmaxx(stdscr)))
    }

    public func invalidate() {
        previous = nil
    }

    /// OSC 52 straight to the terminal, between frames (ncurses has flushed its own output).
    public func copyToClipboard(_ text: String) {
        let sequence = "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
        let bytes = Array(sequence.utf8)
        _ = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    /// Leaves curses mode for `body` (the pager owns the terminal) and comes back with a full
    /// redraw. Ctrl-C meanwhile is the pager's, not a reason for the TUI to quit.
    public func suspend(_ body: () -> Void) {
        guard running else { body(); return }
        def_prog_mode()
        endwin()
        signal(SIGINT, SIG_IGN)
        body()
        installSignalHandlers()
        reset_prog_mode()
        previous = nil
        clearok(stdscr, true)
        wrefresh(stdscr)
    }

    public func present(_ buffer: CellBuffer) {
        guard running else { return }
        let full = previous == nil || previous?.width != buffer.width || previous?.height != buffer.height
        if full { clearok(stdscr, true) }
        var cc = cchar_t()
        var chars = [wchar_t](repeating: 0, count: 8)
        for span in buffer.changes(since: full ? nil : previous) {
            wmove(stdscr, Int32(span.y), Int32(span.x))
            var x = span.x
            while x < span.end {
                let cell = buffer[x, span.y]
                if cell.width == 0 { x += 1; continue }
                var n = 0
                for s in cell.character.unicodeScalars {
                    if n >= 5 { break }
                    chars[n] = wchar_t(bitPattern: s.value)
                    n += 1
                }
                chars[n] = 0
                let pair = pairNumber(cell.style)
                setcchar(&cc, chars, attributes(cell.style), pair, nil)
                if cell.width == 2 { wmove(stdscr, Int32(span.y), Int32(x)) }
                wadd_wch(stdscr, &cc)
                x += Int(cell.width)
                if cell.width == 2 { wmove(stdscr, Int32(span.y), Int32(x)) }
            }
        }
        wnoutrefresh(stdscr)
        doupdate()
        previous = buffer
    }

    private func attributes(_ style: Style) -> attr_t {
        var a: attr_t = 0
        let t = style.attributes
        if t.contains(.bold) { a |= Self.attrBold }
        if t.contains(.dim) { a |= Self.attrDim }
        if t.contains(.underline) { a |= Self.attrUnderline }
        if t.contains(.reverse) { a |= Self.attrReverse }
        if t.contains(.italic) { a |= Self.attrItalic }
        return a
    }

    private func clampColor(_ c: TermColor) -> Int16 {
        if c.isDefault { return -1 }
        if Int(c.index) < colorCount { return c.index }
        return c.basic.index
    }

    /// The colour pair for a style's colours, allocated on first use.
    private func pairNumber(_ style: Style) -> Int16 {
        guard colorCount > 0, !(style.fg.isDefault && style.bg.isDefault) else { return 0 }
        let fg = clampColor(style.fg), bg = clampColor(style.bg)
        let key = (Int32(fg) + 1) << 16 | (Int32(bg) + 1)
        if let p = pairs[key] { return p }
        guard nextPair < maxPairs else { return 0 }
        let p = Int16(nextPair)
        nextPair += 1
        init_pair(p, fg, bg)
        pairs[key] = p
        return p
    }

    public func readKey(timeout: Double) -> Key? {
        guard running else { return nil }
        wtimeout(stdscr, Int32(max(0, timeout * 1000)))
        var ch: wint_t = 0
        let r = wget_wch(stdscr, &ch)
        if r == KEY_CODE_YES {
            return functionKey(Int32(ch))
        }
        guard r == OK else { return nil }
        switch ch {
        case 10, 13: return .enter
        case 9: return .tab
        case 27: return escapeSequence()
        case 127, 8: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(ch) + 96)))
        case 0..<32: return nil
        default:
            guard let s = Unicode.Scalar(ch) else { return nil }
            return .char(Character(s))
        }
    }

    /// ESC and whatever arrived with it, as one key (`EscapeSequence`): ncurses has already
    /// waited ESCDELAY for a sequence it knows, so the rest of one is in its buffer now.
    private func escapeSequence() -> Key {
        var reader = EscapeSequence()
        wtimeout(stdscr, 0)
        while true {
            var ch: wint_t = 0
            let r = wget_wch(stdscr, &ch)
            if r == KEY_CODE_YES {
                // A key ncurses knows right after ESC (Alt-arrow on some terminals): one key, ignored.
                if Int32(ch) == KEY_RESIZE { updateSize(); previous = nil; return .resize }
                return .unrecognized("(\(ch))")
            }
            guard r == OK, let scalar = Unicode.Scalar(ch) else { return reader.end() }
            if case .key(let key) = reader.feed(scalar) { return key }
        }
    }

    private func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_NPAGE: return .pageDown
        case KEY_PPAGE: return .pageUp
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case KEY_RESIZE:
            updateSize()
            previous = nil
            return .resize
        case KEY_MOUSE:
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            let x = Int(event.x), y = Int(event.y)
            if event.bstate & Self.button4Pressed != 0 { return .mouse(MouseEvent(.wheelUp, x: x, y: y)) }
            if event.bstate & Self.button5Pressed != 0 { return .mouse(MouseEvent(.wheelDown, x: x, y: y)) }
            if event.bstate & (Self.button1Pressed | Self.button1Clicked) != 0 { return .mouse(MouseEvent(.press, x: x, y: y)) }
            if event.bstate & Self.button1Released != 0 { return .mouse(MouseEvent(.release, x: x, y: y)) }
            return nil
        default:
            if code >= KEY_F0 && code <= KEY_F0 + 12 { return .function(Int(code - KEY_F0)) }
            return nil
        }
    }
}
