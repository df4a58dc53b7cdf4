#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// An append-only log of attempts started and jobs that succeeded, written with one
/// `write` per event. It survives `kill -9` of the engine (the data is in the kernel, not
/// in a buffer of ours) even when the batched provenance writes of the last moments do not,
/// so a resumed run never runs a succeeded job again. Every so many attempts the engine folds
/// it into `engine.journal.checkpoint` and starts it again (`compact`, `JournalCheckpoint`).
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

    /// Replaced by `compact`, under `lock` (process lines come from other threads).
    private var fd: Int32
    private let lock = NSLock()
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
        lock.lock()
        defer { lock.unlock() }
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

    static func line(_ entry: Entry) -> String {
        switch entry {
        case .started(let job, let attempt): return "A \(attempt) \(job)\n"
        case .succeeded(let job, let attempt): return "S \(attempt) \(job)\n"
        case .failed(let job, let attempt): return "F \(attempt) \(job)\n"
        case .process(let job, let attempt, let id): return "P \(attempt) \(id) \(job)\n"
        }
    }

    /// What an earlier engine of this run recorded. A torn last line (a kill mid-write) is
    /// ignored. Only the lines since the last compaction: `load` adds the checkpoint.
    public static func read(_ path: String) -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return entries(of: data)
    }

    static func entries(of data: Data) -> [Entry] {
        String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).compactMap(entry(of:))
    }

    /// The entry of one line; nil for a torn line and for the generation line (`G 3`).
    static func entry(of line: Substring) -> Entry? {
        if line.hasPrefix("P ") {
            let p = line.split(separator: " ", maxSplits: 3)
            guard p.count == 4, let attempt = Int(p[1]) else { return nil }
            return .process(job: String(p[3]), attempt: attempt, id: String(p[2]))
        }
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count == 3, let attempt = Int(parts[1]) else { return nil }
        switch parts[0] {
        case "A": return .started(job: String(parts[2]), attempt: attempt)
        case "S": return .succeeded(job: String(parts[2]), attempt: attempt)
        case "F": return .failed(job: String(parts[2]), attempt: attempt)
        default: return nil
        }
    }

    /// The generation a compacted journal starts with (`G 3`); 0 for one never compacted.
    static func generation(of data: Data) -> Int {
        guard data.starts(with: Array("G ".utf8)) else { return 0 }
        let end = data.firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
        return Int(String(decoding: data[data.startIndex.advanced(by: 2)..<end], as: UTF8.self)) ?? 0
    }

    /// Everything earlier engines recorded: the last checkpoint (nil: never compacted) and the
    /// journal lines it does not hold. A journal older than the checkpoint (a kill between
    /// the checkpoint's write and the journal's replacement) is all in the checkpoint already.
    public static func load(_ path: String) throws -> (checkpoint: JournalCheckpoint?, entries: [Entry]) {
        let data = FileManager.default.contents(atPath: path) ?? Data()
        guard let checkpoint = try JournalCheckpoint.read(JournalCheckpoint.path(forJournal: path)) else { return (nil, entries(of: data)) }
        if generation(of: data) < checkpoint.generation { return (checkpoint, checkpoint.open) }
        return (checkpoint, entries(of: data))
    }

    /// Finishes a compaction a kill interrupted after its checkpoint was in place: the old
    /// journal (all in the checkpoint) is replaced by the checkpoint's open lines, before an
    /// engine appends to it. Only the engine that holds the run's lock may call it.
    public static func finishCompaction(_ path: String, checkpoint: JournalCheckpoint) -> RunFormatError? {
        let data = FileManager.default.contents(atPath: path) ?? Data()
        guard generation(of: data) < checkpoint.generation else { return nil }
        return replaceFile(path, with: Data(("G \(checkpoint.generation)\n" + checkpoint.open.map(line).joined()).utf8))
    }

    /// Folds the journal's lines into `checkpoint` and replaces the journal with the lines of
    /// the attempts still open: a resume then reads a summary and a short journal. The caller
    /// must have committed the run database first (attempts that ended are not completed from
    /// the journal again). Lines appended meanwhile from other threads wait on the lock.
    public func compact(into checkpoint: inout JournalCheckpoint, jobIndex: (String) -> Int?) -> RunFormatError? {
        lock.lock()
        defer { lock.unlock() }
        guard let data = FileManager.default.contents(atPath: path) else { return RunFormatError("cannot read the journal \(path) to compact it") }
        var next = checkpoint
        // The journal starts with the open lines the checkpoint keeps a copy of.
        if Self.generation(of: data) == next.generation { next.open = [] }
        next.fold(Self.entries(of: data), jobIndex: jobIndex)
        next.generation += 1
        // The new journal is written (not yet in place) before the checkpoint, so that once
        // the checkpoint is, only a rename is left to do.
        let fresh = "G \(next.generation)\n" + next.open.map(Self.line).joined()
        if let error = Self.writeTemporary(path, Data(fresh.utf8)) { return error }
        if let error = next.write(to: JournalCheckpoint.path(forJournal: path)) {
            unlink(path + ".new")
            return error
        }
        // From here on the checkpoint holds everything: a kill before the rename below leaves
        // the old journal, which `load` then skips.
        checkpoint = next
        if rename(path + ".new", path) != 0 { return RunFormatError("cannot replace \(path): \(String(cString: strerror(errno)))") }
        let reopened = PrivateFile.openForAppend(path)
        guard reopened >= 0 else { return RunFormatError("cannot open \(path): \(String(cString: strerror(errno)))") }
        close(fd)
        fd = reopened
        return nil
    }

    /// Writes `data` into `path` whole or not at all: a private new file, synced, renamed over.
    static func replaceFile(_ path: String, with data: Data) -> RunFormatError? {
        if let error = writeTemporary(path, data) { return error }
        if rename(path + ".new", path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(path + ".new")
            return RunFormatError("cannot write \(path): \(reason)")
        }
        return nil
    }

    /// Writes `data` into `PATH.new`, a private new file, and syncs it.
    static func writeTemporary(_ path: String, _ data: Data) -> RunFormatError? {
        let temporary = path + ".new"
        unlink(temporary)
        let out = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard out >= 0 else { return RunFormatError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        var offset = 0
        var failure: String?
        data.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = write(out, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = n < 0 ? String(cString: strerror(errno)) : "no space left"; return }
                offset += n
            }
        }
        if failure == nil, fsync(out) != 0 { failure = String(cString: strerror(errno)) }
        close(out)
        if let failure {
            unlink(temporary)
            return RunFormatError("cannot write \(temporary): \(failure) (is the disk full?)")
        }
        return nil
    }
}
