import Foundation
import SkeinRunFormat

/// Sub-workflow runs as runs of their own: they live in `<parent run>/00/00/<label>_<id>.NNN`,
/// their braindump names the root workflow, and they run inside the parent's engine (their
/// rows are in the root's database). Commands for a live child (halt, kill a job) work on
/// its folder; starting an engine for a child alone would write a database of its own and
/// leave the parent's job unaware, so it is refused with what to do instead.
public enum SubWorkflowRuns {
    /// The parent run of a sub-workflow run, if `plan` is one.
    public static func parentRun(of plan: ExecutablePlan) -> String? {
        let braindump = SubmitDirectoryFiles.parseBraindump(
            (try? String(contentsOfFile: RunLayout(runDirectory: plan.runDirectory).braindump, encoding: .utf8)) ?? "")
        guard let root = braindump["root_wf_uuid"], root != plan.wfUUID else { return nil }
        let parent = (((plan.runDirectory as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        return RunDirectory.isRunDirectory(parent) ? parent : nil
    }

    /// The parent run of a sub-workflow run and the parent's job that runs it (nil when the
    /// parent's plan names no job with this folder).
    public static func parentJob(of plan: ExecutablePlan) -> (parent: String, job: String?)? {
        guard let parent = parentRun(of: plan) else { return nil }
        let job = (try? RunDirectory(path: parent).readPlan())?.jobs.first { job in
            guard let link = job.subworkflow?.directory, let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link) else { return false }
            return (target as NSString).lastPathComponent == (plan.runDirectory as NSString).lastPathComponent
        }?.id
        return (parent, job)
    }

    /// Why an engine must not start for this run alone; nil for a root run.
    public static func refusalToStartAlone(_ plan: ExecutablePlan) -> String? {
        guard let (parent, job) = parentJob(of: plan) else { return nil }
        return "\(plan.runDirectory) is a sub-workflow of the run \(parent) and runs inside its engine; "
            + (job.map { "retry it there: skein retry \(parent) \($0)" } ?? "run the parent: skein run \(parent)")
    }
}
