import Foundation
import SkeinKickstart
import SkeinProvenance
import SkeinRunFormat

/// After an engine died (or could not write), the database may lag behind what really
/// happened while `engine.journal` does not: its last batch was lost, or its writes failed on
/// a full disk. So every attempt the journal saw gets its `job_instance` row and its
/// `jobstate` rows, closed as the journal says it ended (succeeded, failed, or interrupted
/// when it never ended), and an attempt that ended gets its `invocation` row from the
/// kickstart record on disk (issue 13, item 7).
extension ProvenanceRecorder {
    /// How one attempt of the journal ended.
    enum JournalEnd { case open, succeeded, failed }

    /// An attempt row as the database has it.
    struct RecordedAttempt {
        var instance: JobInstanceID
        var finished: Bool
        var hasInvocation: Bool
    }

    /// The journal's attempts in the order they started, each with how it ended.
    static func journalAttempts(_ entries: [RunJournal.Entry]) -> [(job: String, attempt: Int, end: JournalEnd)] {
        var order: [(String, Int)] = []
        var ends: [String: JournalEnd] = [:]
        func key(_ job: String, _ attempt: Int) -> String { "\(attempt) \(job)" }
        for entry in entries {
            switch entry {
            case .started(let job, let attempt) where job != "-":
                if ends[key(job, attempt)] == nil { order.append((job, attempt)); ends[key(job, attempt)] = .open }
            case .succeeded(let job, let attempt):
                if ends[key(job, attempt)] == nil { order.append((job, attempt)) }
                ends[key(job, attempt)] = .succeeded
            case .failed(let job, let attempt):
                if ends[key(job, attempt)] == nil { order.append((job, attempt)) }
                if ends[key(job, attempt)] != .succeeded { ends[key(job, attempt)] = .failed }
            default:
                continue
            }
        }
        return order.map { ($0.0, $0.1, ends[key($0.0, $0.1)] ?? .open) }
    }

