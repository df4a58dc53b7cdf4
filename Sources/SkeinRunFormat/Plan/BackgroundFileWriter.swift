import Foundation

/// Writes filled byte buffers to an open file on a thread of its own, in the order handed
/// over, while the caller fills the next one.
///
/// Why: at a million jobs the kernel's copy of plan.json's 2 GB into the page cache was half
/// of writing the plan (`perf`: `copy_folio_from_iter_atomic` under `write(2)`), all of it on
/// the thread that encodes the jobs. With two buffers (one filling, one being written) that
/// copy runs on the second core; the bytes and their order do not change. The buffers are
/// reused, so their pages are touched once, and written straight from their storage (no
/// `Data` copy).
final class BackgroundFileWriter: @unchecked Sendable {
    private let fd: Int32
    private let path: String
    private let queue = DispatchQueue(label: "skein.plan-file-writer")
    /// Counts the buffers not being written: `take` waits on it.
    private let available: DispatchSemaphore
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var spare: [[UInt8]] = []
    private var pending: [[UInt8]] = []
    private var failure: Error?

    init(fd: Int32, path: String, buffers: Int = 2, capacity: Int) {
        self.fd = fd
        self.path = path
        // Made at 0 and raised: libdispatch traps when a semaphore goes with a count below
        // the one it was made with (the last buffer taken is never given back).
        available = DispatchSemaphore(value: 0)
        for _ in 0..<buffers {
            var buffer: [UInt8] = []
            buffer.reserveCapacity(capacity)
            spare.append(buffer)
            available.signal()
        }
    }

    /// An empty buffer to fill (one per filler, taken before the first `write`).
    func emptyBuffer() throws -> [UInt8] { try take() }

    /// Hands the filled `buffer` over, to be written after those handed over before it, and
    /// puts an empty one in its place (waiting while every other buffer is being written).
    /// Throws the error of an earlier write.
    func write(_ buffer: inout [UInt8]) throws {
        let next = try take()
        locked { pending.append(buffer) }
        buffer = next  // the writer's copy is the only one left: emptied in place, not copied
        queue.async { [self] in
            var buffer = locked { pending.removeFirst() }
            let error = locked { failure } == nil ? writeAll(buffer) : nil
            buffer.removeAll(keepingCapacity: true)
            locked {
                if let error, failure == nil { failure = error }
                spare.append(buffer)
            }
            available.signal()
        }
    }

    /// Writes the last `buffer` and waits until everything is written; throws the first
    /// write's error.
    func finish(_ buffer: inout [UInt8]) throws {
        try write(&buffer)
        drain()
        if let failure = locked({ failure }) { throw failure }
    }

    /// Waits until every buffer handed over is written (before the file is closed, also when
    /// encoding failed half way).
    func drain() { queue.sync {} }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func take() throws -> [UInt8] {
        available.wait()
        lock.lock()
        defer { lock.unlock() }
        if let failure {
            available.signal()
            throw failure
        }
        return spare.removeLast()
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
