import SkeinRunFormat

/// The engine options a command was given (`--maxjobs`, `--category-limit`, `--retries`, the
/// Slurm options); nil where not given. Applied to a run's stored `EngineSettings`, so what
/// is not given keeps its stored value instead of falling back to a default.
public struct EngineSettingsChange: Sendable, Equatable {
    public var maxJobs: Int?
    /// Limits by category name; each replaces that category's stored limit, others stay.
    public var categoryLimits: [String: Int]
    public var retries: Int?
    public var slurmPollInterval: Double?
    public var slurmSubmitRate: Double?
    public var slurmMaxQueued: Int?
    public var slurmJobCompletionFile: String?

    public init(maxJobs: Int? = nil, categoryLimits: [String: Int] = [:], retries: Int? = nil, slurmPollInterval: Double? = nil,
                slurmSubmitRate: Double? = nil, slurmMaxQueued: Int? = nil, slurmJobCompletionFile: String? = nil) {
        self.maxJobs = maxJobs
        self.categoryLimits = categoryLimits
        self.retries = retries
        self.slurmPollInterval = slurmPollInterval
        self.slurmSubmitRate = slurmSubmitRate
        self.slurmMaxQueued = slurmMaxQueued
        self.slurmJobCompletionFile = slurmJobCompletionFile
    }

    /// No option was given.
    public var isEmpty: Bool { self == EngineSettingsChange() }

    /// `settings` with every given option in place of the stored value.
    public func applied(to settings: EngineSettings) -> EngineSettings {
        var result = settings
        if let maxJobs { result.maxJobs = maxJobs }
        result.categoryLimits.merge(categoryLimits) { _, given in given }
        if let retries { result.retries = retries }
        if let slurmPollInterval { result.slurm.pollInterval = slurmPollInterval }
        if let slurmSubmitRate { result.slurm.submitRate = slurmSubmitRate }
        if let slurmMaxQueued { result.slurm.maxQueued = slurmMaxQueued }
        if let slurmJobCompletionFile { result.slurm.jobCompletionFile = slurmJobCompletionFile }
        // The stored origins follow the options given later (the change log says when).
        if result.origins != nil {
            if maxJobs != nil { result.origins?["maxjobs"] = "--maxjobs" }
            if retries != nil { result.origins?["retries"] = "--retries" }
            for category in categoryLimits.keys { result.origins?["category-limit \(category)"] = "--category-limit" }
            if slurmMaxQueued != nil { result.origins?["slurm-max-queued"] = "--slurm-max-queued" }
        }
        return result
    }
}
