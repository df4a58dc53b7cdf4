import SkeinRunFormat
import SkeinWorkflow

/// Merges each compute job's profiles (site, transformation, its site entry, workflow,
/// job: Pegasus's order, the job last) and maps those that change how it runs: environment,
/// retries, walltime, priority, category, abort rule, success and failure messages, and the
/// executor its site's grid calls for.
struct ProfilesPass: PlannerPass {
    let name = "profiles"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        let workflowRetries = context.workflow.profiles.value("dagman", "RETRY").flatMap { Int($0) }
        for i in workflow.jobs.indices {
            guard let placement = workflow.jobs[i].placement, let abstract = workflow.jobs[i].abstractIndex else { continue }
            let job = context.workflow.jobs[abstract]
            let site = context.loaded.sites?.site(named: placement.site)
            var layers: [Profiles] = []
            if let site { layers.append(site.profiles) }
            layers += [placement.transformation.profiles, placement.entry.profiles, context.workflow.profiles, job.profiles]
            let profiles = EffectiveProfiles(layers: layers)
            let abort = Self.abortRule(profiles["dagman.ABORT-DAG-ON"])

            var planned = workflow.jobs[i].job
            planned.environment = profiles.environment
            planned.executor = site.map(Self.executor(for:)) ?? "local"
            planned.retries = profiles["dagman.RETRY"].flatMap { Int($0) } ?? workflowRetries ?? context.options.defaultRetries
            planned.maxWalltime = profiles["pegasus.maxwalltime"].flatMap { Double($0) }.map { $0 * 60 }
            planned.priority = profiles["dagman.PRIORITY"].flatMap { Int($0) } ?? 0
            planned.category = profiles["dagman.CATEGORY"]
            planned.abortOnExitCode = abort?.exitCode
            planned.abortReturnValue = abort?.returnValue
            planned.successMessage = profiles["pegasus.exitcode.successmsg"]
            planned.failureMessage = profiles["pegasus.exitcode.failuremsg"]
            planned.hooks = job.hooks.shell.map { PlannedHook(on: $0.on.rawValue, command: $0.command) }
            planned.profiles = profiles.values
            workflow.jobs[i].job = planned
        }
    }

    /// A site whose grid has `scheduler: slurm` (Pegasus's glite style or a batch grid) runs
    /// its jobs through Slurm; every other site runs them on this machine.
    static func executor(for site: Site) -> String {
        site.grids.contains { $0.scheduler == "slurm" && ($0.jobtype == nil || $0.jobtype == "compute") } ? "slurm" : "local"
    }

    /// `dagman.ABORT-DAG-ON: "3"` or `"3 RETURN 1"`.
    static func abortRule(_ text: String?) -> (exitCode: Int32, returnValue: Int32?)? {
        guard let parts = text?.split(separator: " "), let first = parts.first, let code = Int32(first) else { return nil }
        if parts.count >= 3, parts[1].uppercased() == "RETURN", let value = Int32(parts[2]) { return (code, value) }
        return (code, nil)
    }
}
