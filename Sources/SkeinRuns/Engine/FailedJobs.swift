import SkeinEngine
import SkeinRunFormat

/// Which jobs of a stopped run failed for good, read from its journal: their last attempt
/// failed and it was their last allowed one. `skein retry RUN JOB` keeps every such job
/// failed except the ones it names, as a retry in a live engine would.
public enum FailedJobs {
    /// Job id -> last (failed) attempt.
    public static func forGood(in plan: ExecutablePlan, options: EngineOptions) -> [String: Int] {
        var lastFailed: [String: Int] = [:]
        for entry in RunJournal.readExpanded(RunLayout(runDirectory: plan.runDirectory).journal, jobs: plan.jobs) {
            switch entry {
            case .failed(let job, let attempt): lastFailed[job] = attempt
            case .started(let job, _), .succeeded(let job, _): lastFailed[job] = nil
            case .process: break
            }
        }
        var result: [String: Int] = [:]
        for job in plan.jobs {
            if let attempt = lastFailed[job.id], attempt >= options.retries(for: job) { result[job.id] = attempt }
        }
        return result
    }
}
