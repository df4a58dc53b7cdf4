/// What a run database says about each job of a workflow, for resuming a run: which jobs are
/// done (their last attempt exited 0) and which submit sequence numbers are taken. Pegasus's
/// own rule is used: a job's result is the exitcode of its instance with the highest
/// job_submit_seq.
public struct StampedeResumeState: Sendable, Equatable {
    public let wfID: WorkflowID
    /// exec_job_ids whose last attempt succeeded (exitcode 0): do not run them again.
    public var succeeded: Set<String> = []
    /// exec_job_ids whose last attempt failed (non-zero exitcode).
    public var failed: Set<String> = []
    /// exec_job_ids whose last attempt never finished (exitcode NULL: the engine died).
    public var interrupted: Set<String> = []
    /// Number of attempts (job_instance rows) per exec_job_id.
    public var attempts: [String: Int] = [:]
    /// Highest job_submit_seq per exec_job_id.
    public var lastSubmitSeq: [String: Int] = [:]
    /// A submit sequence greater than every one used in this workflow.
    public var nextWorkflowSubmitSeq: Int = 1

    /// The next submit sequence for one job (1 when it never ran).
    public func nextSubmitSeq(forJob execJobID: String) -> Int { (lastSubmitSeq[execJobID] ?? 0) + 1 }

    /// Reads the state of workflow `wfID` from an open database.
    public static func load(from db: SQLiteDatabase, wfID: WorkflowID) throws -> StampedeResumeState {
        var state = StampedeResumeState(wfID: wfID)
        let rows = try db.query("""
            SELECT j.exec_job_id, ji.job_submit_seq, ji.exitcode,
                   (SELECT count(*) FROM job_instance c WHERE c.job_id = j.job_id) AS attempts
            FROM job j JOIN job_instance ji ON ji.job_id = j.job_id
            WHERE j.wf_id = ? AND ji.job_submit_seq =
                  (SELECT max(m.job_submit_seq) FROM job_instance m WHERE m.job_id = j.job_id)
            """, [wfID])
        var maxSeq = 0
        for row in rows {
            guard let name = row[0].string, let seq = row[1].int else { continue }
            state.lastSubmitSeq[name] = Int(seq)
            state.attempts[name] = Int(row[3].int ?? 0)
            maxSeq = max(maxSeq, Int(seq))
            switch row[2].int {
            case .none: state.interrupted.insert(name)
            case .some(0): state.succeeded.insert(name)
            case .some: state.failed.insert(name)
            }
        }
        state.nextWorkflowSubmitSeq = maxSeq + 1
        return state
    }

    /// Opens the database at `path` read-only and reads the workflow with `wfUUID`
    /// (nil: the root workflow). Returns nil when that workflow is not in the file.
    public static func load(databasePath path: String, wfUUID: String? = nil) throws -> StampedeResumeState? {
        let db = try SQLiteDatabase(path: path, readOnly: true)
        let id: SQLiteValue
        if let wfUUID {
            id = try db.scalar("SELECT wf_id FROM workflow WHERE wf_uuid = ?", [wfUUID])
        } else {
            id = try db.scalar("SELECT wf_id FROM workflow WHERE parent_wf_id IS NULL ORDER BY wf_id LIMIT 1")
        }
        guard let wfID = id.int else { return nil }
        return try load(from: db, wfID: wfID)
    }
}

extension StampedeWriter {
    /// The resume state of workflow `wfID` as this writer sees it (pending writes committed first).
    public func resumeState(_ wfID: WorkflowID) throws -> StampedeResumeState {
        try read { try StampedeResumeState.load(from: $0, wfID: wfID) }
    }
}
