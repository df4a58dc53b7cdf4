import Dispatch
import Foundation

/// What other threads hand to the engine's queue (a process started, progress, an attempt's
/// result), run there in the order it was posted. Each `queue.async` wakes the queue's thread;
/// posts that arrive while earlier ones still wait ride along with them instead, so a burst
/// of a hundred process starts and ends costs one wake-up, not two hundred.
///
/// `postSoon` is for news that may wait a little (a process is running): it rides along with
/// the next `post` (a short job's end follows within milliseconds), or runs after `patience`
/// at the latest, so a local job costs one wake-up of the queue instead of two.
final class EngineInbox: @unchecked Sendable {
    private let queue: DispatchQueue
    private let patience: Double
    private let lock = NSLock()
    // Guarded by `lock`:
    private var pending: [() -> Void] = []
    /// A drain is on its way to the queue (set by `post`, cleared when it starts).
    private var drainQueued = false
    /// A drain after `patience` is set (by `postSoon`).
    private var timerArmed = false

    /// Runs on the queue after every batch (the engine writes the journal lines the batch
    /// queued: a process line rides along with its job's end instead of a write of its own).
    /// Set once, before anything is posted.
    var afterDrain: (() -> Void)?

    /// Set on `queue`: tells `postAndRun` it is called from the queue's own work (which may
    /// itself run on the events thread), where waiting for the queue would never end.
    private let onQueue = DispatchSpecificKey<Bool>()

    init(queue: DispatchQueue, patience: Double = 0.05) {
        self.queue = queue
        self.patience = patience
        queue.setSpecific(key: onQueue, value: true)
    }

    /// Runs `work` on the queue after everything posted before it. Safe from any thread.
    func post(_ work: @escaping () -> Void) {
        lock.lock()
        pending.append(work)
        let wake = !drainQueued
        drainQueued = true
        lock.unlock()
        if wake { queue.async { self.drain() } }
    }

    /// Runs `work` after everything posted before it, on this thread, once the queue is
    /// free (`DispatchQueue.sync` runs it here): no other thread wakes for it. Only for a
    /// thread the queue never waits on (`SpawnerEventsThread`), and not from the queue's own
    /// work (an attempt that ends as it starts); elsewhere it is `post`.
    func postAndRun(_ work: @escaping () -> Void) {
        guard SpawnerEventsThread.isCurrent, DispatchQueue.getSpecific(key: onQueue) == nil else { return post(work) }
        lock.lock()
        pending.append(work)
        lock.unlock()
        queue.sync { self.drain() }
    }

    /// Like `post`, but without waking the queue for it: it runs with the next `post`, or
    /// `patience` seconds from now at the latest.
    func postSoon(_ work: @escaping () -> Void) {
        lock.lock()
        pending.append(work)
        let arm = !drainQueued && !timerArmed
        if arm { timerArmed = true }
        lock.unlock()
        if arm {
            queue.asyncAfter(deadline: .now() + patience) {
                self.lock.lock()
                self.timerArmed = false
                self.lock.unlock()
                self.drain()
            }
        }
    }

    private func drain() {
        lock.lock()
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        drainQueued = false
        lock.unlock()
        for work in batch { work() }
        afterDrain?()
    }
}
