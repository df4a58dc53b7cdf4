import Foundation
import SkeinRunFormat
import SkeinWorkflow

/// Removes the workflow's files from the scratch folder once nothing needs them, as
/// pegasus-plan `--cleanup` does. `inplace` (the default): each file after every job that
/// makes, reads, fetches or stages it out, by `clean_up_<site>_level_<L>_<n>` jobs, per
/// level `ceil(jobs on the level / 5)`; a `stageOut: true` output that is not staged out is
/// the run's result and stays. `leaf`: one `cleanup_<wf>_0_<site>` job removes the whole
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
        let id = ExecutableWorkflow.unusedID("cleanup_\(DirectoriesPass.sanitized(workflow.label))_0_\(context.primarySite)", taken: &taken)
        workflow.jobs.append(cleanupJob(id: id, removals: [workflow.scratchDirectory], parents: leaves, workflow, context))
    }

    private func inPlace(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        guard let levels = context.graph.levels() else { return }
        // Who touches each file: compute jobs by their uses, transfer jobs by what they move.
        var users: [String: [String]] = [:]
        var lastLevel: [String: Int] = [:]
        var order: [String] = []
        var stagedOut = Set<String>()
        var keep = Set<String>()
        // Only what the run puts in scratch: outputs, fetched inputs, linked replicas.
        var placed = Set<String>()
        // Fetched files are the workflow's only when a job of it reads them: a container image
        // staged in is removed by its own clean-up job, after its last container job.
        var stagedIn = Set<String>()
        var readByWorkflowJobs = Set<String>()
        for planned in workflow.jobs {
            placed.formUnion(planned.job.inputLinks.map(\.lfn))
            placed.formUnion(planned.job.outputs)
            if planned.job.kind == .stageIn { stagedIn.formUnion(planned.job.transfers.map(\.lfn)) }
            if let abstract = planned.abstractIndex {
                let job = context.workflow.jobs[abstract]
                var lfns = job.uses.map(\.lfn)
                for name in [job.stdin, job.stdout, job.stderr].compactMap({ $0 }) where !lfns.contains(name) { lfns.append(name) }
                readByWorkflowJobs.formUnion(lfns)
                for lfn in lfns {
                    if users[lfn] == nil { order.append(lfn) }
                    users[lfn, default: []].append(planned.job.id)
                    lastLevel[lfn] = max(lastLevel[lfn] ?? 0, levels[abstract])
                }
                for use in job.uses where use.type.isOutput && use.stageOut == true { keep.insert(use.lfn) }
            } else {
                for transfer in planned.job.transfers {
                    // Stage-in jobs come first in the plan: their files start the order too.
                    if users[transfer.lfn] == nil { order.append(transfer.lfn) }
                    users[transfer.lfn, default: []].append(planned.job.id)
                    if planned.job.kind == .stageOut { stagedOut.insert(transfer.lfn) }
                }
            }
        }
        // Results not staged out stay in scratch: they are all the run leaves behind.
        placed.formUnion(stagedIn.intersection(readByWorkflowJobs))
        let removable = order.filter { placed.contains($0) && (!keep.contains($0) || stagedOut.contains($0)) }
        var byLevel: [Int: [String]] = [:]
        for lfn in removable { byLevel[lastLevel[lfn] ?? 0, default: []].append(lfn) }
        var jobsOnLevel: [Int: Int] = [:]
        for planned in workflow.jobs { if let a = planned.abstractIndex { jobsOnLevel[levels[a], default: 0] += 1 } }
        var taken = workflow.jobIDs
        for level in byLevel.keys.sorted() {
            let files = byLevel[level]!
            let count = auxiliaryJobCount(files: files.count, jobsOnLevel: jobsOnLevel[level] ?? 1, perJob: Self.jobsPerCleanupJob)
            var groups = Array(repeating: [String](), count: count)
            for (n, lfn) in files.enumerated() { groups[n % count].append(lfn) }
            for (n, group) in groups.enumerated() where !group.isEmpty {
                var parents: [String] = []
                var seen = Set<String>()
                for lfn in group { for user in users[lfn] ?? [] where seen.insert(user).inserted { parents.append(user) } }
                let removals = group.map { (workflow.scratchDirectory as NSString).appendingPathComponent($0) }
                let id = ExecutableWorkflow.unusedID("clean_up_\(context.primarySite)_level_\(level)_\(n)", taken: &taken)
                workflow.jobs.append(cleanupJob(id: id, removals: removals, parents: parents, workflow, context))
            }
        }
    }

    private func cleanupJob(id: String, removals: [String], parents: [String], _ workflow: ExecutableWorkflow, _ context: PlanningContext) -> PlannedJob {
        var job = ExecutableJob(
            id: id, kind: .cleanup, transformation: "pegasus::cleanup", site: context.primarySite, executor: StagingPass.executor, executable: "",
            arguments: [], environment: [:], workingDirectory: workflow.scratchDirectory, retries: context.options.defaultRetries, parents: [])
        job.removals = removals
        return PlannedJob(job: job, parentIDs: parents)
    }
}
