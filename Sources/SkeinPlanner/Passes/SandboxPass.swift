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
        // Room for the names the sandboxes hold, about half their files (one maker, one or
        // more readers): a growing table placed every name again, a third of the pass at a
        // million jobs.
        var files = 0
        for i in workflow.jobs.indices where workflow.jobs[i].sandboxed { files += workflow.jobs[i].job.inputs.count + workflow.jobs[i].job.outputs.count }
        var named = SandboxNames()
        named.names.reserve(files / 2)
        named.numbers.reserveCapacity(files)
        var paths = SharedPaths()
        // Field by field, not a copy of each job (its every field retained and released).
        for i in workflow.jobs.indices where workflow.jobs[i].sandboxed {
            let scratch = workflow.jobs[i].job.workingDirectory
            let links = workflow.jobs[i].job.inputLinks
            let linked = links.count > 8 ? Set(links.map(\.lfn)) : []
            let direct = workflow.jobs[i].directSources
            workflow.jobs[i].sandboxNamesStart = named.numbers.count
            if context.pathsAsNames { workflow.jobs[i].pathsInFolder.insert(.sandbox) }
            // A file in the folder: its name alone (`PathsInFolder.sandbox`), or its path.
            func inFolder(_ lfn: String, _ n: Int) -> String { context.pathsAsNames ? "" : paths.path(scratch, lfn, number: n) }
            // Outputs first, then inputs: the order `SandboxNames` keeps the numbers in.
            let outputs = workflow.jobs[i].job.outputs.map { lfn -> SandboxFile in
                let n = named.names.number(lfn)
                named.numbers.append(Int32(n))
                return SandboxFile(lfn: lfn, path: inFolder(lfn, n))
            }
            var inputs: [SandboxFile] = []
            inputs.reserveCapacity(workflow.jobs[i].job.inputs.count)
            for lfn in workflow.jobs[i].job.inputs {
                if links.count > 8 ? linked.contains(lfn) : links.contains(where: { $0.lfn == lfn }) { continue }
                let n = named.names.number(lfn)
                named.numbers.append(Int32(n))
                inputs.append(SandboxFile(lfn: lfn, path: (direct.isEmpty ? nil : direct[lfn]) ?? inFolder(lfn, n)))
            }
            workflow.jobs[i].job.sandbox = JobSandbox(root: scratch, inputs: inputs, outputs: outputs)
        }
        workflow.sandboxNames = named
    }

    /// A file's path in a scratch folder, one copy for every job that names it (the job
    /// that makes it and those that read it): a path per file per job was a gigabyte of
    /// equal strings at a million jobs. Kept per folder by the name's number in `SandboxNames`:
    /// a `[String: String]` per folder, its SipHash and its growth, was most of the pass.
    struct SharedPaths {
        private var folder = ""
        /// The current folder's paths, by name number (nil: none made yet).
        private var inFolder: [String?] = []
        private var otherFolders: [String: [String?]] = [:]

        /// `lfn`'s path in `scratch`; `number` is the name's in `SandboxNames`.
        mutating func path(_ scratch: String, _ lfn: String, number n: Int) -> String {
            if scratch != folder {
                otherFolders[folder] = inFolder
                folder = scratch
                inFolder = otherFolders.removeValue(forKey: scratch) ?? []
            }
            if n < inFolder.count, let path = inFolder[n] { return path }
            if n >= inFolder.count { inFolder += repeatElement(nil, count: max(2 * inFolder.count, n + 1) - inFolder.count) }
            let made = PathsInFolder.path(scratch, lfn)
            inFolder[n] = made
            return made
        }
    }
}
