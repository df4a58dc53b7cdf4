#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinKickstart

/// A destination file while it is written: the bytes go to a temporary name beside it
/// (`NAME.skein-partial.PID.N`), hashed on the way when a checksum is wanted, and only a
/// complete, verified file is renamed to the final name. A killed engine leaves at most a
/// partial file under its temporary name, never a half file under the real one.
final class PartialFile {
    let destination: String
    let temporary: String
    private var fd: Int32
    private var hasher: SHA256?
    private(set) var bytes: Int64 = 0
    /// Time spent hashing, for the integrity rows provenance keeps.
    private(set) var hashSeconds: Double = 0
    /// errno of the first failed write (a full disk, a quota).
    private(set) var writeError: Int32?
    /// libcurl hands over 16 KiB at a time: gathered here, one write(2) per MiB.
    private var pending: [UInt8] = []
    private static let flushSize = 1 << 20

    private nonisolated(unsafe) static var counter = 0
    private static let counterLock = NSLock()

    init(destination: String, hashing: Bool) throws(TransferError) {
        self.destination = destination
        let number = Self.counterLock.withLock { () -> Int in
            Self.counter += 1
            return Self.counter
        }
        temporary = "\(destination).skein-partial.\(getpid()).\(number)"
        let folder = Self.parent(of: destination)
        if !folder.isEmpty, let error = Self.makeDirectories(folder) {
            throw TransferError(.destination, "\(destination): cannot create \(folder): \(String(cString: strerror(error)))")
        }
        fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            throw TransferError(.destination, "\(destination): cannot write: \(String(cString: strerror(errno)))")
        }
        if hashing { hasher = SHA256() }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Appends bytes; false once a write failed (the transfer is then aborted).
    func write(_ buffer: UnsafeRawBufferPointer) -> Bool {
        guard writeError == nil else { return false }
        if hasher != nil {
            let started = DispatchTime.now().uptimeNanoseconds
            hasher!.update(buffer)
            hashSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        }
        bytes += Int64(buffer.count)
        if pending.isEmpty && buffer.count >= Self.flushSize { return writeAll(buffer) }
        if pending.capacity < Self.flushSize { pending.reserveCapacity(Self.flushSize) }
        pending.append(contentsOf: buffer)
        return pending.count < Self.flushSize || flush()
    }

    /// Writes what is gathered; false when the write failed.
    private func flush() -> Bool {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending.withUnsafeBytes { writeAll($0) }
    }

    private func writeAll(_ buffer: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                writeError = errno
                return false
            }
            offset += n
        }
        return true
    }

    /// Closes, checks the checksum, and renames into place; returns the sha256 when hashed.
    /// On any failure the temporary file is removed and the destination left as it was.
    func commit(expectedSHA256: String?, source: String) throws(TransferError) -> String? {
        if !pending.isEmpty { _ = flush() }
        let closed = close(fd)
        fd = -1
        if let error = writeError ?? (closed != 0 ? errno : nil) {
            discard()
            throw TransferError(.destination, "\(destination): cannot write: \(String(cString: strerror(error)))")
        }
        let digest = hasher?.hexDigest()
        if let expected = expectedSHA256?.lowercased(), let digest, digest != expected {
            discard()
            throw TransferError(.integrity, "\(source): sha256 is \(digest), the catalog says \(expected)")
        }
        guard rename(temporary, destination) == 0 else {
            let error = errno
            discard()
            throw TransferError(.destination, "\(destination): cannot rename into place: \(String(cString: strerror(error)))")
        }
        return digest
    }

    func discard() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        unlink(temporary)
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `mkdir -p`; the errno of the failure, nil when the folder exists.
    static func makeDirectories(_ path: String) -> Int32? {
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return nil }
        guard errno == ENOENT else { return errno }
        let parent = Self.parent(of: path)
        if parent.isEmpty || parent == path { return ENOENT }
        if let error = makeDirectories(parent) { return error }
        return mkdir(path, 0o755) == 0 || errno == EEXIST ? nil : errno
    }
}
