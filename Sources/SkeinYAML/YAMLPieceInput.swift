#if canImport(Glibc)
import Glibc
#endif
import CYAML

/// A piece of YAML text for `YAMLParser.parse(pieces:)`.
public struct YAMLInputPiece {
    public var bytes: UnsafeBufferPointer<UInt8>
    /// A part of a read-only file mapping: pages already handed to libyaml are given back to
    /// the kernel (`MADV_DONTNEED`), so reading a mapped file from start to end holds only a
    /// few of its pages in memory. The file stays unchanged; a page read again is read again.
    public var mapped: Bool

    public init(_ bytes: UnsafeBufferPointer<UInt8>, mapped: Bool = false) {
        self.bytes = bytes
        self.mapped = mapped
    }
}

/// libyaml's input as several pieces of memory read one after the other (a header such as
/// `jobs:\n`, then part of a mapped file), so a part of a large file is parsed without first
/// copying it behind its header.
final class YAMLPieceInput {
    private let pieces: [YAMLInputPiece]
    private var piece = 0
    private var offset = 0
    /// Bytes of the current piece given back already.
    private var released = 0
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    /// Pages are given back in runs of at least this many bytes (one madvise per 256 KiB).
    private static let releaseStep = 256 << 10

    init(_ pieces: [YAMLInputPiece]) {
        self.pieces = pieces.filter { $0.bytes.count > 0 }
    }

    /// Copies up to `size` bytes into `buffer`; 0 at the end.
    func read(into buffer: UnsafeMutablePointer<UInt8>, size: Int) -> Int {
        guard piece < pieces.count else { return 0 }
        let current = pieces[piece]
        let n = min(size, current.bytes.count - offset)
        buffer.update(from: current.bytes.baseAddress! + offset, count: n)
        offset += n
        if current.mapped { release(current.bytes, upTo: offset) }
        if offset == current.bytes.count {
            piece += 1
            offset = 0
            released = 0
        }
        return n
    }

    /// Gives back the whole pages of `bytes[released..<end]`.
    private func release(_ bytes: UnsafeBufferPointer<UInt8>, upTo end: Int) {
        let base = Int(bitPattern: bytes.baseAddress!)
        let from = (base + released + Self.pageSize - 1) / Self.pageSize * Self.pageSize
        let to = (base + end) / Self.pageSize * Self.pageSize
        guard to - from >= Self.releaseStep || (end == bytes.count && to > from) else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: from), to - from, MADV_DONTNEED)
        released = to - base
    }

    /// The C read handler: `data` is an unretained `YAMLPieceInput`.
    static let handler: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, Int, UnsafeMutablePointer<Int>?) -> Int32 = { data, buffer, size, read in
        let input = Unmanaged<YAMLPieceInput>.fromOpaque(data!).takeUnretainedValue()
        read!.pointee = input.read(into: buffer!, size: size)
        return 1
    }
}
