import ArgumentParser
import SkeinRuns

/// How the engine talks to Slurm, for runs with jobs on a Slurm site. Each option left out
/// keeps the run's stored value (the default shown, for a new run).
struct SlurmOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Seconds between two Slurm state queries (one squeue for all jobs; default: stored, else 2).", valueName: "s"))
    var slurmPollInterval: Double?

    @Option(name: .long, help: ArgumentHelp("Slurm submissions per second at most (default: stored, else 20).", valueName: "n"))
    var slurmSubmitRate: Double?

    @Option(name: .long, help: ArgumentHelp("Jobs queued in Slurm at most; more wait in Skein (default: stored, else 1000).", valueName: "n"))
    var slurmMaxQueued: Int?

    @Option(name: .long, help: ArgumentHelp("Slurm's jobcomp file, read for jobs that left the queue (else scontrol is asked).", valueName: "file"))
    var slurmJobcomp: String?

    func validate() throws {
        if let slurmPollInterval, slurmPollInterval <= 0 { throw ValidationError("--slurm-poll-interval wants seconds > 0") }
        if let slurmSubmitRate, slurmSubmitRate <= 0 { throw ValidationError("--slurm-submit-rate wants a rate > 0") }
        if let slurmMaxQueued, slurmMaxQueued < 1 { throw ValidationError("--slurm-max-queued wants at least 1") }
    }
}
