#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Searches a file's bytes for a text, ignoring ASCII case, in large blocks: the part of a
/// huge log the viewer did not load (hundreds of MB) is searched in a second or two off the
/// UI thread, with progress, and can be stopped. The match's line number is the file's own.
public final class FileSearch: @unchecked Sendable {
    public struct Match: Equatable, Sendable {
        /// 1-based line number in the file.
        public var line: Int
        public var text: String
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

    /// The first line of `path`'s first `end` bytes containing `pattern`. `progress` gets
    /// the fraction done after each block.
    public func first(_ pattern: String, in path: String, before end: Int, progress: (Double) -> Void = { _ in }) -> Outcome {
        let needle = Array(pattern.lowercased().utf8)
        guard !needle.isEmpty, end > 0 else { return .notFound }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failed("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let block = 8 << 20
        // Blocks overlap by the needle's length so a match across two is found.
        var buffer = [UInt8](repeating: 0, count: block + needle.count)
        var at = 0
        var newlinesBefore = 0
        while at < end {
            if cancelled { return .cancelled }
            let want = min(block + needle.count - 1, end - at)
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(at)) }
            guard got > 0 else { break }
            for i in 0..<got where buffer[i] >= 65 && buffer[i] <= 90 { buffer[i] += 32 }
            let hit = Self.find(needle, in: buffer, count: got)
            let step = min(got, block)
            if let hit, hit < step || at + got >= end {
                let lineStart = buffer[0..<hit].lastIndex(of: 10).map { $0 + 1 }
                let line = newlinesBefore + buffer[0..<hit].reduce(0) { $0 + ($1 == 10 ? 1 : 0) } + 1
                return .found(Match(line: line, text: Self.line(fd, around: at + hit, start: lineStart.map { at + $0 })))
            }
            newlinesBefore += buffer.withUnsafeBytes { raw in
                var count = 0
                var p = raw.baseAddress!
                let stop = p + step
                while p < stop, let h = memchr(p, 10, stop - p) { count += 1; p = UnsafeRawPointer(h) + 1 }
                return count
            }
            at += step
            progress(Double(at) / Double(end))
        }
        return .notFound
    }

    /// Where `needle` first is in `buffer[0..<count]`: memchr for its first byte, then a compare.
    static func find(_ needle: [UInt8], in buffer: [UInt8], count: Int) -> Int? {
        buffer.withUnsafeBytes { raw -> Int? in
            needle.withUnsafeBytes { n -> Int? in
                let base = raw.baseAddress!
                var p = base
                let last = base + (count - needle.count + 1)
                while p < last, let h = memchr(p, Int32(needle[0]), last - p) {
                    if memcmp(h, n.baseAddress!, needle.count) == 0 { return base.distance(to: UnsafeRawPointer(h)) }
                    p = UnsafeRawPointer(h) + 1
                }
                return nil
            }
        }
    }

    /// The whole line holding byte `offset` (its start known when it lies in the block).
    static func line(_ fd: Int32, around offset: Int, start known: Int?) -> String {
        var start = known ?? offset
        if known == nil {
            // Back to the line's start, a block at a time.
            var probe = [UInt8](repeating: 0, count: 4096)
            while start > 0 {
                let from = max(0, start - probe.count)
                let got = probe.withUnsafeMutableBytes { pread(fd, $0.baseAddress, start - from, off_t(from)) }
                guard got > 0 else { break }
                if let nl = probe[0..<got].lastIndex(of: 10) { start = from + nl + 1; break }
                start = from
            }
        }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4096, off_t(start)) }
        guard got > 0 else { return "" }
        let end = bytes[0..<got].firstIndex(of: 10) ?? got
        return String(decoding: bytes[0..<end], as: UTF8.self)
    }
}
