import Dispatch
import Foundation

/// What other threads hand to the engine's queue (a process started, progress, an attempt's
/// result), run there in the order it was posted. Each `queue.async` wakes the queue's thread;
/// posts that arrive while earlier ones still wait ride along with them instead, so a burst
/// of a hundred process starts and ends costs one wake-up, not two hundred.
final class EngineInbox: @unchecked Sendable {
    private let queue: DispatchQueue
    private let lock = NSLock()
    /// Guarded by `lock`; non-empty exactly while a drain is on its way to the queue.
    private var pending: [() -> Void] = []

    init(queue: DispatchQueue) {
        self.queue = queue
    }

    /// Runs `work` on the queue after everything posted before it. Safe from any thread.
    func post(_ work: @escaping () -> Void) {
        lock.lock()
        pending.append(work)
        let first = pending.count == 1
        lock.unlock()
        if first { queue.async { self.drain() } }
    }

    private func drain() {
        lock.lock()
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        lock.unlock()
        for work in batch { work() }
    }
}
