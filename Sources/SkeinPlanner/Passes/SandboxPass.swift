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
        // Field by field, not a copy of each job (its every field retained and released).
        for i in workflow.jobs.indices where workflow.jobs[i].sandboxed {
            let scratch = workflow.jobs[i].job.workingDirectory
            let links = workflow.jobs[i].job.inputLinks
            let linked = links.count > 8 ? Set(links.map(\.lfn)) : []
            let direct = workflow.jobs[i].directSources
            var inputs: [SandboxFile] = []
            inputs.reserveCapacity(workflow.jobs[i].job.inputs.count)
            for lfn in workflow.jobs[i].job.inputs {
                if links.count > 8 ? linked.contains(lfn) : links.contains(where: { $0.lfn == lfn }) { continue }
                inputs.append(SandboxFile(lfn: lfn, path: (direct.isEmpty ? nil : direct[lfn]) ?? paths.path(scratch, lfn)))
            }
            let outputs = workflow.jobs[i].job.outputs.map { SandboxFile(lfn: $0, path: paths.path(scratch, $0)) }
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
