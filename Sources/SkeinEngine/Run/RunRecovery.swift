import Foundation
import SkeinRunFormat

/// What earlier engines of a run left behind, read from its journal: which jobs succeeded
/// (never run again), where attempt numbers continue, how many engines started before, and
/// which attempts may still be running without an engine (orphans).
public struct ResumeState: Sendable, Equatable {
    /// Plan indices of jobs that succeeded.
    public var succeeded: Set<Int> = []
    /// The next attempt number of jobs that ran, by plan index (after a compaction: of the
    /// jobs that have not succeeded, the only ones that can run again).
    public var nextAttempt: [Int: Int] = [:]
    /// Engines that started before this one.
    public var restartCount = 0
    /// Executor ids (`local:PID`, `slurm:JOBID`) of attempts started and never seen to end,
    /// by job id.
    public var orphans: [String: String] = [:]
    /// Jobs whose last attempt started but whose process never made it into the journal (the
    /// engine died between the launch and that line): only their environment finds them.
    public var startedWithoutProcess: Set<String> = []

    public init() {}
}

/// Reads a journal into a `ResumeState`: pure, so every rule of a resume is unit-tested
/// without an engine.
public enum RunRecovery {
    /// `jobIndex` maps job ids to plan indices; entries of jobs the plan lacks count only as
    /// orphans (their processes are still someone's to end). `checkpoint`: what the journal's
    /// compacted lines said (`JournalCheckpoint`); `journal` then holds the lines after it.
    public static func replay(_ journal: [RunJournal.Entry], checkpoint: JournalCheckpoint? = nil, jobIndex: [String: Int]) -> ResumeState {
        var state = ResumeState()
        if let checkpoint {
            state.restartCount = checkpoint.restarts
            state.succeeded = Set(checkpoint.succeeded)
            state.nextAttempt = checkpoint.nextAttempt
        }
        for entry in journal {
            switch entry {
            case .process(let job, _, let id):
                state.orphans[job] = id
                state.startedWithoutProcess.remove(job)
            case .started(let id, let attempt):
                if id == "-" { state.restartCount += 1; continue }
                if let i = jobIndex[id] { state.nextAttempt[i] = max(state.nextAttempt[i] ?? 0, attempt + 1) }
                state.startedWithoutProcess.insert(id)
            case .succeeded(let id, _):
                if let i = jobIndex[id] { state.succeeded.insert(i) }
                state.orphans[id] = nil
                state.startedWithoutProcess.remove(id)
            case .failed(let id, _):
                state.orphans[id] = nil
                state.startedWithoutProcess.remove(id)
            }
        }
        return state
    }

    /// The state a run's journal and its checkpoint give. Throws when the checkpoint is
    /// damaged or belongs to another plan (its indices would name other jobs).
    public static func load(journal path: String, jobIndex: [String: Int], jobCount: Int) throws -> ResumeState {
        let (checkpoint, entries) = try RunJournal.load(path)
        if let checkpoint, checkpoint.jobCount != jobCount {
            throw RunFormatError("\(JournalCheckpoint.path(forJournal: path)) is for a plan of \(checkpoint.jobCount) jobs, this plan has \(jobCount): plan the workflow again")
        }
        return replay(entries, checkpoint: checkpoint, jobIndex: jobIndex)
    }
}
