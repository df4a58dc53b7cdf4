import SkeinRunFormat
import SkeinWorkflow

/// Jobs that run in a folder of their own (nonsharedfs, and condorio away from `local`):
/// every file they read from the staging site's scratch is brought in before they start, and
/// every file they make is taken back after, by the engine (links where the filesystem
/// allows), as PegasusLite's transfers and HTCondor's `transfer_input_files` /
/// `transfer_output_files` do. Replicas that bypass staging (`StagingPass`) are linked, or
/// fetched, straight into its folder from where they are. The sandbox of each attempt is made under the staging site's scratch, so
/// links and renames never cross a filesystem and a local run stays fast.
struct SandboxPass: PlannerPass {
    let name = "sandbox"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        var paths = SharedPaths()
        for i in workflow.jobs.indices where workflow.jobs[i].sandboxed {
            let job = workflow.jobs[i].job
            let scratch = job.workingDirectory
            let linked = Set(job.inputLinks.map(\.lfn))
            let direct = workflow.jobs[i].directSources
            let inputs = job.inputs.filter { !linked.contains($0) }.map { SandboxFile(lfn: $0, path: direct[$0] ?? paths.path(scratch, $0)) }
            let outputs = job.outputs.map { SandboxFile(lfn: $0, path: paths.path(scratch, $0)) }
            workflow.jobs[i].job.sandbox = JobSandbox(root: scratch, inputs: inputs, outputs: outputs)
        }
    }

    /// A file's path in a scratch folder, one copy for every job that names it (the job
    /// that makes it and those that read it): a path per file per job was a gigabyte of
    /// equal strings at a million jobs.
    struct SharedPaths {
        private var folder = ""
        private var inFolder: [String: String] = [:]
        private var otherFolders: [String: [String: String]] = [:]

        mutating func path(_ scratch: String, _ lfn: String) -> String {
            if scratch != folder {
                otherFolders[folder] = inFolder
                folder = scratch
                inFolder = otherFolders.removeValue(forKey: scratch) ?? [:]
            }
            if let known = inFolder[lfn] { return known }
            let made = scratch.hasSuffix("/") ? scratch + lfn : scratch + "/" + lfn
            inFolder[lfn] = made
            return made
        }
    }
}
