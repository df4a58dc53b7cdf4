import Foundation
import SkeinRunFormat

/// The batch script of one attempt: `#SBATCH` options from the job's profiles, then
/// skein-kickstart around the job, so every attempt on Slurm gets the same record, stdout
/// and stderr files as a local one. The script is kept in the run directory for users.
enum SlurmBatchScript {
    /// `pegasus.*` profiles as sbatch options, as Pegasus's glite style maps them.
    static func options(for job: ExecutableJob, name: String, slurmLog: String) -> [String] {
        // Skein owns retries: Slurm must not requeue a job on its own after a node failure.
        var options = ["--job-name=\(name)", "--output=\(slurmLog)", "--chdir=\(job.workingDirectory)", "--export=ALL", "--no-requeue"]
        if let cores = job.profiles["pegasus.cores"], let n = Int(cores), n > 0 { options.append("--cpus-per-task=\(n)") }
        if let memory = job.profiles["pegasus.memory"], let mb = Double(memory), mb > 0 { options.append("--mem=\(Int(mb.rounded(.up)))M") }
        // runtime is in seconds, maxwalltime in minutes; Slurm's --time in minutes.
        if let minutes = job.profiles["pegasus.maxwalltime"].flatMap(Double.init) ?? job.profiles["pegasus.runtime"].flatMap(Double.init).map({ $0 / 60 }), minutes > 0 {
            options.append("--time=\(Int(minutes.rounded(.up)))")
        }
        if let queue = job.profiles["pegasus.queue"], !queue.isEmpty { options.append("--partition=\(queue)") }
        if let project = job.profiles["pegasus.project"], !project.isEmpty { options.append("--account=\(project)") }
        if let extra = job.profiles["pegasus.glite.arguments"] {
            options += extra.split(separator: " ").map(String.init)
        }
        return options
    }

    static func text(_ launch: AttemptLaunch, kickstart: String, slurmLog: String) -> String {
        let job = launch.planned
        var lines = ["#!/bin/sh", "# Skein attempt \(launch.attempt) of job \(job.id) (workflow \(launch.workflowLabel))"]
        lines += options(for: job, name: job.id, slurmLog: slurmLog).map { "#SBATCH \($0)" }
        for (key, value) in job.environment.sorted(by: { $0.key < $1.key }) where isName(key) {
            lines.append("export \(key)=\(quote(value))")
        }
        if job.isClustered {
            // The cluster's tasks in order, each under skein-kickstart, as on this machine.
            lines.append("exec " + ([kickstart] + launch.spec.arguments).map(quote).joined(separator: " ")
                + " >" + quote(launch.spec.stdout) + " 2>" + quote(launch.spec.stderr))
            return lines.joined(separator: "\n") + "\n"
        }
        var command = [kickstart, "-n", job.transformation, "-N", job.id, "-R", job.site, "-L", launch.workflowLabel, "-w", job.workingDirectory]
        if let stdin = launch.spec.stdin { command += ["-i", stdin] }
        command += ["-o", launch.spec.stdout, "-e", launch.spec.stderr]
        for lfn in job.outputs where lfn != job.stdout && lfn != job.stderr {
            command += ["-s", "\(lfn)=\((job.workingDirectory as NSString).appendingPathComponent(lfn))"]
        }
        // A job in a container runs as its runtime's command (ContainerLaunch), on the node too.
        let run = job.container == nil ? [job.executable] + job.arguments : [launch.spec.executable] + launch.spec.arguments
        command += ["-r", launch.recordFile, "--"] + run
        lines.append("exec " + command.map(quote).joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    static func quote(_ s: String) -> String {
        if !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || "/._-=:,+@%".contains($0) }) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static func isName(_ s: String) -> Bool {
        guard let first = s.first, first.isLetter || first == "_" else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }
}
