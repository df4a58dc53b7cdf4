import Foundation
import SkeinReports

/// Which part of a log to load.
public enum LogWindowRequest: Equatable, Hashable, Sendable {
    /// The end of the file, following what is appended.
    case tail
    /// The part around the line starting at byte `byte` (0-based line `line`, if known).
    case at(byte: Int, line: Int?)
    /// The part around 0-based `line` (waits until indexing reaches it).
    case line(Int)
}

/// A window of a log's lines: all of a small file, or a few MiB anywhere in a huge one (the
/// viewer moves the window as it pages), with the file's own line numbers once known.
public struct LogText: Sendable, Equatable {
    public var source: LogSource
    public var lines: [String]
    /// The byte where each of `lines` starts in the file (empty for inline text).
    public var lineOffsets: [Int]
    /// The file's size at the last read.
    public var size: Int
    /// The bytes the window covers: `windowStart..<windowEnd` (windowEnd == size at the end).
    public var windowStart = 0
    public var windowEnd = 0
    /// 0-based file line number of `lines[0]`; nil until indexing counted the lines before.
    public var firstLine: Int?
    /// Indexing of a huge file (nil: the window is the whole file, nothing to index).
    public var index: LineIndex.Progress?
    /// Lines in the whole file, once known (indexed to the end, or all loaded).
    public var totalLines: Int?
    public var error: String?

    public init(source: LogSource, lines: [String], size: Int = 0, firstLine: Int? = 0, error: String? = nil) {
        self.source = source; self.lines = lines; self.size = size; self.firstLine = firstLine; self.error = error
        lineOffsets = []
        windowEnd = size
        totalLines = firstLine == 0 ? lines.count : nil
    }

    /// Only part of the file is loaded.
    public var truncated: Bool { windowStart > 0 || windowEnd < size }
    /// The window reaches the end of the file (new output appears in it).
    public var atEnd: Bool { windowEnd >= size }

    /// The file line number (1-based) of `lines[i]`, if known.
    public func number(_ i: Int) -> Int? { firstLine.map { $0 + i + 1 } }

