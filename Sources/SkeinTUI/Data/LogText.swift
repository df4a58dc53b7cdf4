import Foundation
import SkeinReports

/// A log's lines as read so far. Files are read incrementally (only what was appended since
/// the last read) and at most the last `LogReader.maximumBytes` of a huge file are kept.
public struct LogText: Sendable, Equatable {
    public var source: LogSource
    public var lines: [String]
    /// Bytes read from the file so far (its size at the last read).
    public var size: Int
    /// The start of the file was skipped (larger than the limit).
    public var truncated: Bool
    /// Lines of the file before `lines[0]` (the skipped start), so line numbers are the
    /// file's own: the last line of a 3,000,001-line log reads 3,000,001, not 254,200.
    public var firstLine: Int
    /// The byte where `lines` start in the file (0: the whole file is loaded).
    public var windowStart = 0
    public var error: String?

    public init(source: LogSource, lines: [String], size: Int = 0, truncated: Bool = false, firstLine: Int = 0, error: String? = nil) {
        self.source = source; self.lines = lines; self.size = size; self.truncated = truncated; self.firstLine = firstLine; self.error = error
    }

    /// Columns of the line-number gutter: the widest number and a space, at least 6.
    public var gutterWidth: Int { max(6, String(firstLine + lines.count).count + 1) }

    public static func == (a: LogText, b: LogText) -> Bool {
        a.source == b.source && a.size == b.size && a.lines.count == b.lines.count && a.error == b.error && a.truncated == b.truncated
            && a.firstLine == b.firstLine
    }
}

/// Reads and follows one log file.
final class LogReader {
    static let maximumBytes = 16 << 20

    let path: String
    private var offset = 0
    private var partial: [UInt8] = []
    private var lines: [String] = []
    private var truncated = false
    private var firstLine = 0
    private var windowStart = 0
    private var inode: UInt64 = 0

    init(path: String) { self.path = path }

    /// Reads what was appended. A file that shrank or was replaced is read again.
    func read() -> LogText {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            return LogText(source: .file(path), lines: [], error: errno == ENOENT ? "no such file (yet): \(path)" : "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        fstat(fd, &st)
        let size = Int(st.st_size)
        if UInt64(st.st_ino) != inode || size < offset {
            inode = UInt64(st.st_ino)
            offset = 0; partial = []; lines = []; truncated = false; firstLine = 0; windowStart = 0
        }
        if offset == 0 && size > Self.maximumBytes {
            offset = size - Self.maximumBytes
            windowStart = offset
            truncated = true
            // The window's first (cut) line is dropped below: it ends one more skipped line.
            firstLine = Self.newlines(fd, before: offset) + 1
        }
        if size > offset {
            var buffer = [UInt8](repeating: 0, count: size - offset)
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size - offset, off_t(offset)) }
            if got > 0 {
                buffer.removeSubrange(got...)
                offset += got
                var chunk = partial + buffer
                partial = []
                var start = 0
                if truncated && lines.isEmpty, let nl = chunk.firstIndex(of: 10) { start = nl + 1 }  // a cut first line
                var i = start
                chunk.withUnsafeBufferPointer { p in
                    while i < p.count {
                        if p[i] == 10 {
                            var end = i
                            if end > start && p[end - 1] == 13 { end -= 1 }
                            lines.append(String(decoding: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self))
                            start = i + 1
                        }
                        i += 1
                    }
                }
                if start < chunk.count { partial = Array(chunk[start...]) }
                chunk = []
            }
        }
        var shown = lines
        if !partial.isEmpty { shown.append(String(decoding: partial, as: UTF8.self)) }
        var text = LogText(source: .file(path), lines: shown, size: offset, truncated: truncated, firstLine: firstLine)
        text.windowStart = windowStart
        return text
    }

    /// Newlines in the file's first `end` bytes, read in large blocks and found with memchr
    /// (a few hundred MB in well under a second; this runs on the data queue).
    static func newlines(_ fd: Int32, before end: Int) -> Int {
        let block = 8 << 20
        var buffer = [UInt8](repeating: 0, count: block)
        var count = 0
        var at = 0
        while at < end {
            let want = min(block, end - at)
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(at)) }
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

    /// Lines of inline text (a task's output kept in the database).
    static func text(_ text: String, source: LogSource) -> LogText {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return LogText(source: source, lines: lines, size: text.utf8.count)
    }
}
