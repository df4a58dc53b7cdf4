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
        // What a job's profiles give depends only on its placement (site, transformation,
        // entry) and its own profiles, which most jobs share: worked out once per pair (a
        // few per placement kept), not merged and mapped again per job.
        var known: [ObjectIdentifier: [(profiles: Profiles, effect: Effect)]] = [:]
        for i in workflow.jobs.indices {
            guard let placement = workflow.jobs[i].placement, let abstract = workflow.jobs[i].abstractIndex else { continue }
            let jobProfiles = context.workflow.jobs[abstract].profiles
            let key = ObjectIdentifier(placement)
            let effect: Effect
            if let found = known[key]?.first(where: { $0.profiles == jobProfiles })?.effect {
                effect = found
            } else {
                let site = context.loaded.sites?.site(named: placement.site)
                var layers: [Profiles] = [propertyProfiles]
                if let site { layers.append(site.profiles) }
                layers += [placement.transformation.profiles, placement.entry.profiles, context.workflow.profiles, jobProfiles]
                let profiles = EffectiveProfiles(layers: layers)
                let abort = Self.abortRule(profiles["dagman.ABORT-DAG-ON"])
                effect = Effect(
                    environment: shared(profiles.environment), executor: site.map(Self.executor(for:)) ?? "local",
                    retries: profiles["dagman.RETRY"].flatMap { Int($0) } ?? workflowRetries ?? context.options.defaultRetries,
                    maxWalltime: profiles["pegasus.maxwalltime"].flatMap { Double($0) }.map { $0 * 60 },
                    priority: profiles["dagman.PRIORITY"].flatMap { Int($0) } ?? 0, category: profiles["dagman.CATEGORY"],
                    abortOnExitCode: abort?.exitCode, abortReturnValue: abort?.returnValue,
                    successMessage: profiles["pegasus.exitcode.successmsg"], failureMessage: profiles["pegasus.exitcode.failuremsg"],
                    profiles: shared(profiles.values))
                if known[key, default: []].count < Self.keptPerPlacement { known[key, default: []].append((jobProfiles, effect)) }
            }

            // Field by field, in place: a copy of the job and back retained and released its every field.
            workflow.jobs[i].job.environment = effect.environment
            workflow.jobs[i].job.executor = effect.executor
            workflow.jobs[i].job.retries = effect.retries
            workflow.jobs[i].job.maxWalltime = effect.maxWalltime
            workflow.jobs[i].job.priority = effect.priority
            workflow.jobs[i].job.category = effect.category
            workflow.jobs[i].job.abortOnExitCode = effect.abortOnExitCode
            workflow.jobs[i].job.abortReturnValue = effect.abortReturnValue
            workflow.jobs[i].job.successMessage = effect.successMessage
            workflow.jobs[i].job.failureMessage = effect.failureMessage
            let hooks = context.workflow.jobs[abstract].hooks
            workflow.jobs[i].job.hooks = hooks.isEmpty ? [] : hooks.shell.map { PlannedHook(on: $0.on.rawValue, command: $0.command) }
            workflow.jobs[i].job.profiles = effect.profiles
        }
    }

    /// Distinct job profiles remembered per placement; jobs past them are worked out each.
    static let keptPerPlacement = 16

    /// What the merged profiles set on a compute job.
    private struct Effect {
        var environment: [String: String]
        var executor: String
        var retries: Int
        var maxWalltime: Double?
        var priority: Int
        var category: String?
        var abortOnExitCode: Int32?
        var abortReturnValue: Int32?
        var successMessage: String?
        var failureMessage: String?
        var profiles: [String: String]
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
