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
        var taken = workflow.jobIDs
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

    /// A file in one scratch folder.
    private struct Placed: Hashable {
        var folder: String
        var lfn: String
    }

    private func inPlace(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        guard let levels = context.graph.levels() else { return }
        let siteOfFolder = Dictionary(sitesInOrder(workflow).map { ($0.folder, $0.site) }, uniquingKeysWith: { first, _ in first })
        let folders = Set(siteOfFolder.keys)
        // Who touches each file in each folder: compute jobs by their uses, transfer jobs by
        // what they move out of or into a scratch folder.
        var users: [Placed: [String]] = [:]
        var lastLevel: [Placed: Int] = [:]
        var order: [Placed] = []
        var stagedOut = Set<Placed>()
        var keep = Set<String>()
        // Only what the run puts in a scratch folder: outputs, fetched and moved inputs, linked replicas.
        var placed = Set<Placed>()
        // A fetched file is the workflow's only when a job of it reads it: a container image
        // staged in is removed by its own clean-up job, after its last container job.
        var fetched = Set<Placed>()
        var readByWorkflowJobs = Set<Placed>()
        func use(_ file: Placed, by job: String, level: Int?) {
            if users[file] == nil { order.append(file) }
            users[file, default: []].append(job)
            if let level { lastLevel[file] = max(lastLevel[file] ?? 0, level) }
        }
        func split(_ path: String) -> Placed? {
            let folder = (path as NSString).deletingLastPathComponent
            guard folders.contains(folder) else { return nil }
            return Placed(folder: folder, lfn: (path as NSString).lastPathComponent)
        }
        for planned in workflow.jobs {
            let folder = planned.job.workingDirectory
            if let abstract = planned.abstractIndex {
                let job = context.workflow.jobs[abstract]
                if planned.job.sandbox == nil { placed.formUnion(planned.job.inputLinks.map { Placed(folder: folder, lfn: $0.lfn) }) }
                placed.formUnion(planned.job.outputs.map { Placed(folder: folder, lfn: $0) })
                var lfns = job.uses.map(\.lfn)
                for name in [job.stdin, job.stdout, job.stderr].compactMap({ $0 }) where !lfns.contains(name) { lfns.append(name) }
                for lfn in lfns {
                    use(Placed(folder: folder, lfn: lfn), by: planned.job.id, level: levels[abstract])
                    readByWorkflowJobs.insert(Placed(folder: folder, lfn: lfn))
                }
                for use in job.uses where use.type.isOutput && use.stageOut == true { keep.insert(use.lfn) }
            } else {
                for transfer in planned.job.transfers {
                    if let from = split(transfer.source) { use(from, by: planned.job.id, level: nil) }
                    if let to = split(transfer.destination) {
                        use(to, by: planned.job.id, level: nil)
                        if planned.job.kind == .stageIn { fetched.insert(to) } else { placed.insert(to) }
                    }
                    if planned.job.kind == .stageOut, let from = split(transfer.source) { stagedOut.insert(from) }
                }
            }
        }
        // Results not staged out stay in scratch: they are all the run leaves behind.
        placed.formUnion(fetched.intersection(readByWorkflowJobs))
        let removable = order.filter { placed.contains($0) && (!keep.contains($0.lfn) || stagedOut.contains($0)) }
        var sites: [String] = []
        var byLevel: [String: [Int: [Placed]]] = [:]
        for file in removable {
            let site = siteOfFolder[file.folder] ?? "local"
            if byLevel[site] == nil { sites.append(site) }
            byLevel[site, default: [:]][lastLevel[file] ?? 0, default: []].append(file)
        }
        var jobsOnLevel: [Int: Int] = [:]
        for planned in workflow.jobs { if let a = planned.abstractIndex { jobsOnLevel[levels[a], default: 0] += 1 } }
        var taken = workflow.jobIDs
        for site in sites {
            for level in byLevel[site]!.keys.sorted() {
                let files = byLevel[site]![level]!
                let count = auxiliaryJobCount(files: files.count, jobsOnLevel: jobsOnLevel[level] ?? 1, perJob: Self.jobsPerCleanupJob)
                var groups = Array(repeating: [Placed](), count: count)
                for (n, file) in files.enumerated() { groups[n % count].append(file) }
                for (n, group) in groups.enumerated() where !group.isEmpty {
                    var parents: [String] = []
                    var seen = Set<String>()
                    for file in group { for user in users[file] ?? [] where seen.insert(user).inserted { parents.append(user) } }
                    let folder = group[0].folder
                    let removals = group.map { ($0.folder as NSString).appendingPathComponent($0.lfn) }
                    let id = ExecutableWorkflow.unusedID("clean_up_\(site)_level_\(level)_\(n)", taken: &taken)
                    workflow.jobs.append(cleanupJob(id: id, site: site, removals: removals, parents: parents, folder: folder, context))
                }
            }
        }
    }

    private func cleanupJob(id: String, site: String, removals: [String], parents: [String], folder: String, _ context: PlanningContext) -> PlannedJob {
        var job = ExecutableJob(
            id: id, kind: .cleanup, transformation: "pegasus::cleanup", site: site, executor: StagingPass.executor, executable: "",
            arguments: [], environment: [:], workingDirectory: folder, retries: context.options.defaultRetries, parents: [])
        job.removals = removals
        return PlannedJob(job: job, parentIDs: parents)
    }
}
