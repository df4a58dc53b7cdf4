#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Where lines start in a log too big to hold: the byte of every 4,096th line, found in the
/// background a block at a time. A 1 GB log of 10 million lines needs 2,500 numbers, so the
/// viewer can number any window of the file and jump to any line while memory stays small.
/// Thread-safe: one thread builds, any thread asks.
public final class LineIndex: @unchecked Sendable {
    /// Lines between two checkpoints.
    public static let stride = 4096
    static let block = 8 << 20

    /// How far indexing got.
    public struct Progress: Equatable, Sendable {
        /// Bytes indexed (from the start) and the newlines in them.
        public var bytes: Int
        public var lines: Int
        /// The file's size when indexing last looked.
        public var size: Int
        public var complete: Bool { bytes >= size }
        public var fraction: Double { size == 0 ? 1 : Double(bytes) / Double(size) }
    }

    public let path: String
    private let lock = NSLock()
    /// checkpoints[k]: the byte where 0-based line k * stride starts.
    private var checkpoints: [Int] = [0]
    private var bytes = 0
    private var lines = 0
    private var size = 0
    private var building = false
    private var stopped = false

    public init(path: String) { self.path = path }

    public var progress: Progress {
        lock.lock(); defer { lock.unlock() }
        return Progress(bytes: bytes, lines: lines, size: size)
    }

    /// Stops a build (the viewer closed the log).
    public func cancel() { lock.lock(); stopped = true; lock.unlock() }

    /// Claims the build (false: one already runs, or the index was cancelled).
    public func claimBuild() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if building || stopped { return false }
        building = true
        return true
    }

    /// Indexes what the file holds beyond what is indexed (after `claimBuild`), a block at a
    /// time, calling `step` after each block. Returns at the end of the file or when cancelled.
    public func build(step: (Progress) -> Void = { _ in }) {
        defer { lock.lock(); building = false; lock.unlock() }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var st = stat()
        fstat(fd, &st)
        lock.lock()
        size = Int(st.st_size)
        var at = bytes
        var count = lines
        lock.unlock()
        var buffer = [UInt8](repeating: 0, count: Self.block)
        while at < Int(st.st_size) {
            lock.lock(); let stop = stopped; lock.unlock()
            if stop { return }
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, min(Self.block, Int(st.st_size) - at), off_t(at)) }
            guard got > 0 else { break }
            var found: [Int] = []
            buffer.withUnsafeBytes { raw in
                let base = raw.baseAddress!
                var p = base
                let end = base + got
                while p < end, let hit = memchr(p, 10, end - p) {
                    count += 1
                    let next = UnsafeRawPointer(hit) + 1
                    if count % Self.stride == 0 { found.append(at + base.distance(to: next)) }
                    p = next
                }
            }
            at += got
            lock.lock()
            checkpoints.append(contentsOf: found)
            bytes = at
            lines = count
            let now = Progress(bytes: bytes, lines: lines, size: size)
            lock.unlock()
            step(now)
        }
    }

    /// The nearest checkpoint at or before 0-based `line`, if indexing got that far.
    public func checkpoint(atOrBefore line: Int) -> (byte: Int, line: Int)? {
        lock.lock(); defer { lock.unlock() }
        guard line <= lines else { return nil }
        let k = min(line / Self.stride, checkpoints.count - 1)
        return (checkpoints[k], k * Self.stride)
    }

    /// The byte where 0-based `line` starts, if indexed (reads at most one stride of lines).
    public func byte(ofLine line: Int) -> Int? {
        guard let (start, first) = checkpoint(atOrBefore: line) else { return nil }
        if first == line { return start }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var at = start, remaining = line - first
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while remaining > 0 {
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(at)) }
            guard got > 0 else { return nil }
            var found: Int?
            buffer.withUnsafeBytes { raw in
                let base = raw.baseAddress!
                var p = base
                while remaining > 0, p < base + got, let hit = memchr(p, 10, base + got - p) {
                    remaining -= 1
                    p = UnsafeRawPointer(hit) + 1
                    if remaining == 0 { found = at + base.distance(to: p) }
                }
            }
            if let found { return found }
            at += got
        }
        return start
    }

    /// The 0-based number of the line starting at `byte`, if indexing passed it (counts the
    /// newlines from the checkpoint before it: at most one stride of lines).
    public func line(atByte byte: Int) -> Int? {
        lock.lock()
        guard byte <= bytes else { lock.unlock(); return nil }
        // The last checkpoint at or before `byte`.
        var lo = 0, hi = checkpoints.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if checkpoints[mid] <= byte { lo = mid } else { hi = mid - 1 }
        }
        let start = checkpoints[lo]
        lock.unlock()
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return lo * Self.stride + Self.newlines(fd, from: start, to: byte)
    }

    /// Newlines in bytes `from..<to` of a file, read in large blocks and found with memchr.
    static func newlines(_ fd: Int32, from: Int, to end: Int) -> Int {
        var buffer = [UInt8](repeating: 0, count: min(block, max(1, end - from)))
        var count = 0
        var at = from
        while at < end {
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, min($0.count, end - at), off_t(at)) }
            guard got > 0 else { break }
            buffer.withUnsafeBytes { raw in
                var p = raw.baseAddress!
                let stop = p + got
                while p < stop, let hit = memchr(p, 10, stop - p) {
                    count += 1
                    p = UnsafeRawPointer(hit) + 1
                }
            }
            at += got
        }
        return count
    }
}
