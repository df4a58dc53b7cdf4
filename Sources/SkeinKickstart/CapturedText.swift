import Glibc

/// A job's stdout or stderr as put under `data:` in a record. Big outputs keep their beginning
/// and their end (where errors usually are) with a marker line between, so a record stays small
/// whatever the job printed. (pegasus-kickstart keeps only the last 256 KiB.)
public struct CapturedText: Sendable, Equatable {
    /// The text, invalid UTF-8 replaced by U+FFFD.
    public var text: String
    /// Whether bytes were left out (`data_truncated:`).
    public var truncated: Bool

    public init(text: String, truncated: Bool = false) {
        self.text = text
        self.truncated = truncated
    }

    /// Default amount kept from each end: 64 KiB head and 64 KiB tail.
    public static let defaultKeep = 65536

    /// Reads an output file; nil if it cannot be opened. `keep` bytes at most from each end.
    public static func read(path: String, keep: Int = defaultKeep) -> CapturedText? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return read(descriptor: fd, keep: keep)
    }

    /// Reads a regular file from an open descriptor (from offset 0, not moving its file offset).
    public static func read(descriptor fd: Int32, keep: Int = defaultKeep) -> CapturedText? {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = Int(info.st_size)
        if size <= 2 * keep {
            return CapturedText(text: String(decoding: pread(fd, offset: 0, count: size), as: UTF8.self))
        }
        var head = pread(fd, offset: 0, count: keep)
        var tail = pread(fd, offset: size - keep, count: keep)
        // Cut on character boundaries: drop a partial UTF-8 sequence at the inner edges.
        head.removeLast(incompleteSuffix(head))
        var front = 0
        while front < 3, front < tail.count, tail[front] & 0xC0 == 0x80 { front += 1 }
        tail.removeFirst(front)
        let omitted = size - head.count - tail.count
        var bytes = head
        if bytes.last != 0x0A { bytes.append(0x0A) }
        bytes += Array(("[... skein-kickstart: " + String(omitted) + " bytes omitted ...]\n").utf8)
        bytes += tail
        return CapturedText(text: String(decoding: bytes, as: UTF8.self), truncated: true)
    }

    /// Length of a UTF-8 sequence cut short at the end of `bytes` (0 if the end is whole).
    static func incompleteSuffix(_ bytes: [UInt8]) -> Int {
        var start = bytes.count
        while start > 0, bytes.count - start < 3, bytes[start - 1] & 0xC0 == 0x80 { start -= 1 }
        guard start > 0 else { return 0 }
        let lead = bytes[start - 1]
        let needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        let have = bytes.count - start + 1
        return needed > 1 && have < needed ? have : 0
    }

    private static func pread(_ fd: Int32, offset: Int, count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { break }
            done += got
        }
        bytes.removeLast(count - done)
        return bytes
    }
}
