import Foundation

/// Writes filled byte buffers to an open file on a thread of its own, in the order of their
/// numbers, whichever thread filled them and whenever it finished.
///
/// Why: at a million jobs the kernel's copy of plan.json's 2 GB into the page cache was half
/// of writing the plan (`perf`: `copy_folio_from_iter_atomic` under `write(2)`), all of it on
/// the thread that encodes the jobs. Here that copy runs on another thread while the encoders
/// fill the next buffers; a buffer done early waits for those before it, so no encoder waits
/// for a slower one (a barrier per round left one core idle on a loaded machine). The buffers
/// are reused, so their pages are touched once, and written straight from their storage (no
/// `Data` copy).
final class BackgroundFileWriter: @unchecked Sendable {
    private let fd: Int32
    private let path: String
    private let queue = DispatchQueue(label: "skein.plan-file-writer")
    /// Counts the buffers not being filled, waiting or written: `emptyBuffer` waits on it.
    private let available: DispatchSemaphore
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var spare: [[UInt8]] = []
    /// Filled buffers waiting for those numbered before them.
    private var waiting: [Int: [UInt8]] = [:]
    private var nextNumber = 0
    /// Handed to the writer's queue, in order.
    private var queued: [[UInt8]] = []
    private var failure: Error?

    init(fd: Int32, path: String, buffers: Int = 2, capacity: Int) {
        self.fd = fd
        self.path = path
        // Made at 0 and raised: libdispatch traps when a semaphore goes with a count below
        // the one it was made with (buffers are still out when it goes).
        available = DispatchSemaphore(value: 0)
        for _ in 0..<buffers {
            var buffer: [UInt8] = []
            buffer.reserveCapacity(capacity)
            spare.append(buffer)
            available.signal()
        }
    }

    /// An empty buffer to fill, waiting while every buffer is filling, waiting or being
    /// written. Throws the first failure (of a write, or given to `fail`).
    func emptyBuffer() throws -> [UInt8] {
        available.wait()
        lock.lock()
        defer { lock.unlock() }
        if let failure {
            available.signal()  // wakes the next one waiting, to throw too
            throw failure
        }
        return spare.removeLast()
    }

    /// Hands `buffer` over as the `number`th (from 0, each number once), to be written after
    /// those numbered before it; `buffer` is left empty (the writer's copy is the only one).
    func write(_ buffer: inout [UInt8], number: Int) {
        var filled: [UInt8] = []
        swap(&filled, &buffer)
        locked {
            guard failure == nil else { return giveBack(&filled) }
            waiting[number] = filled
            while let next = waiting.removeValue(forKey: nextNumber) {
                nextNumber += 1
                queued.append(next)
                // Taken from `queued` there, so the writer's is its only copy (emptied in place).
                queue.async { [self] in
                    var buffer = locked { queued.removeFirst() }
                    let error = locked { failure } == nil ? writeAll(buffer) : nil
                    locked {
                        if let error, failure == nil { failure = error }
                        giveBack(&buffer)
                    }
                }
            }
        }
    }

    /// Gives an unused `buffer` back.
    func giveBack(unused buffer: inout [UInt8]) {
        var unused: [UInt8] = []
        swap(&unused, &buffer)
        locked { giveBack(&unused) }
    }

    /// Stops the writing with `error` (an encoder's): nothing more is written, and every
    /// `emptyBuffer` throws it.
    func fail(_ error: Error) {
        locked {
            if failure == nil { failure = error }
            for number in Array(waiting.keys) {
                var buffer = waiting.removeValue(forKey: number)!
                giveBack(&buffer)
            }
        }
    }

    /// Waits until every buffer handed over in order is written; throws the first failure.
    func finish() throws {
        drain()
        if let failure = locked({ failure }) { throw failure }
    }

    /// Waits until every buffer queued is written (before the file is closed, also when
    /// encoding failed half way).
    func drain() { queue.sync {} }

    /// Under `lock`.
    private func giveBack(_ buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        spare.append(buffer)
        buffer = []
        available.signal()
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func writeAll(_ buffer: [UInt8]) -> Error? {
        buffer.withUnsafeBytes { bytes -> Error? in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return RunFormatError("cannot write \(path): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
            return nil
        }
    }
}
