import Foundation

/// A terminal in memory for measuring the real application loop (`TUIApplication.run`) from
/// another thread: keys are typed into it with the time they were typed, frames it is shown
/// are kept as text with the time they were shown. Unlike `MemoryBackend` (tests drive the
/// model directly), `readKey` waits as a terminal does, so the loop runs as it would for a
/// user, its data queue and background searches included.
public final class ScriptedBackend: TerminalBackend, @unchecked Sendable {
    public let width: Int
    public let height: Int
    public let colorCount = 256
    public let isUTF8 = true
    public var pendingSignal: Int32? { lock.lock(); defer { lock.unlock() }; return signal }

    private let lock = NSLock()
    private let keyReady = DispatchSemaphore(value: 0)
    private var keys: [(Key, Date)] = []
    private var signal: Int32?
    private var frameText = ""
    private var frameTime = Date.distantPast
    private var frameCount = 0
    private var previous: CellBuffer?
    private var consumed = Date.distantPast
    private var watch: ((String) -> Bool)?
    private var watchHit: Date?

    public init(width: Int, height: Int) { self.width = width; self.height = height }

    public func start() throws {}
    public func stop() {}
    public func invalidate() { previous = nil }
    public func suspend(_ body: () -> Void) { body() }
    public func copyToClipboard(_ text: String) {}

    public func present(_ buffer: CellBuffer) {
        _ = buffer.changes(since: previous)  // the diff a terminal backend computes
        previous = buffer
        let text = buffer.text
        lock.lock()
        frameText = text
        frameTime = Date()
        frameCount += 1
        if watchHit == nil, let watch, watch(text) { watchHit = frameTime }
        lock.unlock()
    }

    public func readKey(timeout: Double) -> Key? {
        lock.lock()
        if !keys.isEmpty { consumed = Date(); let k = keys.removeFirst().0; lock.unlock(); return k }
        lock.unlock()
        guard timeout > 0, keyReady.wait(timeout: .now() + timeout) == .success else { return nil }
        lock.lock(); defer { lock.unlock() }
        if keys.isEmpty { return nil }
        consumed = Date()
        return keys.removeFirst().0
    }

    // MARK: from the measuring thread

    /// Types keys; returns when they were typed.
    @discardableResult
    public func type(_ typed: [Key]) -> Date {
        let now = Date()
        lock.lock()
        keys.append(contentsOf: typed.map { ($0, now) })
        lock.unlock()
        for _ in typed { keyReady.signal() }
        return now
    }

    public func type(_ text: String) { type(text.map { Key.char($0) }) }

    /// Types one key and waits for the frame drawn after the loop took it: the time a user
    /// waits for the screen to answer (nil: no answer within `timeout`).
    public func press(_ key: Key, timeout: Double = 2) -> Double? {
        let typed = type([key])
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            lock.lock()
            let taken = keys.isEmpty && consumed >= typed
            let shown = frameTime
            let taking = consumed
            lock.unlock()
            if taken && shown > taking { return shown.timeIntervalSince(typed) }
            usleep(200)
        }
        return nil
    }

    /// From now on, notes the time of the first frame that satisfies `ok`.
    public func watch(_ ok: @escaping (String) -> Bool) {
        lock.lock(); watch = ok; watchHit = nil; lock.unlock()
    }

    /// When a frame first satisfied the watch, if one has.
    public var watched: Date? { lock.lock(); defer { lock.unlock() }; return watchHit }

    /// Ends the application's loop (as SIGTERM would).
    public func terminate() { lock.lock(); signal = 15; lock.unlock() }

    /// The last frame, when it was shown, and how many frames so far.
    public var frame: (text: String, time: Date, count: Int) {
        lock.lock(); defer { lock.unlock() }
        return (frameText, frameTime, frameCount)
    }

    /// Waits until a frame shown after `since` satisfies `ok`; returns when it was shown.
    public func waitForFrame(after since: Date = .distantPast, timeout: Double, _ ok: (String) -> Bool) -> Date? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let f = frame
            if f.time > since && ok(f.text) { return f.time }
            usleep(1000)
        }
        return nil
    }
}
