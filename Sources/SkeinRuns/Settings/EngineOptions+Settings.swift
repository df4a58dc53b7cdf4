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
        // Jobs sent ahead to skein-spawner (0: none), for a root run's engine and its sub-workflows' alike.
        if let ahead = ProcessInfo.processInfo.environment["SKEIN_LAUNCH_AHEAD"].flatMap(Int.init) { launchAhead = max(0, ahead) }
    }
}

extension SlurmSettings {
    /// The stored Slurm options, with the skein-kickstart the nodes run around each job.
    public init(settings: EngineSettings.Slurm, kickstart: String) {
        self.init(pollInterval: settings.pollInterval, submitRate: settings.submitRate, maxQueued: settings.maxQueued,
                  kickstart: kickstart, jobCompletionFile: settings.jobCompletionFile)
    }
}