    /// Index into `lines` of the line holding byte `byte` (clamped to the window).
    public func lineIndex(ofByte byte: Int) -> Int {
        guard !lineOffsets.isEmpty else { return 0 }
        var lo = 0, hi = lineOffsets.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineOffsets[mid] <= byte { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The byte where `lines[i]` starts (the window's end past the last line).
    public func byte(ofLine i: Int) -> Int {
        if i >= 0 && i < lineOffsets.count { return lineOffsets[i] }
        return i < 0 ? windowStart : windowEnd
    }

    /// Columns of the line-number gutter: the widest number and a space, at least 6.
    public var gutterWidth: Int { max(6, String(totalLines ?? ((firstLine ?? 0) + lines.count)).count + 1) }

    public static func == (a: LogText, b: LogText) -> Bool {
        a.source == b.source && a.size == b.size && a.lines.count == b.lines.count && a.error == b.error && a.windowStart == b.windowStart
            && a.windowEnd == b.windowEnd && a.firstLine == b.firstLine && a.index == b.index && a.totalLines == b.totalLines
    }
}

/// Reads and follows one log file: a small one whole, a huge one a window at a time (the
/// end at first), numbered through a `LineIndex` built in the background.
final class LogReader {
    /// The window's size: a huge log's memory is this, its index and a few strings more.
    static let maximumBytes = 4 << 20

    let path: String
    /// The line index of the file as it is (a new one when the file is replaced).
    private(set) var index: LineIndex
    private var lines: [String] = []
    private var offsets: [Int] = []
    private var partial: [UInt8] = []
    private var partialStart = 0
    private var windowStart = 0
    /// Bytes read so far (the window's end, partial line included).
    private var offset = 0
    private var firstLine: Int? = 0
    private var following = true
    private var inode: UInt64 = 0
    private var size = 0
    /// The file's size at the last read.
    var fileSize: Int { size }

    init(path: String) { self.path = path; index = LineIndex(path: path) }

    /// Whether a background index is wanted: the file is bigger than one window.
    var needsIndex: Bool { size > Self.maximumBytes }

    /// Reads what was appended (or loads the window `request` asks for). Returns nil for a
    /// request that cannot be met yet (a line indexing has not reached).
    func read() -> LogText { read(nil)! }

    func read(_ request: LogWindowRequest?) -> LogText? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            return LogText(source: .file(path), lines: [], error: errno == ENOENT ? "no such file (yet): \(path)" : "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        fstat(fd, &st)
        size = Int(st.st_size)
        if UInt64(st.st_ino) != inode || size < offset {
            if inode != 0 || size < offset {
                // Replaced or cut: what was counted is about another file.
                index.cancel()
                index = LineIndex(path: path)
            }
            inode = UInt64(st.st_ino)
            load(fd, from: max(0, size - Self.maximumBytes), anchor: nil)
        }
        switch request {
        case .tail?:
            if !following || windowStart > 0 && size - windowStart > 2 * Self.maximumBytes { load(fd, from: max(0, size - Self.maximumBytes), anchor: nil) }
        case .at(let byte, let line)?:
            load(fd, from: max(0, byte - Self.maximumBytes / 2), anchor: (byte, line))
        case .line(let n)?:
            if n == 0 { load(fd, from: 0, anchor: (0, 0)); break }
            guard let byte = index.byte(ofLine: n) else { return nil }
            load(fd, from: max(0, byte - Self.maximumBytes / 2), anchor: (byte, n))
        case nil:
            break
        }
        if following && size > offset { append(fd, upTo: size) }
        // A window grown far past its size (a log followed for long) drops its start.
        if following && lines.count > 1, offset - windowStart > 2 * Self.maximumBytes {
            let keep = lineIndexAfter(offset - Self.maximumBytes)
            if keep > 0 {
                lines.removeFirst(keep)
                offsets.removeFirst(keep)
                windowStart = offsets.first ?? partialStart
                firstLine = firstLine.map { $0 + keep }
            }
        }
        if firstLine == nil { firstLine = index.line(atByte: windowStart) }
        var shown = lines
        if !partial.isEmpty { shown.append(String(decoding: partial, as: UTF8.self)) }
        var text = LogText(source: .file(path), lines: shown, size: size, firstLine: firstLine)
        text.lineOffsets = offsets
        if !partial.isEmpty { text.lineOffsets.append(partialStart) }
        text.windowStart = windowStart
        text.windowEnd = offset
        if needsIndex {
            var progress = index.progress
            progress.size = size  // of the file now: indexing may not have looked yet
            text.index = progress
            text.totalLines = progress.bytes >= size ? progress.lines + (following && !partial.isEmpty ? 1 : 0) : nil
        } else {
            text.totalLines = firstLine == 0 && following ? shown.count : nil
        }
        return text
    }

    /// Loads the window from `from` (moved to the next line start unless 0) up to the
    /// window's size, cut at a line's end; `anchor` is a line start in it with its number.
    private func load(_ fd: Int32, from: Int, anchor: (Int, Int?)?) {
        lines = []; offsets = []; partial = []
        following = false
        var start = from
        if start > 0 {
            // Skip the cut line: the window starts after the first newline at or after `from - 1`.
            var probe = [UInt8](repeating: 0, count: 64 << 10)
            var at = start - 1
            var found = false
            while at < size, !found {
                let got = probe.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(at)) }
                guard got > 0 else { break }
                if let nl = probe[0..<got].firstIndex(of: 10) { start = at + nl + 1; found = true } else { at += got }
            }
            if !found { start = size }
        }
        windowStart = start
        partialStart = start
        offset = start
        firstLine = start == 0 ? 0 : nil
        let end = min(size, start + Self.maximumBytes)
        append(fd, upTo: end)
        if end >= size {
            following = true
        } else if !partial.isEmpty {
            // A window in the middle ends at its last whole line.
            offset -= partial.count
            partial = []
        }
        if let anchor, let line = anchor.1, firstLine == nil, !offsets.isEmpty {
            let i = lineIndexAfter(anchor.0)
            if i < offsets.count && offsets[i] == anchor.0 { firstLine = line - i }
        }
    }

    /// The first line of the window starting at or after `byte`.
    private func lineIndexAfter(_ byte: Int) -> Int {
        var lo = 0, hi = offsets.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if offsets[mid] < byte { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Reads bytes `offset..<end` into lines (the last, unended one kept as `partial`).
    private func append(_ fd: Int32, upTo end: Int) {
        guard end > offset else { return }
        var buffer = [UInt8](repeating: 0, count: end - offset)
        let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, end - offset, off_t(offset)) }
        guard got > 0 else { return }
        let chunkStart = partialStart
        let chunk = partial + buffer[0..<got]
        offset += got
        partial = []
        var start = 0
        chunk.withUnsafeBufferPointer { p in
            var i = 0
            while i < p.count {
                guard let hit = memchr(p.baseAddress! + i, 10, p.count - i) else { break }
                let nl = UnsafeRawPointer(p.baseAddress!).distance(to: UnsafeRawPointer(hit))
                var stop = nl
                if stop > start && p[stop - 1] == 13 { stop -= 1 }
                lines.append(String(decoding: UnsafeBufferPointer(rebasing: p[start..<stop]), as: UTF8.self))
                offsets.append(chunkStart + start)
                start = nl + 1
                i = nl + 1
            }
        }
        partialStart = chunkStart + start
        if start < chunk.count { partial = Array(chunk[start...]) }
    }

    /// Lines of inline text (a task's output kept in the database).
    static func text(_ text: String, source: LogSource) -> LogText {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return LogText(source: source, lines: lines, size: text.utf8.count)
    }
}
