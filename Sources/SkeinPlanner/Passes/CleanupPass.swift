import Foundation
import SkeinRunFormat
import SkeinWorkflow

/// Removes the workflow's files from the scratch folders (one per staging site) once nothing
/// needs them, as pegasus-plan `--cleanup` does, each site's by its own jobs. `inplace` (the default): each file after every job that
/// makes, reads, fetches or stages it out, by `clean_up_<site>_level_<L>_<n>` jobs, per
/// level `ceil(jobs on the level / 5)`; a `stageOut: true` output that is not staged out is
/// the run's result and stays. `leaf`: one `cleanup_<wf>_0_<site>` job per staging site removes its whole
/// scratch folder after everything else (only with an output site, else the results would
/// go with it). `none`: nothing.
struct CleanupPass: PlannerPass {
    let name = "cleanup"
    static let jobsPerCleanupJob = 5

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        switch context.options.cleanup {
        case .none: return
        case .leaf: leaf(&workflow, context)
        case .inplace: inPlace(&workflow, context)
        }
    }

    private func leaf(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        let results = context.workflow.jobs.flatMap { $0.uses.filter { $0.type.isOutput && $0.stageOut == true } }
        if !context.options.stageOut && !results.isEmpty {
            workflow.problems.append("--cleanup leaf removes the scratch folder, with the \(results.count) stageOut output(s) in it: give an output site (-o local) or use --cleanup inplace")
            return
        }
        var hasChildren = Set<String>()
        for planned in workflow.jobs { hasChildren.formUnion(planned.parentIDs) }
        let leaves = workflow.jobs.map(\.job.id).filter { !hasChildren.contains($0) }
        var taken = workflow.jobIDs(context)
        // One per staging site, each after everything else.
        for (site, folder) in sitesInOrder(workflow) {
            let id = ExecutableWorkflow.unusedID("cleanup_\(DirectoriesPass.sanitized(workflow.label))_0_\(site)", taken: &taken)
            workflow.jobs.append(cleanupJob(id: id, site: site, removals: [folder], parents: leaves, folder: folder, context))
        }
    }

    /// The staging sites and their scratch folders, the first site's first; one entry per folder.
    private func sitesInOrder(_ workflow: ExecutableWorkflow) -> [(site: String, folder: String)] {
        var seen = Set<String>()
        var sites: [(String, String)] = []
        let ordered = workflow.jobs.filter { $0.job.kind == .createDir }.map(\.job.site)
        for site in ordered + workflow.scratchBySite.keys.sorted() {
            guard let folder = workflow.scratchBySite[site], seen.insert(folder).inserted else { continue }
            sites.append((site, folder))
        }
        if sites.isEmpty && !workflow.scratchDirectory.isEmpty { sites.append(("local", workflow.scratchDirectory)) }
        return sites
    }

    /// What the pass knows of one file in one folder.
    private struct FileState {
        var folder: Int
        var lfn: String
        /// Its path, when a sandbox already holds it (`SandboxPass` makes one per file): the
        /// removals share that string instead of a copy each.
        var path: String?
        /// The jobs (by index in the plan) that make, read, fetch, move or stage it out, in plan order.
        var users: [Int] = []
        var lastLevel: Int?
        /// The run puts it in a scratch folder (an output, a fetched or moved input, a linked replica).
        var placed = false
        var fetched = false
        var readByWorkflowJobs = false
        var stagedOut = false
    }

    /// Every file with its state, and the folders by number. A file is found by its folder's
    /// number, then its name: hashing a scratch path of 70 bytes (or a folder and name pair)
    /// for each of millions of file uses was most of this pass.
    private struct CleanupFiles {
        var folders: [String] = []
        var folderNumbers: [String: Int] = [:]
        /// Per folder number: each file's number in `states`, by name.
        var byFolder: [[String: Int]] = []
        var states: [FileState] = []
        /// Files in the order of their first use.
        var order: [Int] = []
        /// The folder asked for last (compute jobs of one site share it): found without hashing.
        private var lastFolder: (path: String, number: Int)?

        mutating func folder(_ path: String) -> Int {
            if let last = lastFolder, last.path == path { return last.number }
            let n: Int
            if let known = folderNumbers[path] {
                n = known
            } else {
                folders.append(path)
                byFolder.append([:])
                n = folders.count - 1
                folderNumbers[path] = n
            }
            lastFolder = (path, n)
            return n
        }

        mutating func state(_ folder: Int, _ lfn: String) -> Int {
            if let n = byFolder[folder][lfn] { return n }
            states.append(FileState(folder: folder, lfn: lfn))
            byFolder[folder][lfn] = states.count - 1
            return states.count - 1
        }

        /// Keeps the sandbox's path strings of files in `folder` that are exactly where the
        /// removal would name them.
        mutating func notePaths(_ sandbox: JobSandbox, folder: Int) {
            let path = folders[folder]
            guard sandbox.root == path else { return }
            for file in sandbox.outputs + sandbox.inputs {
                let n = state(folder, file.lfn)
                guard states[n].path == nil, CleanupPass.isPath(file.path, of: file.lfn, in: path) else { continue }
                states[n].path = file.path
            }
        }

        mutating func use(_ folder: Int, _ lfn: String, by job: Int, level: Int?) -> Int {
            let n = state(folder, lfn)
            if states[n].users.isEmpty { order.append(n) }
            states[n].users.append(job)
            if let level { states[n].lastLevel = max(states[n].lastLevel ?? 0, level) }
            return n
        }
    }

    private func inPlace(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        guard let levels = context.graph.levels() else { return }
        var files = CleanupFiles()
        // The scratch folders, each with its site (the first site's first).
        var siteOfFolder: [Int: String] = [:]
        for (site, folder) in sitesInOrder(workflow) {
            let n = files.folder(folder)
            if siteOfFolder[n] == nil { siteOfFolder[n] = site }
        }
        var keep = Set<String>()
        // A file moved by a transfer job, when it is in a scratch folder.
        func split(_ path: String, _ files: inout CleanupFiles) -> (folder: Int, lfn: String)? {
            let folder = (path as NSString).deletingLastPathComponent
            guard let n = files.folderNumbers[folder], siteOfFolder[n] != nil else { return nil }
            return (n, (path as NSString).lastPathComponent)
        }
        // Who touches each file in each folder: compute jobs by their uses, transfer jobs by
        // what they move out of or into a scratch folder. Only what the run puts in a scratch
        // folder is removed: outputs, fetched and moved inputs, linked replicas; a fetched
        // file is the workflow's only when a job of it reads it (a container image staged in
        // is removed by its own clean-up job, after its last container job).
        // (By index, not `for planned in workflow.jobs`: a copy of every job was a fifth of the pass.)
        for i in workflow.jobs.indices {
            if let abstract = workflow.jobs[i].abstractIndex {
                let folder = files.folder(workflow.jobs[i].job.workingDirectory)
                if workflow.jobs[i].job.sandbox == nil {
                    for link in workflow.jobs[i].job.inputLinks { files.states[files.state(folder, link.lfn)].placed = true }
                }
                for output in workflow.jobs[i].job.outputs { files.states[files.state(folder, output)].placed = true }
                if let sandbox = workflow.jobs[i].job.sandbox { files.notePaths(sandbox, folder: folder) }
                let job = context.workflow.jobs[abstract]
                let level = levels[abstract]
                for use in job.uses {
                    let n = files.use(folder, use.lfn, by: i, level: level)
                    files.states[n].readByWorkflowJobs = true
                    if use.type.isOutput && use.stageOut == true { keep.insert(use.lfn) }
                }
                for name in [job.stdin, job.stdout, job.stderr] {
                    guard let name, !job.uses.contains(where: { $0.lfn == name }) else { continue }
                    let n = files.use(folder, name, by: i, level: level)
                    files.states[n].readByWorkflowJobs = true
                }
            } else {
                let kind = workflow.jobs[i].job.kind
                for transfer in workflow.jobs[i].job.transfers {
                    let from = split(transfer.source, &files)
                    if let from { _ = files.use(from.folder, from.lfn, by: i, level: nil) }
                    if let to = split(transfer.destination, &files) {
                        let n = files.use(to.folder, to.lfn, by: i, level: nil)
                        if kind == .stageIn { files.states[n].fetched = true } else { files.states[n].placed = true }
                    }
                    if kind == .stageOut, let from { files.states[files.state(from.folder, from.lfn)].stagedOut = true }
                }
            }
        }
        files.byFolder = []
        // Results not staged out stay in scratch: they are all the run leaves behind.
        let removable = files.order.filter { n in
            let state = files.states[n]
            return (state.placed || (state.fetched && state.readByWorkflowJobs)) && (keep.isEmpty || !keep.contains(state.lfn) || state.stagedOut)
        }
        var sites: [String] = []
        var byLevel: [String: [Int: [Int]]] = [:]
        for n in removable {
            let site = siteOfFolder[files.states[n].folder] ?? "local"
            if byLevel[site] == nil { sites.append(site) }
            byLevel[site, default: [:]][files.states[n].lastLevel ?? 0, default: []].append(n)
        }
        var jobsOnLevel: [Int: Int] = [:]
        for i in workflow.jobs.indices { if let a = workflow.jobs[i].abstractIndex { jobsOnLevel[levels[a], default: 0] += 1 } }
        var taken = workflow.jobIDs(context)
        var added: [PlannedJob] = []
        for site in sites {
            for level in byLevel[site]!.keys.sorted() {
                let onLevel = byLevel[site]![level]!
                let count = auxiliaryJobCount(files: onLevel.count, jobsOnLevel: jobsOnLevel[level] ?? 1, perJob: Self.jobsPerCleanupJob)
                var groups = Array(repeating: [Int](), count: count)
                for (n, file) in onLevel.enumerated() { groups[n % count].append(file) }
                for (n, group) in groups.enumerated() where !group.isEmpty {
                    var parents: [String] = []
                    var seen = Set<Int>()
                    for file in group {
                        for user in files.states[file].users where seen.insert(user).inserted { parents.append(workflow.jobs[user].job.id) }
                    }
                    let folder = files.folders[files.states[group[0]].folder]
                    let removals = group.map { files.states[$0].path ?? Self.path(files.folders[files.states[$0].folder], files.states[$0].lfn) }
                    let id = ExecutableWorkflow.unusedID("clean_up_\(site)_level_\(level)_\(n)", taken: &taken)
                    added.append(cleanupJob(id: id, site: site, removals: removals, parents: parents, folder: folder, context))
                }
            }
        }
        workflow.jobs.append(contentsOf: added)
    }

    /// `folder` with `lfn` appended, as `NSString.appendingPathComponent` gives it, without a
    /// bridge to NSString per file for the usual case (a plain name in a folder without a
    /// trailing slash).
    /// Whether `path` is what `path(folder, lfn)` gives, on its fast path.
    static func isPath(_ path: String, of lfn: String, in folder: String) -> Bool {
        guard !lfn.isEmpty, !folder.isEmpty, !folder.hasSuffix("/"), !lfn.utf8.contains(UInt8(ascii: "/")),
            path.utf8.count == folder.utf8.count + 1 + lfn.utf8.count else { return false }
        return path.utf8.starts(with: folder.utf8) && path.utf8.dropFirst(folder.utf8.count).first == UInt8(ascii: "/")
            && path.utf8.suffix(lfn.utf8.count).elementsEqual(lfn.utf8)
    }

    static func path(_ folder: String, _ lfn: String) -> String {
        if !lfn.isEmpty, !folder.isEmpty, !folder.hasSuffix("/"), !lfn.utf8.contains(UInt8(ascii: "/")) { return folder + "/" + lfn }
        return (folder as NSString).appendingPathComponent(lfn)
    }

    private func cleanupJob(id: String, site: String, removals: [String], parents: [String], folder: String, _ context: PlanningContext) -> PlannedJob {
        var job = ExecutableJob(
            id: id, kind: .cleanup, transformation: "pegasus::cleanup", site: site, executor: StagingPass.executor, executable: "",
            arguments: [], environment: [:], workingDirectory: folder, retries: context.options.defaultRetries, parents: [])
        job.removals = removals
        return PlannedJob(job: job, parentIDs: parents)
    }
}
