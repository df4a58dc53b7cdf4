/// Where the engine gets its time and its timers: walltime limits, the kill grace, control
/// polling and retry delays all go through one of these, so tests can run them in virtual
/// time (`VirtualClock`) instead of sleeping, as swift-nio's EmbeddedEventLoop does for
/// event loops. The real one (`DispatchClock`) lives in SkeinEngine.
public protocol EngineClock: AnyObject, Sendable {
    /// Epoch seconds.
    func now() -> Double

    /// Calls `action` once, `delay` seconds from now (at once when `delay <= 0`), unless the
    /// returned timer is cancelled first. The action may run on any thread: callers that own
    /// state hop to their own queue.
    @discardableResult
    func schedule(after delay: Double, _ action: @escaping @Sendable () -> Void) -> ScheduledTimer
}

/// A timer set with `EngineClock.schedule`.
public protocol ScheduledTimer: AnyObject, Sendable {
    /// Its action will not run, unless it is running already.
    func cancel()
}
