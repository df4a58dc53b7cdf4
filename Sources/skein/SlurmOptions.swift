import ArgumentParser
import Foundation
import SkeinEngine

/// How the engine talks to Slurm, for runs with jobs on a Slurm site.
struct SlurmOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Seconds between two Slurm state queries (one squeue for all jobs).", valueName: "s"))
    var slurmPollInterval: Double = 2

    @Option(name: .long, help: ArgumentHelp("Slurm submissions per second at most.", valueName: "n"))
    var slurmSubmitRate: Double = 20

    @Option(name: .long, help: ArgumentHelp("Jobs queued in Slurm at most; more wait in Skein.", valueName: "n"))
    var slurmMaxQueued: Int = 1000

    @Option(name: .long, help: ArgumentHelp("Slurm's jobcomp file, read for jobs that left the queue (else scontrol is asked).", valueName: "file"))
    var slurmJobcomp: String?

    /// The same options for the detached engine's command line.
    var arguments: [String] {
        var args = ["--slurm-poll-interval", String(slurmPollInterval), "--slurm-submit-rate", String(slurmSubmitRate), "--slurm-max-queued", String(slurmMaxQueued)]
        if let slurmJobcomp { args += ["--slurm-jobcomp", slurmJobcomp] }
        return args
    }

    func settings() -> SlurmSettings {
        SlurmSettings(
            pollInterval: slurmPollInterval, submitRate: slurmSubmitRate, maxQueued: slurmMaxQueued,
            kickstart: Self.kickstartPath(), jobCompletionFile: slurmJobcomp)
    }

    /// skein-kickstart is installed beside skein.
    static func kickstartPath() -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((me as NSString).deletingLastPathComponent as NSString).appendingPathComponent("skein-kickstart")
    }
}