    /// Completes the rows of the attempts the journal names (after a compaction: only those
    /// since, the others were committed before it) and closes rows left open.
    func reconcileAfterRestart(at time: Double) {
        let attempts: [(job: String, attempt: Int, end: JournalEnd)]
        do {
            attempts = Self.journalAttempts(try RunJournal.load(layout.journal).entries)
        } catch {
            onWriteFailure("cannot read the journal to complete the provenance database: \(error)")
            return
        }
        var index: [String: Int] = [:]
        let named = Set(attempts.map(\.job))
        for i in plan.jobs.indices where named.contains(plan.jobs[i].id) { index[plan.jobs[i].id] = i }  // no copy of each job
        let wfID = self.wfID
        let jobRows = index.values.compactMap { $0 < jobIDs.count && jobIDs[$0] != 0 ? jobIDs[$0] : nil }.sorted()
        let recorded: [String: RecordedAttempt]
        do {
            recorded = try writer.read { db -> [String: RecordedAttempt] in
                let columns = """
                    SELECT ji.job_instance_id, j.exec_job_id, ji.stdout_file, ji.exitcode,
                           EXISTS (SELECT 1 FROM invocation i WHERE i.job_instance_id = ji.job_instance_id)
                    """
                let select = columns + " FROM job_instance ji JOIN job j ON j.job_id = ji.job_id"
                var byKey: [String: RecordedAttempt] = [:]
                var unnamed = 0
                func add(_ rows: [SQLiteRow]) {
                    for row in rows {
                        guard let id = row[0].int, let job = row[1].string else { continue }
                        // Rows without an attempt file cannot be matched: keep them apart.
                        let file = row[2].string ?? { unnamed += 1; return "#\(unnamed)" }()
                        byKey[job + "\u{0}" + file] = RecordedAttempt(instance: JobInstanceID(id), finished: row[3].int != nil, hasInvocation: (row[4].int ?? 0) != 0)
                    }
                }
                // The open rows, and every row of the jobs the journal names: not every row
                // of a million jobs.
                // Through the index of open attempts (`skein_open_instance`): left to itself,
                // SQLite walked every job of the workflow.
                add(try db.query(columns + " FROM job_instance ji INDEXED BY skein_open_instance CROSS JOIN job j ON j.job_id = ji.job_id"
                                 + " WHERE ji.exitcode IS NULL AND j.wf_id = ?", [wfID]))
                for lower in stride(from: 0, to: jobRows.count, by: 500) {
                    let list = jobRows[lower..<min(lower + 500, jobRows.count)].map(String.init).joined(separator: ",")
                    add(try db.query(select + " WHERE ji.job_id IN (\(list))"))
                }
                return byKey
            }
        } catch {
            onWriteFailure("cannot read the provenance database to complete it: \(error)")
            return
        }
        var matched = Set<String>()
        for (jobName, attempt, end) in attempts {
            guard let i = index[jobName], i < jobIDs.count, jobIDs[i] != 0 else { continue }
            let jobID = jobIDs[i]
            let job = fullJob(i)
            let recordFile = layout.record(i, job.id, attempt: attempt)
            let key = job.id + "\u{0}" + layout.relative(recordFile)
            matched.insert(key)
            var row = recorded[key]
            if row == nil {
                let instance = writer.beginInstance(InstanceStart(
                    jobID: jobID, site: job.site, user: user, workDir: job.workingDirectory, stdoutFile: layout.relative(recordFile),
                    stderrFile: layout.relative(layout.stderr(i, job.id, attempt: attempt)), stdinFile: job.stdin))
                writer.jobState(instance, .submit, timestamp: time)
                row = RecordedAttempt(instance: instance, finished: false, hasInvocation: false)
            }
            guard let row else { continue }
            // Read only when a row needs it: most attempts are complete already.
            let needsRecord = end != .open && (!row.finished && end == .failed || !row.hasInvocation)
            let record = needsRecord ? (try? KickstartRecord.read(recordFile))?.invocations.first : nil
            if !row.finished {
                switch end {
                case .open: close(row.instance, succeeded: false, reason: "interrupted: the engine stopped while this attempt ran", at: time)
                case .succeeded: close(row.instance, succeeded: true, reason: "recovered from engine.journal after the engine stopped", at: time)
                case .failed: close(row.instance, succeeded: false, reason: "recovered from engine.journal: " + (record?.outcome ?? "failed"), at: time)
                }
            }
            if !row.hasInvocation, end != .open, job.isClustered {
                reconcileClusterInvocations(job, recordFile: recordFile, instance: row.instance)
            } else if !row.hasInvocation, let record, job.recordedTasks.count == 1, let task = job.recordedTasks.first {
                insertInvocation(from: record, instance: row.instance, task: task, succeeded: end == .succeeded)
            }
        }
        // Open rows the journal does not know (its line was lost): they did not finish here.
        for (key, row) in recorded where !row.finished && !matched.contains(key) {
            close(row.instance, succeeded: false, reason: "interrupted: the engine stopped while this attempt ran", at: time)
        }
        commit()
    }

    private func insertInvocation(from record: KickstartRecord.Invocation, instance: JobInstanceID, task: ExecutableTask, succeeded: Bool) {
        let start = (record.mainStart ?? record.start).flatMap(KickstartRecord.epoch) ?? 0
        let duration = record.mainDuration ?? record.duration ?? 0
        let cpu = record.cpu
        _ = writer.insertInvocation(InvocationRow(
            instanceID: instance, taskSubmitSeq: 1, startTime: start, remoteDuration: duration, remoteCPUTime: cpu,
            exitcode: record.rawStatus ?? (succeeded ? 0 : 256), transformation: task.transformation, executable: task.executable,
            argv: task.arguments.joined(separator: " "), absTaskID: task.id, maxrss: record.maxrssKB,
            avgCPU: cpu.flatMap { duration > 0 ? $0 / duration : nil }))
    }
}
