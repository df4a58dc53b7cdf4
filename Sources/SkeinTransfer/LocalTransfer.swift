#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinKickstart

/// A local file to a local path, without libcurl: a symbolic link, a hard link (where both
/// share a filesystem, so local runs stay fast), or a copy through a `PartialFile`.
enum LocalTransfer {
    /// Moves one file; the outcome's method says which way it went.
    static func run(_ request: TransferRequest, source: String, destination: String) -> TransferOutcome {
        let start = Date().timeIntervalSince1970
        var outcome = TransferOutcome(request: request, method: "file", bytes: 0, start: start, end: start, attempts: 1, sha256: nil, error: nil)
        defer { outcome.end = Date().timeIntervalSince1970 }
        var info = stat()
        guard stat(source, &info) == 0 else {
            outcome.error = TransferError(errno == ENOENT ? .notFound : .failed, "\(request.source): \(String(cString: strerror(errno)))")
            return outcome
        }
        outcome.bytes = Int64(info.st_size)
        let folder = PartialFile.parent(of: destination)
        if !folder.isEmpty, let error = PartialFile.makeDirectories(folder) {
            outcome.error = TransferError(.destination, "\(destination): cannot create \(folder): \(String(cString: strerror(error)))")
            return outcome
        }
        let hashing = request.expectedSHA256 != nil || request.computeSHA256
        // A link shares the source's bytes: they are hashed (and checked) in place first.
        if request.linkMode != .copy, hashing {
            let hashStart = Date().timeIntervalSince1970
            guard let digest = try? SHA256.hash(file: source) else {
                outcome.error = TransferError(.failed, "\(request.source): cannot read: \(String(cString: strerror(errno)))")
                return outcome
            }
            outcome.checksumSeconds = Date().timeIntervalSince1970 - hashStart
            if let expected = request.expectedSHA256?.lowercased(), digest != expected {
                outcome.error = TransferError(.integrity, "\(request.source): sha256 is \(digest), the catalog says \(expected)")
                return outcome
            }
            outcome.sha256 = digest
        }
        switch request.linkMode {
        case .symbolicLink:
            if replace(destination, { symlink(source, $0) }) {
                outcome.method = "symlink"
                return outcome
            }
        case .hardLink:
            if replace(destination, { link(source, $0) }) {
                outcome.method = "hardlink"
                return outcome
            }
        case .copy:
            break
        }
        if outcome.sha256 != nil {
            // Hashed already: the copy need not hash again, only copy.
            var plain = request
            plain.expectedSHA256 = nil
            plain.computeSHA256 = false
            do {
                _ = try copy(source, to: destination, request: plain)
            } catch {
                outcome.error = error
                outcome.sha256 = nil
            }
            return outcome
        }
        do {
            (outcome.sha256, outcome.checksumSeconds) = try copy(source, to: destination, request: request)
        } catch {
            outcome.error = error
        }
        return outcome
    }

    /// Makes the link under a temporary name and renames it over the destination, so the
    /// destination is never missing or half made.
    private static func replace(_ destination: String, _ make: (String) -> Int32) -> Bool {
        let temporary = "\(destination).skein-link.\(getpid())"
        unlink(temporary)
        guard make(temporary) == 0 else { return false }
        guard rename(temporary, destination) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    private static func copy(_ source: String, to destination: String, request: TransferRequest) throws(TransferError) -> (String?, Double) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw TransferError(.notFound, "\(request.source): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        let partial = try PartialFile(destination: destination, hashing: request.expectedSHA256 != nil || request.computeSHA256)
        let size = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(input, buffer.baseAddress, size)
            if n < 0 {
                if errno == EINTR { continue }
                let error = errno
                partial.discard()
                throw TransferError(.failed, "\(request.source): cannot read: \(String(cString: strerror(error)))")
            }
            if n == 0 { break }
            guard partial.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) else { break }
        }
        let hashSeconds = partial.hashSeconds
        return (try partial.commit(expectedSHA256: request.expectedSHA256, source: request.source), hashSeconds)
    }
}
