/// Time that moves only when told: `advance(by:)` runs the timers that fall due, in order of
/// their deadlines, on the caller's thread. Engine tests drive the real engine with it, so a
/// ten-minute walltime or a five-second kill grace costs nothing.
public final class VirtualClock: EngineClock, @unchecked Sendable {
    private let lock = Mutex()
    private var current: Double
    private var pending: [Entry] = []
    private var sequence = 0

    private struct Entry {
        var deadline: Double
        var order: Int
        var timer: VirtualTimer
        var action: @Sendable () -> Void
    }

    public init(now: Double = 1_700_000_000) {
        current = now
    }

    public func now() -> Double {
        lock.locked { current }
    }

    @discardableResult
    public func schedule(after delay: Double, _ action: @escaping @Sendable () -> Void) -> ScheduledTimer {
        let timer = VirtualTimer()
        lock.locked {
            sequence += 1
            pending.append(Entry(deadline: current + max(0, delay), order: sequence, timer: timer, action: action))
        }
        return timer
    }

    /// Timers set and not yet run or cancelled.
    public var pendingCount: Int {
        lock.locked { pending.filter { !$0.timer.isCancelled }.count }
    }

    /// Moves time forward by `seconds`, running every timer due by then (including those the
    /// actions set), each with the clock at its own deadline.
    public func advance(by seconds: Double) {
        let target = lock.locked { current + seconds }
        while let next = lock.locked({ () -> Entry? in
            pending.removeAll { $0.timer.isCancelled }
            guard let index = pending.indices.min(by: { (pending[$0].deadline, pending[$0].order) < (pending[$1].deadline, pending[$1].order) }),
                  pending[index].deadline <= target else { return nil }
            let entry = pending.remove(at: index)
            current = max(current, entry.deadline)
            return entry
        }) {
            if !next.timer.isCancelled { next.action() }
        }
        lock.locked { current = max(current, target) }
    }
}

/// A timer of a `VirtualClock`.
final class VirtualTimer: ScheduledTimer, @unchecked Sendable {
    private let lock = Mutex()
    private var cancelled = false
    var isCancelled: Bool { lock.locked { cancelled } }
    func cancel() { lock.locked { cancelled = true } }
}
