/// What the application needs from a terminal: its size and abilities, drawing a frame
/// (only the cells that changed), keys. The ncurses backend talks to a real terminal; the
/// in-memory backend records frames as text for tests.
public protocol TerminalBackend: AnyObject {
    var width: Int { get }
    var height: Int { get }
    /// Colours the terminal shows (0: none; then NO_COLOR-like monochrome is used).
    var colorCount: Int { get }
    /// The locale's character set is UTF-8 (else the ASCII glyphs are used).
    var isUTF8: Bool { get }
    func start() throws
    /// Restores the terminal. Safe to call more than once.
    func stop()
    /// Shows a frame, writing only the cells that differ from the last one shown.
    func present(_ buffer: CellBuffer)
    /// The next key, waiting at most `timeout` seconds (0: do not wait).
    func readKey(timeout: Double) -> Key?
    /// Forget the last frame: the next one is written in full (after a resize, Ctrl-L).
    func invalidate()
    /// A termination signal that arrived (SIGINT, SIGTERM, SIGHUP), if any.
    var pendingSignal: Int32? { get }
    /// Gives the terminal to `body` (a pager) and takes it back afterwards, redrawn.
    func suspend(_ body: () -> Void)
    /// Asks the terminal to put `text` on the clipboard (OSC 52); terminals that do not
    /// allow it ignore the request.
    func copyToClipboard(_ text: String)
}

/// A backend in memory: frames become text, keys come from a script. Used by the view
/// tests (snapshots at any size) and by the benchmark.
public final class MemoryBackend: TerminalBackend {
    public private(set) var width: Int
    public private(set) var height: Int
    public var colorCount: Int
    public var isUTF8: Bool
    public private(set) var frame: CellBuffer?
    /// Cells written by the last `present` (the diff), and over all frames.
    public private(set) var lastWrittenCells = 0
    public private(set) var totalWrittenCells = 0
    public private(set) var frames = 0
    public var keys: [Key] = []
    public var pendingSignal: Int32?
    public private(set) var started = false
    public private(set) var stopped = false
    private var previous: CellBuffer?

    public init(width: Int = 80, height: Int = 24, colorCount: Int = 256, isUTF8: Bool = true) {
        self.width = width
        self.height = height
        self.colorCount = colorCount
        self.isUTF8 = isUTF8
    }

    public func start() throws { started = true }
    public func stop() { stopped = true }

    public func present(_ buffer: CellBuffer) {
        let spans = buffer.changes(since: previous)
        lastWrittenCells = spans.reduce(0) { $0 + $1.end - $1.x }
        totalWrittenCells += lastWrittenCells
        frames += 1
        frame = buffer
        previous = buffer
    }

    public func readKey(timeout: Double) -> Key? { keys.isEmpty ? nil : keys.removeFirst() }

    public func invalidate() { previous = nil }

    /// What was sent to the clipboard, last first.
    public private(set) var clipboard: [String] = []
    public func copyToClipboard(_ text: String) { clipboard.insert(text, at: 0) }

    /// How many times the terminal was given away (to a pager).
    public private(set) var suspensions = 0

    public func suspend(_ body: () -> Void) {
        suspensions += 1
        body()
        previous = nil
    }

    /// Changes the size as a terminal resize would, and queues the resize key.
    public func resize(width: Int, height: Int) {
        self.width = width
        self.height = height
        keys.append(.resize)
    }

    /// The last frame as text.
    public var text: String { frame?.text ?? "" }
}
