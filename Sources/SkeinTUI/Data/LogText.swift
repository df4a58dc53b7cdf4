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
    public var error: String?

    public init(source: LogSource, lines: [String], size: Int = 0, truncated: Bool = false, error: String? = nil) {
        self.source = source; self.lines = lines; self.size = size; self.truncated = truncated; self.error = error
    }

    public static func == (a: LogText, b: LogText) -> Bool {
        a.source == b.source && a.size == b.size && a.lines.count == b.lines.count && a.error == b.error && a.truncated == b.truncated
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
            offset = 0; partial = []; lines = []; truncated = false
        }
        if offset == 0 && size > Self.maximumBytes {
            offset = size - Self.maximumBytes
            truncated = true
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
        return LogText(source: .file(path), lines: shown, size: offset, truncated: truncated)
    }

    /// Lines of inline text (a task's output kept in the database).
    static func text(_ text: String, source: LogSource) -> LogText {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return LogText(source: source, lines: lines, size: text.utf8.count)
    }
}
