import Foundation
import SkeinEngine
import SkeinRunFormat

extension EngineOptions {
    /// How an engine runs `plan` under the run's stored settings: limits given on the command
    /// line win over pegasus.properties; `stayFailed` as `FailedJobs` says.
    public init(settings: EngineSettings, plan: ExecutablePlan, stayFailed: [String: Int] = [:]) {
        self.init(
            maxJobs: settings.effectiveMaxJobs, batchMaxJobs: settings.batchMaxJobs,
            categoryLimits: plan.categoryLimits.merging(settings.categoryLimits) { _, commandLine in commandLine },
            defaultRetries: settings.retries, stayFailed: stayFailed)
    }
}

extension SlurmSettings {
    /// The stored Slurm options, with the skein-kickstart the nodes run around each job.
    public init(settings: EngineSettings.Slurm, kickstart: String) {
        self.init(pollInterval: settings.pollInterval, submitRate: settings.submitRate, maxQueued: settings.maxQueued,
                  kickstart: kickstart, jobCompletionFile: settings.jobCompletionFile)
    }
}
