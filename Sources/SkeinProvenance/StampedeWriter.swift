import Dispatch
import Foundation

/// A failed write, reported after the fact (writes are asynchronous).
public struct StampedeWriteError: Error, CustomStringConvertible, Sendable {
    /// What was being written, e.g. "jobstate 12 EXECUTE #2".
    public let operation: String
    public let underlying: String
    public var description: String { "provenance write failed (\(operation)): \(underlying)" }
}

/// The engine's only writer of one run database (stampede schema v14).
///
/// Why it looks like this: the engine's scheduler must never wait on SQLite (a COMMIT on NFS
/// can take tens of milliseconds), so every call only allocates ids in memory and queues the
/// write; a serial DispatchQueue applies queued writes in batches, one transaction per batch
/// (when `batchSize` writes are pending, after `flushInterval`, or on `flush()`/`close()`).
/// Ids equal the SQLite row ids and continue from the file's max ids when a run is resumed.
/// Failed writes are reported to `errorHandler` and by the next `flush()`; a failed batch is
/// replayed op by op so one bad row does not lose the others.
public final class StampedeWriter: @unchecked Sendable {
    /// Path of the database file.
    public let path: String
    /// The journal mode actually in effect ("WAL" or "DELETE").
    public let journalMode: String
    /// Pending writes that trigger an immediate flush. Large (4096 by default, about 400
    /// attempts' rows): each commit rewrites the pages it touched into the WAL, so a few large
    /// commits write far less than many small ones; `flushInterval` still bounds the wait.
    public let batchSize: Int
    /// Longest time a write waits in memory before it is committed.
    public let flushInterval: Double

    private let queue: DispatchQueue
    private let lock = NSLock()
    private let errorHandler: (@Sendable (StampedeWriteError) -> Void)?
    // Guarded by `lock`:
    private var ids: StampedeIDs
    private var pending: [StampedeOp] = []
    private var timerArmed = false
    private var drainScheduled = false
    private var errors: [StampedeWriteError] = []
    private var closed = false
    // Touched only on `queue`:
    private var db: SQLiteDatabase?

    /// Opens (creating if needed) the run database at `path`, prepares or checks the schema,
    /// sets the journal mode by `journal`, and loads the ids already in the file.
    public init(path: String, journal: JournalPolicy = .automatic, batchSize: Int = 4096,
                flushInterval: Double = 0.25, busyTimeout: Double = 30,
                errorHandler: (@Sendable (StampedeWriteError) -> Void)? = nil) throws {
        let db = try SQLiteDatabase(path: path, busyTimeout: busyTimeout)
        let wanted = journal.resolve(forDatabaseAt: path)
        self.journalMode = try db.setJournalMode(wanted)
        if journalMode == "WAL" { try db.execute("PRAGMA synchronous=NORMAL") }
        try StampedeSchema.prepare(db)
        try db.execute(Self.openInstanceIndex)
        try db.execute(Self.jobRowsTable)
        self.ids = try StampedeIDs.load(from: db)
        self.db = db
        self.path = path
        self.batchSize = max(1, batchSize)
        self.flushInterval = flushInterval
        self.errorHandler = errorHandler
        self.queue = DispatchQueue(label: "skein.provenance.writer")
    }

    deinit { if let db { try? drain(db) } }

    // MARK: - Queueing

    /// Allocates ids and queues ops under the lock; schedules the flush.
    func enqueue<T>(_ body: (inout StampedeIDs) -> (T, [StampedeOp])) -> T {
        lock.lock()
        let (result, ops) = body(&ids)
        if closed {
            errors.append(StampedeWriteError(operation: ops.map(\.description).joined(separator: ", "),
                                             underlying: "writer is closed"))
            lock.unlock()
            return result
        }
        pending.append(contentsOf: ops)
        let full = pending.count >= batchSize && !drainScheduled
        let arm = !full && !timerArmed && !pending.isEmpty
        if full { drainScheduled = true }
        if arm { timerArmed = true }
        lock.unlock()
        if full {
            queue.async { self.drainOnQueue() }
        } else if arm {
            queue.asyncAfter(deadline: .now() + flushInterval) { self.drainOnQueue() }
        }
        return result
    }

