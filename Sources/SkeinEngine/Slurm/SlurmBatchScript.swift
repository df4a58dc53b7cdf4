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

    static func text(_ launch: AttemptLaunch, kickstart: String, slurmLog: String, sandboxLists: SandboxLists? = nil) -> String {
        var job = launch.planned
        var spec = launch.spec
        if sandboxLists != nil {
            // The job's folder is made on the node: every path in it names the shell's $sandbox.
            spec.stdin = job.stdin.flatMap { JobFolderPath.inside(sandboxToken, $0) }
            if let name = job.stdout { spec.stdout = JobFolderPath.inside(sandboxToken, name) ?? spec.stdout }
            if let name = job.stderr { spec.stderr = JobFolderPath.inside(sandboxToken, name) ?? spec.stderr }
            // sbatch needs a folder that exists on the node before the script runs: the run's.
            job.workingDirectory = (launch.recordFile as NSString).deletingLastPathComponent
        }
        // The script is read by skein-kickstart itself (`--script`), which also makes and removes
        // a sandboxed job's folder (`--sandbox`): Slurm then starts one program in the slot, not
        // a shell, mktemp and rm around the wrapper. The script stays valid sh.
        let interpreted = !job.isClustered && canInterpret(kickstart) && !job.id.contains("/")
        var lines = ["#!" + (interpreted ? kickstart + " --script" : "/bin/sh"), "# Skein attempt \(launch.attempt) of job \(job.id) (workflow \(launch.workflowLabel))"]
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
        let folder = sandboxLists == nil ? job.workingDirectory : sandboxToken
        var command = [kickstart, "-n", job.transformation, "-N", job.id, "-R", job.site, "-L", launch.workflowLabel, "-w", folder]
        if let stdin = spec.stdin { command += ["-i", stdin] }
        command += ["-o", spec.stdout, "-e", spec.stderr]
        for lfn in job.outputs where lfn != job.stdout && lfn != job.stderr {
            command += ["-s", "\(lfn)=\((folder as NSString).appendingPathComponent(lfn))"]
        }
        // A job in a container runs as its runtime's command (ContainerLaunch), on the node too.
        let run = job.container == nil ? [job.executable] + job.arguments : [launch.spec.executable] + launch.spec.arguments
        command += ["-r", launch.recordFile, "--"] + run
        let commandLine = command.map(quote).joined(separator: " ")
        guard let lists = sandboxLists else {
            lines.append("exec " + commandLine)
            return lines.joined(separator: "\n") + "\n"
        }
        // nonsharedfs on a batch node, as PegasusLite: a folder of its own on the node, the
        // inputs brought in and the outputs taken back by skein-transfer, then removed.
        let transfer = (kickstart as NSString).deletingLastPathComponent + "/skein-transfer"
        let bringsIn = Self.bringsIn(job)
        let takesBack = Self.takesBack(job)
        if interpreted {
            // skein-kickstart makes the folder, runs the transfers and the job in it (paths in
            // the job's folder become relative to it), and removes it.
            var sandbox = ["--sandbox", job.id]
            if bringsIn || takesBack { sandbox += ["--transfer", transfer] }
            if bringsIn { sandbox += ["--stage-in", lists.inputs] }
            if takesBack { sandbox += ["--stage-out", lists.outputs, "--taken-back", takenBackMarker(of: launch.recordFile)] }
            let inFolder = command.dropFirst().map { $0.replacingOccurrences(of: sandboxToken, with: ".") }
            lines.append("exec " + ([kickstart] + sandbox + inFolder).map(quote).joined(separator: " "))
            return lines.joined(separator: "\n") + "\n"
        }
        lines += [
            "sandbox=$(mktemp -d \"${SKEIN_WN_TMP:-${TMPDIR:-/tmp}}\"/\(quote(job.id + ".sandbox-XXXXXX"))) || exit 1",
            "trap 'cd / && rm -rf \"$sandbox\"' EXIT",
            "cd \"$sandbox\" || exit 1",
        ]
        // A job without files (common under condorio, the default) starts no skein-transfer.
        if bringsIn {
            lines.append("\(quote(transfer)) -f \(quote(lists.inputs)) || { echo 'skein: the job'\\''s inputs could not be brought in' >&2; exit 1; }")
        }
        lines += [
            // The token is always inside single quotes: close them around the variable.
            commandLine.replacingOccurrences(of: sandboxToken, with: "'\"$sandbox\"'"),
            "status=$?",
        ]
        if takesBack {
            // The marker tells the engine, watching records between polls, that the outputs are
            // back too (the record alone is written before they are).
            let marker = quote(takenBackMarker(of: launch.recordFile))
            lines.append("if [ $status -eq 0 ]; then \(quote(transfer)) -f \(quote(lists.outputs)) && : > \(marker) || status=1; fi")
        }
        lines.append("exit $status")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whether `#!KICKSTART --script` works as a script's first line: an absolute path without
    /// blanks, the line short enough for any Linux kernel (before 5.1 they read 127 bytes of it).
    static func canInterpret(_ kickstart: String) -> Bool {
        kickstart.hasPrefix("/") && kickstart.utf8.count + 11 <= 127 && !kickstart.utf8.contains { $0 <= 0x20 || $0 == 0x7f }
    }

    /// Whether a sandboxed job's script brings inputs into the node's folder.
    static func bringsIn(_ job: ExecutableJob) -> Bool { !(job.sandbox?.inputs.isEmpty ?? true) || !job.inputLinks.isEmpty }

    /// Whether a sandboxed job's script takes outputs back after the record is written.
    static func takesBack(_ job: ExecutableJob) -> Bool { !(job.sandbox?.outputs.isEmpty ?? true) }

    /// Made by the script once a sandboxed job's outputs are back on the staging site.
    static func takenBackMarker(of recordFile: String) -> String { recordFile + ".back" }

    /// Stands for the node's sandbox folder while the command is quoted.
    static let sandboxToken = "\u{1}SANDBOX"

    /// The skein-transfer input lists of a sandboxed job on a batch node: files into the
    /// sandbox (relative names, from the node's working folder) and back to the staging site.
    struct SandboxLists {
        var inputs: String
        var outputs: String
    }

    /// The two lists' JSON (pegasus-transfer's format) for `job`.
    static func sandboxTransfers(_ job: ExecutableJob) -> (inputs: Data, outputs: Data)? {
        guard let sandbox = job.sandbox else { return nil }
        func entry(_ lfn: String, _ source: String, _ destination: String) -> [String: Any] {
            ["type": "transfer", "lfn": lfn, "src_urls": [["site_label": "staging", "url": source]], "dest_urls": [["site_label": "sandbox", "url": destination]]]
        }
        let inputs = sandbox.inputs.map { entry($0.lfn, $0.path, $0.lfn) } + job.inputLinks.map { entry($0.lfn, $0.source, $0.lfn) }
        let outputs = sandbox.outputs.map { entry($0.lfn, $0.lfn, $0.path) }
        guard let i = try? JSONSerialization.data(withJSONObject: inputs, options: [.sortedKeys]),
            let o = try? JSONSerialization.data(withJSONObject: outputs, options: [.sortedKeys]) else { return nil }
        return (i, o)
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
