import Foundation

/// How a run's engine runs it (`--maxjobs`, category limits, retries, the Slurm options),
/// kept in the run directory (`engine-settings.json`) when the run is planned or first run,
/// so `resume`, `retry`, the TUI's actions and a crash-resume start the next engine as the
/// user asked, not with defaults. Options given again to `resume`/`retry` change them, and
/// each change is recorded with when and by which command.
public struct EngineSettings: Codable, Sendable, Equatable {
    /// Jobs running at once; nil = the number of cores of the machine the engine runs on.
    public var maxJobs: Int?
    /// `dagman.CATEGORY` limits given on the command line (they win over pegasus.properties).
    public var categoryLimits: [String: Int]
    /// Retries for jobs that set no `dagman.RETRY`; nil = what the plan says.
    public var retries: Int?
    public var slurm: Slurm
    /// Jobs at once on batch systems (Slurm) besides the local slots, from
    /// `dagman.maxjobs`; nil = as many as `slurm.maxQueued` lets wait in Slurm.
    public var batchMaxJobs: Int?
    /// Where each setting came from when the run was planned ("maxjobs": "--maxjobs",
    /// "pegasus.properties dagman.maxjobs", "default"), so a user can tell why a run has
    /// the limits it has; nil for runs planned before Skein recorded it.
    public var origins: [String: String]?
    /// Every change after the first settings, oldest first.
    public var changes: [Change]

    public struct Slurm: Codable, Sendable, Equatable {
        /// Seconds between two Slurm state queries (one squeue for all jobs).
        public var pollInterval: Double
        /// Submissions per second at most.
        public var submitRate: Double
        /// Jobs queued in Slurm at most; more wait in Skein.
        public var maxQueued: Int
        /// Slurm's jobcomp file, read for jobs that left the queue.
        public var jobCompletionFile: String?

        public init(pollInterval: Double = 2, submitRate: Double = 20, maxQueued: Int = 1000, jobCompletionFile: String? = nil) {
            self.pollInterval = pollInterval
            self.submitRate = submitRate
            self.maxQueued = maxQueued
            self.jobCompletionFile = jobCompletionFile
        }
    }

    /// One change: the command that made it, when, and `setting: old -> new` lines.
    public struct Change: Codable, Sendable, Equatable {
        public var at: Double
        public var command: String
        public var changed: [String]
    }

    public init(maxJobs: Int? = nil, categoryLimits: [String: Int] = [:], retries: Int? = nil, slurm: Slurm = Slurm(), batchMaxJobs: Int? = nil,
                origins: [String: String]? = nil, changes: [Change] = []) {
        self.maxJobs = maxJobs
        self.batchMaxJobs = batchMaxJobs
        self.origins = origins
        self.categoryLimits = categoryLimits
        self.retries = retries
        self.slurm = slurm
        self.changes = changes
    }

    /// Jobs at once on this machine: the setting, else the number of cores.
    public var effectiveMaxJobs: Int { maxJobs ?? ProcessInfo.processInfo.activeProcessorCount }

    /// What differs from `other`, as `name: old -> new` lines (for the change record).
    public func differences(from other: EngineSettings) -> [String] {
        var lines: [String] = []
        func note<T: Equatable>(_ name: String, _ old: T, _ new: T, _ show: (T) -> String) {
            if old != new { lines.append("\(name): \(show(old)) -> \(show(new))") }
        }
        note("maxjobs", other.maxJobs, maxJobs) { $0.map(String.init) ?? "cores" }
        note("category-limit", other.categoryLimits, categoryLimits) { $0.isEmpty ? "none" : $0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") }
        note("retries", other.retries, retries) { $0.map(String.init) ?? "plan" }
        note("slurm-poll-interval", other.slurm.pollInterval, slurm.pollInterval) { "\($0)" }
        note("slurm-submit-rate", other.slurm.submitRate, slurm.submitRate) { "\($0)" }
        note("slurm-max-queued", other.slurm.maxQueued, slurm.maxQueued) { "\($0)" }
        note("batch-maxjobs", other.batchMaxJobs, batchMaxJobs) { $0.map(String.init) ?? "slurm-max-queued" }
        note("slurm-jobcomp", other.slurm.jobCompletionFile, slurm.jobCompletionFile) { $0 ?? "none" }
        return lines
    }

    // MARK: - The file

    /// The run's settings; nil when none were stored (a run planned by an older Skein).
    public static func read(runDirectory: String) throws -> EngineSettings? {
        let path = RunLayout(runDirectory: runDirectory).settings
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(EngineSettings.self, from: data)
        } catch {
            throw RunFormatError("\(path) cannot be read (\(error)); remove it to use the defaults, or fix it")
        }
    }

    /// Writes the settings atomically (a temporary file renamed over the old one).
    public func write(runDirectory: String) throws {
        let path = RunLayout(runDirectory: runDirectory).settings
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let temporary = path + ".tmp"
        try PrivateFile.write(try encoder.encode(self), to: temporary)
        guard rename(temporary, path) == 0 else {
            throw RunFormatError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Stores `updated` as the run's settings, recording what changed from the stored ones
    /// (and by which command); the first settings are stored as they are. Returns them.
    @discardableResult
    public static func store(_ updated: EngineSettings, runDirectory: String, command: String, at time: Double = Date().timeIntervalSince1970) throws -> EngineSettings {
        var result = updated
        if let stored = try read(runDirectory: runDirectory) {
            let changed = updated.differences(from: stored)
            result.changes = stored.changes
            if changed.isEmpty { return stored }
            result.changes.append(Change(at: time, command: command, changed: changed))
        }
        try result.write(runDirectory: runDirectory)
        return result
    }
}
