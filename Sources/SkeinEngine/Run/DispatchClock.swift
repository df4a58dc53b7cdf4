#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import SkeinEngineCore

/// The real clock: the system's wall clock, and timers on a Dispatch queue.
public final class DispatchClock: EngineClock, @unchecked Sendable {
    private let queue: DispatchQueue

    public init(queue: DispatchQueue = DispatchQueue(label: "skein.clock")) {
        self.queue = queue
    }

    public func now() -> Double { WallClock.now() }

    @discardableResult
    public func schedule(after delay: Double, _ action: @escaping @Sendable () -> Void) -> ScheduledTimer {
        let item = DispatchWorkItem(block: action)
        queue.asyncAfter(deadline: .now() + max(0, delay), execute: item)
        return DispatchTimer(item: item)
    }
}

private final class DispatchTimer: ScheduledTimer, @unchecked Sendable {
    let item: DispatchWorkItem
    init(item: DispatchWorkItem) { self.item = item }
    func cancel() { item.cancel() }
}