    private func drainOnQueue() {
        guard let db else { return }
        try? drain(db)
    }

    /// Applies every pending op in one transaction; on failure replays them one by one.
    private func drain(_ db: SQLiteDatabase) throws {
        lock.lock()
        let ops = pending
        pending.removeAll(keepingCapacity: true)
        timerArmed = false
        drainScheduled = false
        lock.unlock()
        guard !ops.isEmpty else { return }
        do {
            try db.transaction { try StampedeOp.apply(ops, to: db) }
        } catch {
            var failures: [StampedeWriteError] = []
            try? db.transaction {
                for op in ops {
                    do { try db.transaction { try op.apply(to: db) } } catch {
                        failures.append(StampedeWriteError(operation: op.description, underlying: "\(error)"))
                    }
                }
            }
            if failures.isEmpty {  // the batch failed as a whole (e.g. BEGIN could not lock)
                failures.append(StampedeWriteError(operation: "\(ops.count) writes", underlying: "\(error)"))
            }
            lock.lock(); errors.append(contentsOf: failures); lock.unlock()
            failures.forEach { errorHandler?($0) }
        }
    }

    /// Commits everything queued so far, waiting for it. Throws the first write error since
    /// the previous flush. Must not be called from the writer's own queue.
    public func flush() throws {
        dispatchPrecondition(condition: .notOnQueue(queue))
        queue.sync { if let db { try? drain(db) } }
        lock.lock()
        let failed = errors
        errors.removeAll()
        lock.unlock()
        if let first = failed.first { throw first }
    }

    /// Flushes and closes the database (a WAL file is checkpointed into the main file).
    /// Later writes are refused and reported.
    public func close() throws {
        lock.lock(); closed = true; lock.unlock()
        defer { queue.sync { db = nil } }
        try flush()
    }

    /// The job_id of every job of workflow `wfID` the writer knows (in the file or queued), by
    /// exec_job_id: a resumed run's jobs, without writing their rows again.
    public func jobIDs(of wfID: WorkflowID) -> [String: JobID] {
        loadNames(of: wfID)
        lock.lock()
        defer { lock.unlock() }
        return ids.jobs[wfID] ?? [:]
    }

    /// Reads the job and task names of workflow `wfID` from the file once, before the writer
    /// inserts jobs or tasks of it (a resumed workflow's rows keep their ids, nothing is
    /// inserted twice). Must not be called from the writer's own queue.
    func loadNames(of wfID: WorkflowID) {
        lock.lock()
        let loaded = ids.namesLoaded.contains(wfID)
        lock.unlock()
        guard !loaded else { return }
        let names = try? queue.sync { () -> (jobs: [String: JobID], tasks: [String: TaskID])? in
            guard let db else { return nil }
            try drain(db)
            return try StampedeIDs.names(of: wfID, in: db)
        }
        lock.lock()
        defer { lock.unlock() }
        guard !ids.namesLoaded.contains(wfID), let names else { return }
        ids.jobs[wfID, default: [:]].merge(names.jobs) { mine, _ in mine }
        ids.tasks[wfID, default: [:]].merge(names.tasks) { mine, _ in mine }
        ids.namesLoaded.insert(wfID)
    }

    /// Runs `body` on the writer's connection after all queued writes are committed: for
    /// readers that need the writer's view (resume decisions, tests).
    public func read<T>(_ body: (SQLiteDatabase) throws -> T) throws -> T {
        dispatchPrecondition(condition: .notOnQueue(queue))
        return try queue.sync {
            guard let db else { throw SQLiteError(path: path, operation: "read", code: 21, message: "writer is closed") }
            try drain(db)
            return try body(db)
        }
    }
}

