#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// An append-only log of attempts started and jobs that succeeded, written with one
/// `write` per event. It survives `kill -9` of the engine (the data is in the kernel, not
/// in a buffer of ours) even when the batched provenance writes of the last moments do not,
/// so a resumed run never runs a succeeded job again.
public final class RunJournal: @unchecked Sendable {
    public enum Entry: Equatable, Sendable {
        case started(job: String, attempt: Int)
        /// The process group of a started attempt, so a later engine can end it if this
        /// engine dies first.
        case process(job: String, attempt: Int, id: String)
        case succeeded(job: String, attempt: Int)
        /// An attempt that ended without success: its process is gone.
        case failed(job: String, attempt: Int)
    }

    private let fd: Int32
    public let path: String

    public init(path: String) throws {
        self.path = path
        fd = PrivateFile.openForAppend(path)
        guard fd >= 0 else { throw RunFormatError("cannot open \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    /// Appends one line with one `write`. Returns the failure (a full disk, a file size
    /// limit) instead of dropping it, so the engine can stop at once: a journal that lost a
    /// line can no longer tell a resume what ran. A torn line is cut off again, so the next
    /// line does not join it.
    @discardableResult
    public func append(_ entry: Entry) -> RunFormatError? {
        append(contentsOf: [entry])
    }

    /// Appends the lines of several entries with one `write` (the engine's lines of one turn:
    /// a job that succeeded and the next one started), with the same failure handling.
    @discardableResult
    public func append(contentsOf entries: [Entry]) -> RunFormatError? {
        var bytes: [UInt8] = []
        for entry in entries { bytes += Self.line(entry).utf8 }
        var written: Int
        repeat {
            written = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
        } while written < 0 && errno == EINTR
        if written == bytes.count { return nil }
        let reason = written < 0 ? String(cString: strerror(errno)) : "only \(written) of \(bytes.count) bytes written (is the disk full?)"
        if written > 0 {
            let end = lseek(fd, 0, SEEK_END)
            if end >= written { _ = ftruncate(fd, end - off_t(written)) }
        }
        return RunFormatError("cannot write the journal \(path): \(reason)")
    }

    private static func line(_ entry: Entry) -> String {
        switch entry {
        case .started(let job, let attempt): return "A \(attempt) \(job)\n"
        case .succeeded(let job, let attempt): return "S \(attempt) \(job)\n"
        case .failed(let job, let attempt): return "F \(attempt) \(job)\n"
        case .process(let job, let attempt, let id): return "P \(attempt) \(id) \(job)\n"
        }
    }

    /// What an earlier engine of this run recorded. A torn last line (a kill mid-write) is ignored.
    public static func read(_ path: String) -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var entries: [Entry] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("P ") {
                let p = line.split(separator: " ", maxSplits: 3)
                if p.count == 4, let attempt = Int(p[1]) { entries.append(.process(job: String(p[3]), attempt: attempt, id: String(p[2]))) }
                continue
            }
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, let attempt = Int(parts[1]) else { continue }
            switch parts[0] {
            case "A": entries.append(.started(job: String(parts[2]), attempt: attempt))
            case "S": entries.append(.succeeded(job: String(parts[2]), attempt: attempt))
            case "F": entries.append(.failed(job: String(parts[2]), attempt: attempt))
            default: continue
            }
        }
        return entries
    }
}
