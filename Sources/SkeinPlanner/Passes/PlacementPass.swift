import SkeinRunFormat
import SkeinWorkflow

/// Adds one compute job per abstract job, placed on the first site to run (or the one the
/// job asks for with `selector.execution.site`) where its transformation exists.
struct PlacementPass: PlannerPass {
    let name = "placement"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        // Room for the jobs later passes add (create_dir, staging, cleanup: about one per
        // five compute jobs at most), so inserting them never copies every job to a larger
        // array while the old one is alive.
        let jobs = context.workflow.jobs.count
        workflow.jobs.reserveCapacity(workflow.jobs.count + jobs + jobs / 4 + 64)
        // Jobs asking for the same transformation on the same sites share one Placement, and
        // one string of the transformation's name (a copy per job was 64 MB at a million jobs).
        var placements: [PlacementKey: (placement: Placement?, name: String)] = [:]
        for (index, job) in context.workflow.jobs.enumerated() where workflow.pruned[index] == nil {
            guard job.kind == .job else {
                switch SubWorkflowJobs.job(for: job, index: index, context) {
                case .success(let planned): workflow.jobs.append(planned)
                case .failure(let problems): workflow.problems += problems.messages
                }
                continue
            }
            let key = PlacementKey(wanted: wantedSite(job), transformation: job.transformation)
            let found: (placement: Placement?, name: String)
            if let known = placements[key] {
                found = known
            } else {
                found = (place(job, context), job.transformation.description)
                placements[key] = found
            }
            guard let placement = found.placement else {
                workflow.problems.append(problem(job, context))
                continue
            }
            if let site = context.loaded.sites?.site(named: placement.site), let refusal = SiteBatchSystem.refusal(site) {
                workflow.problems.append("job '\(job.id)': \(refusal)")
                continue
            }
            let executable = ExecutableJob(
                id: job.id, kind: .compute, transformation: found.name, site: placement.site, executable: placement.entry.pfn,
                arguments: job.arguments, environment: [:], workingDirectory: "", stdin: job.stdin, stdout: job.stdout, stderr: job.stderr,
                parents: [], metadata: Dictionary(job.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }))
            workflow.jobs.append(PlannedJob(job: executable, abstractIndex: index, placement: placement))
        }
    }

    /// What placement depends on besides the options: the site a job asks for, the transformation.
    private struct PlacementKey: Hashable {
        var wanted: String?
        var transformation: TransformationReference
    }

    private func wantedSite(_ job: Job) -> String? {
        job.profiles.value("selector", "execution.site") ?? job.profiles.value("hints", "execution.site")
    }

    func place(_ job: Job, _ context: PlanningContext) -> Placement? {
        let wanted = wantedSite(job)
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
