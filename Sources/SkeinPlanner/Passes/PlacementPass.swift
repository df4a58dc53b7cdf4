import SkeinRunFormat
import SkeinWorkflow

/// Adds one compute job per abstract job, placed on the first site to run (or the one the
/// job asks for with `selector.execution.site`) where its transformation exists.
struct PlacementPass: PlannerPass {
    let name = "placement"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        workflow.jobs.reserveCapacity(workflow.jobs.count + context.workflow.jobs.count)
        for (index, job) in context.workflow.jobs.enumerated() where workflow.pruned[index] == nil {
            guard job.kind == .job else {
                switch SubWorkflowJobs.job(for: job, index: index, context) {
                case .success(let planned): workflow.jobs.append(planned)
                case .failure(let problems): workflow.problems += problems.messages
                }
                continue
            }
            guard let placement = place(job, context) else {
                workflow.problems.append(problem(job, context))
                continue
            }
            if let site = context.loaded.sites?.site(named: placement.site), let refusal = SiteBatchSystem.refusal(site) {
                workflow.problems.append("job '\(job.id)': \(refusal)")
                continue
            }
            let executable = ExecutableJob(
                id: job.id, kind: .compute, transformation: job.transformation.description, site: placement.site, executable: placement.entry.pfn,
                arguments: job.arguments, environment: [:], workingDirectory: "", stdin: job.stdin, stdout: job.stdout, stderr: job.stderr,
                parents: [], metadata: Dictionary(job.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }))
            workflow.jobs.append(PlannedJob(job: executable, abstractIndex: index, placement: placement))
        }
    }

    func place(_ job: Job, _ context: PlanningContext) -> Placement? {
        let wanted = job.profiles.value("selector", "execution.site") ?? job.profiles.value("hints", "execution.site")
        let sites = wanted.map { [$0] } ?? context.options.sitesToRun
        let candidates = context.transformations.candidates(job.transformation)
        for site in sites {
            for t in candidates {
                if let entry = t.sites.first(where: { $0.name == site }) { return Placement(site: site, transformation: t, entry: entry) }
            }
        }
        return nil
    }

    func problem(_ job: Job, _ context: PlanningContext) -> String {
        let available = Set(context.transformations.candidates(job.transformation).flatMap { $0.sites.map(\.name) }).sorted()
        let sites = context.options.sitesToRun.joined(separator: ", ")
        if available.isEmpty { return "job '\(job.id)': no transformation catalog entry for '\(job.transformation)'" }
        return "job '\(job.id)': transformation '\(job.transformation)' is not available on the sites to run (\(sites)); it is on \(available.joined(separator: ", ")): pass --sites-to-run \(available[0]) or add a '\(context.primarySite)' entry to the transformation catalog"
    }
}
