#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Searches a file's bytes for a text, ignoring ASCII case, in large blocks, off the UI
/// thread, with progress, and can be stopped: a 1 GB log in a second or two. It searches
/// byte ranges in order (from the viewer's line to the end, then from the start: a search
/// that wraps); a match carries its line's start byte and, when the range's first line
/// number is known, its own.
public final class FileSearch: @unchecked Sendable {
    /// Bytes `start..<end` of the file; `firstLine`: the 0-based number of the line at `start`
    /// (a line start), if known.
    public struct Range: Equatable, Sendable {
        public var start: Int
        public var end: Int
        public var firstLine: Int?
        public init(start: Int, end: Int, firstLine: Int?) { self.start = start; self.end = end; self.firstLine = firstLine }
    }

    public struct Match: Equatable, Sendable {
        /// 1-based line number in the file, if known.
        public var line: Int?
        /// The byte where the matching line starts.
        public var byte: Int
        public var text: String
        /// Found in a range after the first (the search went round the end).
        public var wrapped = false
        public init(line: Int?, byte: Int, text: String, wrapped: Bool = false) { self.line = line; self.byte = byte; self.text = text; self.wrapped = wrapped }
    }

    public enum Outcome: Equatable, Sendable {
        case found(Match)
        case notFound
        case cancelled
        case failed(String)
    }

    private let lock = NSLock()
    private var stop = false

    public init() {}

    public func cancel() { lock.lock(); stop = true; lock.unlock() }
    private var cancelled: Bool { lock.lock(); defer { lock.unlock() }; return stop }

    /// The first line of `path`'s first `end` bytes containing `pattern`.
    public func first(_ pattern: String, in path: String, before end: Int, progress: (Double) -> Void = { _ in }) -> Outcome {
        search(pattern, in: path, ranges: [Range(start: 0, end: end, firstLine: 0)], last: false, progress: progress)
    }

    /// The first (or, with `last`, the last) matching line of the first range that has one.
    /// `progress` gets the fraction of all the ranges' bytes done after each block.
    public func search(_ pattern: String, in path: String, ranges: [Range], last: Bool, progress: (Double) -> Void = { _ in }) -> Outcome {
        let needle = Array(pattern.lowercased().utf8)
        guard !needle.isEmpty else { return .notFound }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failed("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let total = max(1, ranges.reduce(0) { $0 + max(0, $1.end - $1.start) })
        var done = 0
        let block = 8 << 20
        // Blocks overlap by the needle's length so a match across two is found.
        var buffer = [UInt8](repeating: 0, count: block + needle.count)
        for (r, range) in ranges.enumerated() {
            var at = range.start
            var newlinesBefore = 0
            var best: (byte: Int, newlines: Int)?
            while at < range.end {
                if cancelled { return .cancelled }
                let want = min(block + needle.count - 1, range.end - at)
                let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(at)) }
                guard got > 0 else { break }
                // ASCII lower case, branch-free so the compiler vectorises it.
                buffer.withUnsafeMutableBufferPointer { p in
                    for i in 0..<got { let b = p[i]; p[i] = b &- 65 < 26 ? b | 0x20 : b }
                }
                let step = at + got >= range.end ? got : min(got, block)
                var from = 0
                var counted = 0, countedTo = 0
                while let hit = Self.find(needle, in: buffer, from: from, count: got), hit < step {
                    counted += Self.newlines(buffer, from: countedTo, to: hit)
                    countedTo = hit
                    best = (at + hit, newlinesBefore + counted)
                    if !last { break }
                    // On to the next line: one match per line.
                    from = (buffer[hit..<got].firstIndex(of: 10) ?? got - 1) + 1
                    if from >= got { break }
                }
                if !last, let b = best { return .found(match(fd, b, range, wrapped: r > 0)) }
                newlinesBefore += Self.newlines(buffer, from: 0, to: step)
                at += step
                done += step
                progress(Double(done) / Double(total))
            }
            if let b = best { return .found(match(fd, b, range, wrapped: r > 0)) }
        }
        return .notFound
    }

    private func match(_ fd: Int32, _ hit: (byte: Int, newlines: Int), _ range: Range, wrapped: Bool) -> Match {
        let (start, text) = Self.line(fd, around: hit.byte, notBefore: range.start)
        return Match(line: range.firstLine.map { $0 + hit.newlines + 1 }, byte: start, text: text, wrapped: wrapped)
    }

    static func newlines(_ buffer: [UInt8], from: Int, to: Int) -> Int {
        guard to > from else { return 0 }
        return buffer.withUnsafeBytes { raw in
            var count = 0
            var p = raw.baseAddress! + from
            let stop = raw.baseAddress! + to
            while p < stop, let h = memchr(p, 10, stop - p) { count += 1; p = UnsafeRawPointer(h) + 1 }
            return count
        }
    }

    /// Where `needle` first is in `buffer[from..<count]`: memchr for its first byte, then a compare.
    static func find(_ needle: [UInt8], in buffer: [UInt8], from: Int = 0, count: Int) -> Int? {
        guard count - from >= needle.count else { return nil }
        return buffer.withUnsafeBytes { raw -> Int? in
            needle.withUnsafeBytes { n -> Int? in
                let base = raw.baseAddress!
                var p = base + from
                let last = base + (count - needle.count + 1)
                while p < last, let h = memchr(p, Int32(needle[0]), last - p) {
                    if memcmp(h, n.baseAddress!, needle.count) == 0 { return base.distance(to: UnsafeRawPointer(h)) }
                    p = UnsafeRawPointer(h) + 1
                }
                return nil
            }
        }
    }

    /// The start and text of the line holding byte `offset` (its start not before `floor`).
    static func line(_ fd: Int32, around offset: Int, notBefore floor: Int) -> (Int, String) {
        var start = offset
        var probe = [UInt8](repeating: 0, count: 4096)
        while start > floor {
            let from = max(floor, start - probe.count)
            let got = probe.withUnsafeMutableBytes { pread(fd, $0.baseAddress, start - from, off_t(from)) }
            guard got > 0 else { break }
            if let nl = probe[0..<got].lastIndex(of: 10) { start = from + nl + 1; break }
            start = from
        }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4096, off_t(start)) }
        guard got > 0 else { return (start, "") }
        var end = bytes[0..<got].firstIndex(of: 10) ?? got
        if end > 0 && bytes[end - 1] == 13 { end -= 1 }
        return (start, String(decoding: bytes[0..<end], as: UTF8.self))
    }
}
