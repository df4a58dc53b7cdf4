import SkeinRunFormat

/// What earlier engines of a run left behind, read from its journal: which jobs succeeded
/// (never run again), where attempt numbers continue, how many engines started before, and
/// which attempts may still be running without an engine (orphans).
public struct ResumeState: Sendable, Equatable {
    /// Plan indices of jobs that succeeded.
    public var succeeded: Set<Int> = []
    /// The next attempt number of jobs that ran, by plan index.
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
    /// orphans (their processes are still someone's to end).
    public static func replay(_ journal: [RunJournal.Entry], jobIndex: [String: Int]) -> ResumeState {
        var state = ResumeState()
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
}
