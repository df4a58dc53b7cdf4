#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The sha256 of every file the run's jobs made, hashed by the engine when a job ends well,
/// so a later job (or stage-out) that reads the file verifies it first: Pegasus keeps the
/// same in `<label>-0.cache.meta`, fed by kickstart's checksums. One `write` per job, in
/// `sha256sum`'s format (`HEX  lfn`), appended: it survives a killed engine like the journal,
/// and the last line of an lfn wins (a retried job's new output).
public final class ProducedChecksums: @unchecked Sendable {
    private let lock = NSLock()
    private var byLFN: [String: String]
    private let fd: Int32
    public let path: String

    /// Opens (creating) the file and reads what earlier engines of the run recorded.
    public init(path: String) {
        self.path = path
        byLFN = Self.read(path)
        fd = PrivateFile.openForAppend(path)
    }

    deinit { if fd >= 0 { close(fd) } }

    public subscript(lfn: String) -> String? { lock.withLock { byLFN[lfn] } }

    /// Records a job's files; false when the line could not be written (the checksums still
    /// serve this engine).
    @discardableResult
    public func record(_ checksums: [(lfn: String, sha256: String)]) -> Bool {
        guard !checksums.isEmpty else { return true }
        lock.withLock { for entry in checksums { byLFN[entry.lfn] = entry.sha256 } }
        guard fd >= 0 else { return false }
        let bytes = Array(checksums.map { "\($0.sha256)  \($0.lfn)\n" }.joined().utf8)
        var written: Int
        repeat {
            written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        } while written < 0 && errno == EINTR
        return written == bytes.count
    }

    /// The recorded checksums by lfn; a torn last line (a kill mid-write) is ignored.
    public static func read(_ path: String) -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if !text.hasSuffix("\n") { lines.removeLast() }
        var result: [String: String] = [:]
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64, parts[1].hasPrefix(" "), parts[1].count > 1 else { continue }
            result[String(parts[1].dropFirst())] = String(parts[0])
        }
        return result
    }
}
