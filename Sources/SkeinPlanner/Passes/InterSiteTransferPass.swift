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
        var byAbstract: [Int: Int] = [:]
        for (i, planned) in workflow.jobs.enumerated() { if let a = planned.abstractIndex { byAbstract[a] = i } }
        var taken = workflow.jobIDs
        var added: [(before: Int, job: PlannedJob)] = []
        for i in workflow.jobs.indices where workflow.jobs[i].job.kind.isCompute {
            guard let abstract = workflow.jobs[i].abstractIndex, let site = workflow.jobs[i].stagingSite,
                let destination = workflow.scratchBySite[site] else { continue }
            // Only parents whose files wait in another folder can need a move: found once per
            // job, not once per input (a montage's mAdd has 500,000 inputs and 250,000 parents).
            let elsewhere = workflow.plannedParents(of: abstract, context).filter { parent in
                guard let p = byAbstract[parent], let from = workflow.jobs[p].stagingSite, let source = workflow.scratchBySite[from] else { return false }
                return source != destination
            }
            guard !elsewhere.isEmpty else { continue }
            var transfers: [PlannedTransfer] = []
            var producers: [String] = []
            for lfn in workflow.jobs[i].job.inputs where !transfers.contains(where: { $0.lfn == lfn }) {
                for parent in elsewhere {
                    guard context.workflow.jobs[parent].uses.contains(where: { $0.lfn == lfn && $0.type.isOutput }),
                        let p = byAbstract[parent], let from = workflow.jobs[p].stagingSite, let source = workflow.scratchBySite[from],
                        source != destination else { continue }
                    transfers.append(PlannedTransfer(lfn: lfn, source: source + "/" + lfn, destination: destination + "/" + lfn, link: true))
                    if !producers.contains(workflow.jobs[p].job.id) { producers.append(workflow.jobs[p].job.id) }
                    break
                }
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
