import Foundation
import SkeinRunFormat

/// Attempts that asked for the same Slurm resources go to Slurm as one job array: one `sbatch`
/// (a process and an RPC) for all of them instead of one each, on a machine where those calls
/// compete with the jobs for the CPU. Task N of the array runs the N-th attempt's own batch
/// script (the one a lone submission would use, kept in the run directory as always), with its
/// Slurm log where that attempt's own `--output` would have put it.
enum SlurmArrayScript {
    /// What attempts must share to go in one array: their `#SBATCH` options but the job's name
    /// and log. Nil for an attempt that goes to Slurm alone: a clustered job, or one whose
    /// script skein-kickstart cannot read itself (the array's tasks are started by it).
    static func key(of launch: AttemptLaunch, kickstart: String) -> String? {
        var job = launch.planned
        guard !job.isClustered, SlurmBatchScript.canInterpret(kickstart), !job.id.contains("/") else { return nil }
        if SlurmBatchScript.sandboxTransfers(job) != nil {
            // As `SlurmBatchScript.text`: a sandboxed job starts in the run's folder.
            job.workingDirectory = (launch.recordFile as NSString).deletingLastPathComponent
        }
        return SlurmBatchScript.options(for: job, name: "", slurmLog: "").dropFirst(2).joined(separator: "\n")
    }

    /// The array's script: skein-kickstart as its interpreter (`--array`), which picks the
    /// task's script and log from the `set --` line by `SLURM_ARRAY_TASK_ID`; `sh` reads the
    /// same script the same way. `options` are the shared ones (`key`).
    static func text(tasks: [(script: String, slurmLog: String)], name: String, options: String, kickstart: String, workflowLabel: String) -> String {
        var lines = ["#!" + kickstart + " --array",
                     "# Skein array of \(tasks.count) attempts (workflow \(workflowLabel)): task N runs the N-th batch script below, its Slurm log beside it",
                     "#SBATCH --array=0-\(tasks.count - 1)",
                     "#SBATCH --job-name=\(name)",
                     // Each task's log is opened by the task (its own file, as a lone job's).
                     "#SBATCH --output=/dev/null"]
        lines += options.split(separator: "\n").map { "#SBATCH \($0)" }
        lines.append("set -- " + tasks.map { SlurmBatchScript.quote($0.script) + " " + SlurmBatchScript.quote($0.slurmLog) }.joined(separator: " "))
        lines.append("shift $((SLURM_ARRAY_TASK_ID * 2)) && exec " + SlurmBatchScript.quote(kickstart) + " --script \"$1\" >\"$2\" 2>&1")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Slurm's name for task `index` of array job `arrayID` (squeue's `%i`, scancel's argument).
    static func taskID(_ arrayID: String, _ index: Int) -> String { "\(arrayID)_\(index)" }
}
