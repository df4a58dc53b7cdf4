import SkeinRunFormat

/// A million jobs write about three million journal lines; a resume that read them all, and
/// completed the database for every attempt they name, took longer than running jobs
/// (issue 15). So every `journalCompactionEvery` ended attempts the engine commits the
/// observers' records (the provenance database) and folds the journal into its checkpoint
/// (`RunJournal.compact`): a resume reads a summary plus the lines since.
extension WorkflowEngine {
    /// Compacts the journal once enough attempts ended since the last time. On the queue,
    /// after `flushJournal`.
    func compactJournalWhenDue() {
        endedSinceCompaction += 1
        guard options.journalCompactionEvery > 0, endedSinceCompaction >= options.journalCompactionEvery else { return }
        compactJournal()
    }

    /// Folds the journal into its checkpoint, unless a record could not be written: then the
    /// journal is what completes the database on resume, and stays whole.
    func compactJournal() {
        endedSinceCompaction = 0
        guard writeFailure == nil, journalBuffer.isEmpty else { return }
        for o in observers where !o.commitBeforeJournalCompaction() { return }
        if let error = journal.compact(into: &journalCheckpoint, jobIndex: { [indexByID] in indexByID[$0] }) {
            reportWriteFailure(error.description)
        }
    }
}
