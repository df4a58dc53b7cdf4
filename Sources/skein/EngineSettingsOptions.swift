import ArgumentParser
import SkeinRuns

/// How the engine runs a run: given to `plan` and `run` they are stored in the run
/// directory; given to `run RUNDIR`, `resume` or `retry` they change the stored ones (the
/// change is recorded). Options left out keep the stored values, never the defaults.
struct EngineSettingsOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Jobs running at once on this machine (default: the run's stored value, else dagman.maxjobs of pegasus.properties, else the number of cores); Slurm jobs do not count, --slurm-max-queued and dagman.maxjobs limit them.", valueName: "n"))
    var maxjobs: Int?

    @Option(name: .long, help: ArgumentHelp("Limit a dagman.CATEGORY, as NAME=N (repeatable).", valueName: "name=n"))
    var categoryLimit: [String] = []

    @Option(name: .long, help: ArgumentHelp("Retries for jobs that set no dagman.RETRY profile (default: the run's stored value, else dagman.retry of pegasus.properties, else 0).", valueName: "n"))
    var retries: Int?

    @OptionGroup var slurm: SlurmOptions

    func validate() throws {
        if let maxjobs, maxjobs < 1 { throw ValidationError("--maxjobs wants at least 1") }
        if let retries, retries < 0 { throw ValidationError("--retries wants 0 or more") }
        _ = try categoryLimits()
    }

    /// The options given, as a change to the run's stored settings.
    func change() throws -> EngineSettingsChange {
        EngineSettingsChange(
            maxJobs: maxjobs, categoryLimits: try categoryLimits(), retries: retries, slurmPollInterval: slurm.slurmPollInterval,
            slurmSubmitRate: slurm.slurmSubmitRate, slurmMaxQueued: slurm.slurmMaxQueued, slurmJobCompletionFile: slurm.slurmJobcomp)
    }

    func categoryLimits() throws -> [String: Int] {
        var limits: [String: Int] = [:]
        for item in categoryLimit {
            let parts = item.split(separator: "=")
            guard parts.count == 2, let n = Int(parts[1]), n > 0 else {
                throw ValidationError("--category-limit wants NAME=N with N > 0, not '\(item)'")
            }
            limits[String(parts[0])] = n
        }
        return limits
    }

    /// How the change log names the command that changed the settings.
    static var commandLine: String { (["skein"] + CommandLine.arguments.dropFirst()).joined(separator: " ") }
}