extension StampedeWriter {
    /// The attempts still open (exitcode NULL) in an index of their own: a resume finds them
    /// without reading every attempt's row (900,000 at a million jobs, with their output).
    /// Not part of Pegasus's schema; its readers ignore an extra index.
    static let openInstanceIndex = """
        CREATE INDEX IF NOT EXISTS skein_open_instance ON job_instance (job_instance_id) WHERE exitcode IS NULL
        """

    /// Skein's own table (Pegasus's readers ignore extra tables): the job ids of a workflow,
    /// `job_count` of them from `first_job_id` in plan order, reserved before any of its
    /// rows is written, and whether its job, edge and task rows are all written. The engine
    /// writes them while its first jobs run, and a resume takes the ids from here instead of
    /// reading a million job names and counting the edge and task rows (`ProvenanceRecorder`).
    static let jobRowsTable = """
        CREATE TABLE IF NOT EXISTS skein_job_rows (wf_id INTEGER PRIMARY KEY, job_count INTEGER NOT NULL, first_job_id INTEGER NOT NULL,
          complete INTEGER NOT NULL)
        """

    /// What `skein_job_rows` says of one workflow.
    public struct JobRowsMark: Equatable, Sendable {
        public var jobCount: Int
        public var firstJobID: JobID
        public var complete: Bool
    }

    /// Reserves `count` consecutive job ids for the jobs of workflow `wfID` in plan order and
    /// queues their mark (not complete); returns the first. Their rows come later
    /// (`insertJobs(_:_:firstJobID:)`), while attempts of the jobs are already recorded.
    public func reserveJobIDs(_ wfID: WorkflowID, count: Int) -> JobID {
        enqueue { ids in
            let first = ids.lastJob + 1
            ids.lastJob += Int64(count)
            if count > 0 { ids.jobWorkflow.assign(first...ids.lastJob, to: wfID) }
            return (first, [.jobRowsMark(wfID, jobCount: count, firstJobID: first, complete: false)])
        }
    }

    /// Inserts `job` rows with the ids reserved for them (`reserveJobIDs`), `firstJobID` the
    /// id of `rows[0]`; rows already in the file (an earlier engine wrote them) are kept.
    public func insertJobs(_ wfID: WorkflowID, _ rows: [JobRow], firstJobID: JobID) {
        enqueue { _ in ((), rows.isEmpty ? [] : [.reservedJobs(wfID, rows.enumerated().map { (firstJobID + JobID($0.offset), $0.element) })]) }
    }

    /// Marks (with the next batch) every job, edge and task row of workflow `wfID` written,
    /// its `jobCount` jobs numbered from `firstJobID` in plan order.
    public func jobRowsComplete(_ wfID: WorkflowID, jobCount: Int, firstJobID: JobID) {
        enqueue { _ in ((), [.jobRowsMark(wfID, jobCount: jobCount, firstJobID: firstJobID, complete: true)]) }
    }

    /// The mark of workflow `wfID`; nil when there is none (an engine before it, or none yet).
    public func jobRowsMark(_ wfID: WorkflowID) -> JobRowsMark? {
        let row = try? read { db in try db.query("SELECT job_count, first_job_id, complete FROM skein_job_rows WHERE wf_id = ?", [wfID]).first }
        guard let row, let count = row[0].int, let first = row[1].int else { return nil }
        return JobRowsMark(jobCount: Int(count), firstJobID: first, complete: (row[2].int ?? 0) != 0)
    }

    /// Whether the file has any `job` row of workflow `wfID`.
    public func hasJobRows(_ wfID: WorkflowID) -> Bool {
        (try? read { db in try db.query("SELECT 1 FROM job WHERE wf_id = ? LIMIT 1", [wfID]).isEmpty == false }) ?? false
    }
}
