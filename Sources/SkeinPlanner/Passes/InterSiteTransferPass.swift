import SkeinRunFormat
import SkeinWorkflow

/// A file made on one site and read by a job whose files wait on another site is moved
/// between the two scratch folders, as Pegasus's `stage_inter_*` jobs (`inter-site-tx`) do:
/// one `stage_inter_local_<child job>_0` per job that needs such files, after the jobs that
/// make them and the child's create_dir, before the child. Sites whose scratch folders are
/// the same folder (one shared filesystem path) need no move.
struct InterSiteTransferPass: PlannerPass {
    let name = "inter-site transfers"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        // One scratch folder for every site (one site, the usual run): nothing moves between
        // them, and no job need be looked at.
        guard Set(workflow.scratchBySite.values).count > 1 else { return }
        var byAbstract: [Int: Int] = [:]
        for i in workflow.jobs.indices { if let a = workflow.jobs[i].abstractIndex { byAbstract[a] = i } }
        var taken = workflow.jobIDs(context)
        var added: [(before: Int, job: PlannedJob)] = []
        for i in workflow.jobs.indices where workflow.jobs[i].job.kind.isCompute {
            guard let abstract = workflow.jobs[i].abstractIndex, let site = workflow.jobs[i].stagingSite,
                let destination = workflow.scratchBySite[site] else { continue }
            // Which parent on another site makes each file, the first in the parents' order:
            // gathered once per job (a join has thousands of parents and inputs), and only
            // from parents whose scratch folder is not this job's (none, on one site).
            var madeElsewhere: [String: (index: Int, source: String)] = [:]
            for parent in workflow.plannedParents(of: abstract, context) {
                guard let p = byAbstract[parent], let from = workflow.jobs[p].stagingSite, let source = workflow.scratchBySite[from],
                    source != destination else { continue }
                for use in context.workflow.jobs[parent].uses where use.type.isOutput && madeElsewhere[use.lfn] == nil {
                    madeElsewhere[use.lfn] = (p, source)
                }
            }
            var transfers: [PlannedTransfer] = []
            var producers: [String] = []
            var moved = Set<String>(), producerSet = Set<String>()
            for lfn in workflow.jobs[i].job.inputs where !madeElsewhere.isEmpty {
                guard let maker = madeElsewhere[lfn], moved.insert(lfn).inserted else { continue }
                transfers.append(PlannedTransfer(lfn: lfn, source: maker.source + "/" + lfn, destination: destination + "/" + lfn, link: true))
                let producer = workflow.jobs[maker.index].job.id
                if producerSet.insert(producer).inserted { producers.append(producer) }
            }
            guard !transfers.isEmpty else { continue }
            let id = ExecutableWorkflow.unusedID("stage_inter_local_\(workflow.jobs[i].job.id)_0", taken: &taken)
            var job = ExecutableJob(
                id: id, kind: .interSite, transformation: "pegasus::transfer", site: "local", executor: StagingPass.executor, executable: "",
                arguments: [], environment: [:], workingDirectory: destination, retries: context.options.defaultRetries, parents: [])
            job.transfers = transfers
            let parents = (workflow.createDirBySite[site].map { [$0] } ?? []) + producers
            added.append((i, PlannedJob(job: job, parentIDs: parents)))
            workflow.jobs[i].parentIDs.append(id)
        }
        // Each right before its child, from the end so the indices stay right.
        for (before, job) in added.reversed() { workflow.jobs.insert(job, at: before) }
    }
}
