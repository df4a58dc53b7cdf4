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
        let propertyProfiles = Self.profiles(fromProperties: context.options.properties?.values ?? [:])
        // Most jobs end with equal maps (the same site and transformation profiles): they
        // share one copy instead of a dictionary each.
        var maps = Set<[String: String]>()
        func shared(_ map: [String: String]) -> [String: String] {
            map.isEmpty ? map : maps.insert(map).memberAfterInsert
        }
        for i in workflow.jobs.indices {
            guard let placement = workflow.jobs[i].placement, let abstract = workflow.jobs[i].abstractIndex else { continue }
            let job = context.workflow.jobs[abstract]
            let site = context.loaded.sites?.site(named: placement.site)
            var layers: [Profiles] = [propertyProfiles]
            if let site { layers.append(site.profiles) }
            layers += [placement.transformation.profiles, placement.entry.profiles, context.workflow.profiles, job.profiles]
            let profiles = EffectiveProfiles(layers: layers)
            let abort = Self.abortRule(profiles["dagman.ABORT-DAG-ON"])

            // Field by field, in place: a copy of the job and back retained and released its every field.
            workflow.jobs[i].job.environment = shared(profiles.environment)
            workflow.jobs[i].job.executor = site.map(Self.executor(for:)) ?? "local"
            workflow.jobs[i].job.retries = profiles["dagman.RETRY"].flatMap { Int($0) } ?? workflowRetries ?? context.options.defaultRetries
            workflow.jobs[i].job.maxWalltime = profiles["pegasus.maxwalltime"].flatMap { Double($0) }.map { $0 * 60 }
            workflow.jobs[i].job.priority = profiles["dagman.PRIORITY"].flatMap { Int($0) } ?? 0
            workflow.jobs[i].job.category = profiles["dagman.CATEGORY"]
            workflow.jobs[i].job.abortOnExitCode = abort?.exitCode
            workflow.jobs[i].job.abortReturnValue = abort?.returnValue
            workflow.jobs[i].job.successMessage = profiles["pegasus.exitcode.successmsg"]
            workflow.jobs[i].job.failureMessage = profiles["pegasus.exitcode.failuremsg"]
            workflow.jobs[i].job.hooks = job.hooks.shell.map { PlannedHook(on: $0.on.rawValue, command: $0.command) }
            workflow.jobs[i].job.profiles = shared(profiles.values)
        }
    }

    /// A site whose compute grid has `scheduler: slurm` (Pegasus's glite style or a batch
    /// grid) runs its jobs through Slurm; the others Skein can drive run them on this machine
    /// (PlacementPass refuses the rest).
    static func executor(for site: Site) -> String {
        SiteBatchSystem(site) == .slurm ? "slurm" : "local"
    }

    /// Profile keys given as properties (`env.*`, `condor.*`, `globus.*`, and the `pegasus.*`
    /// job profiles Skein acts on), the lowest layer: as Pegasus, site, transformation and
    /// job profiles override them. `dagman.retry` and `dagman.maxjobs` are engine settings.
    static func profiles(fromProperties values: [String: String]) -> Profiles {
        var profiles = Profiles()
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let dot = key.firstIndex(of: ".") else { continue }
            let namespace = String(key[..<dot]), name = String(key[key.index(after: dot)...])
            switch namespace {
            case "env", "condor", "globus": profiles.set(namespace, name, value)
            case "pegasus" where PegasusCompatibility.propertyProfileKeys.contains(name): profiles.set(namespace, name, value)
            default: break
            }
        }
        return profiles
    }

    /// `dagman.ABORT-DAG-ON: "3"` or `"3 RETURN 1"`.
    static func abortRule(_ text: String?) -> (exitCode: Int32, returnValue: Int32?)? {
        guard let parts = text?.split(separator: " "), let first = parts.first, let code = Int32(first) else { return nil }
        if parts.count >= 3, parts[1].uppercased() == "RETURN", let value = Int32(parts[2]) { return (code, value) }
        return (code, nil)
    }
}
