import Foundation
import SkeinRunFormat

/// The first write of the run's own files (provenance, the journal, a record) that failed.
/// Kept outside the engine queue so any thread (the provenance writer's, a worker) can set
/// it and the caller of `run()` can read it once the run ends.
final class WriteFailureCause: @unchecked Sendable {
    private let lock = NSLock()
    private var first: String?

    /// Keeps `message` when it is the first failure; true then.
    func keep(_ message: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard first == nil else { return false }
        first = message
        return true
    }

    var message: String? {
        lock.lock()
        defer { lock.unlock() }
        return first
    }
}

/// A run whose records cannot be written must not go on as if they were (issue 13, item 6:
/// a full disk made a run "succeed" with an empty database). The first failure is printed at
/// once, the engine starts no more jobs and lets the running ones finish (the halt rules),
/// and the run ends with the cause (`writeFailure`); once space is freed, `skein run RUNDIR`
/// resumes it and completes the database from the journal and the records.
extension WorkflowEngine {
    /// Why the run's records could not be written, if they could not: set at the first
    /// failure, read after `run()` returns.
    public var writeFailure: String? { writeFailureCause.message }

    /// Reports a failed write of provenance, the journal or a record. Safe from any thread.
    public func reportWriteFailure(_ message: String) {
        guard writeFailureCause.keep(message) else { return }
        FileHandle.standardError.write(Data("skein: \(message)\nskein: starting no more jobs; running ones finish. Free space, then `skein run \(plan.runDirectory)` completes the run and its database.\n".utf8))
        queue.async { [self] in
            guard !scheduler.isFinished else { return }
            perform(scheduler.handle(.command(.halt), now: clock.now()))
        }
    }

    /// Queues a journal line, written by the next `flushJournal` (before the next process
    /// starts, at the latest at the end of this turn of the engine's queue). On the queue.
    func log(_ entry: RunJournal.Entry) {
        journalBuffer.append(entry)
    }

    /// Writes the queued journal lines with one `write`; a failure stops the run (see
    /// `reportWriteFailure`). On the queue.
    func flushJournal() {
        guard !journalBuffer.isEmpty else { return }
        let entries = journalBuffer
        journalBuffer.removeAll(keepingCapacity: true)
        if let error = journal.append(contentsOf: entries) { reportWriteFailure(error.description) }
    }
}
