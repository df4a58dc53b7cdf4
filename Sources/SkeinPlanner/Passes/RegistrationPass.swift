import Foundation
import SkeinRunFormat
import SkeinWorkflow

/// Registration, as Pegasus adds it: after each stage-out job, a `register_<site>_<level>_<n>`
/// job records the staged results marked `registerReplica: true` (pfn at the output site,
/// the site, the workflow's file metadata) in the run's output replica catalog
/// (`<label>-0.replicas.db`), so later runs can reuse them. Without an output site nothing is
/// staged out and nothing is registered, as with pegasus-plan.
struct RegistrationPass: PlannerPass {
    let name = "registration"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        guard context.options.stageOut, context.options.properties?["pegasus.register"] != "false" else { return }
        var wanted: [String: [String: String]] = [:]  // lfn -> metadata
        for job in context.workflow.jobs {
            for use in job.uses where use.type.isOutput && use.registerReplica == true {
                wanted[use.lfn, default: [:]].merge(Dictionary(use.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })) { _, new in new }
            }
        }
        guard !wanted.isEmpty else { return }
        let catalog = RunLayout(runDirectory: workflow.runDirectory).outputReplicaCatalog(label: workflow.label)
        var taken = workflow.jobIDs(context)
        var added: [PlannedJob] = []
        for planned in workflow.jobs where planned.job.kind == .stageOut {
            let registrations = planned.job.transfers.compactMap { transfer -> PlannedRegistration? in
                guard let metadata = wanted[transfer.lfn] else { return nil }
                return PlannedRegistration(lfn: transfer.lfn, pfn: "file://" + transfer.destination, site: context.options.outputSite,
                                           catalog: catalog, metadata: metadata)
            }
            guard !registrations.isEmpty else { continue }
            // stage_out_local_<site>_<level>_<n> -> register_<site>_<level>_<n>
            let suffix = planned.job.id.hasPrefix("stage_out_local_") ? String(planned.job.id.dropFirst("stage_out_local_".count)) : planned.job.id
            var job = ExecutableJob(
                id: ExecutableWorkflow.unusedID("register_" + suffix, taken: &taken), kind: .registration, transformation: "pegasus::rc-client",
                site: "local", executor: StagingPass.executor, executable: "", arguments: [], environment: [:],
                workingDirectory: workflow.runDirectory, retries: context.options.defaultRetries, parents: [])
            job.registrations = registrations
            added.append(PlannedJob(job: job, parentIDs: [planned.job.id]))
        }
        workflow.jobs.append(contentsOf: added)
    }
}
