import Foundation
import SkeinProperties
import SkeinRunFormat
import SkeinWorkflow

/// Turns a valid abstract workflow into an executable plan for this machine: picks each
/// job's site, resolves its executable, merges its profiles and environment, and adds the
/// `create_dir` job that makes the scratch directory before anything runs.
public struct Planner {
    public let loaded: LoadedWorkflow
    public let options: PlanOptions

    public init(_ loaded: LoadedWorkflow, options: PlanOptions) {
        self.loaded = loaded
        self.options = options
    }

    /// Plans into `runDirectory` (which the caller created). Throws when a job cannot be
    /// placed on any of the sites to run.
    public func plan(runDirectory: String, wfUUID: String = UUID().uuidString.lowercased(), now: Double = Date().timeIntervalSince1970) throws -> ExecutablePlan {
        guard let workflow = loaded.workflow else { throw PlanError(messages: ["the workflow could not be read"]) }
        let graph = WorkflowGraph(workflow)
        let scratch = scratchDirectory(runDirectory: runDirectory, label: workflow.name)
        let output = outputDirectory(runDirectory: runDirectory)
        let replicas = ReplicaLocations(loaded.replicas, catalogFile: loaded.replicasFile)
        let transformations = TransformationIndex(loaded.transformations?.transformations ?? [])
        var problems: [String] = []

        let createDirID = "create_dir_\(Self.sanitized(workflow.name))_\(options.sitesToRun.first ?? "local")"
        var jobs: [ExecutableJob] = [
            ExecutableJob(
                id: createDirID, kind: .createDir, transformation: "pegasus::dirmanager", site: options.sitesToRun.first ?? "local",
                executable: "/bin/mkdir", arguments: ["-p", scratch, output], environment: [:], workingDirectory: runDirectory,
                retries: options.defaultRetries, priority: 0, parents: [], inputLinks: [], outputs: [], hooks: [], profiles: [:])
        ]
        jobs.reserveCapacity(workflow.jobs.count + 1)
        let workflowRetries = workflow.profiles.value("dagman", "RETRY").flatMap { Int($0) }

        for (index, job) in workflow.jobs.enumerated() {
            guard job.kind == .job else {
                problems.append("job '\(job.id)': sub-workflows (\(job.kind.rawValue)) are not supported yet")
                continue
            }
            guard let placement = place(job, transformations) else {
                problems.append(placementProblem(job, transformations))
                continue
            }
            let site = loaded.sites?.site(named: placement.site)
            var layers: [Profiles] = []
            if let site { layers.append(site.profiles) }
            layers.append(placement.transformation.profiles)
            layers.append(placement.entry.profiles)
            layers.append(workflow.profiles)
            layers.append(job.profiles)
            let profiles = EffectiveProfiles(layers: layers)

            var executable = CatalogPaths.localPath(placement.entry.pfn, relativeTo: loaded.transformationsFile) ?? placement.entry.pfn
            if placement.entry.type == "stageable" {
                executable = try stage(executable, named: placement.transformation.name, into: runDirectory)
            }
            let parents = [0] + graph.parents[index].map { $0 + 1 }
            var inputLinks: [InputLink] = []
            for use in job.uses where use.type.isInput {
                if graph.parents[index].contains(where: { p in workflow.jobs[p].uses.contains { $0.lfn == use.lfn && $0.type.isOutput } }) { continue }
                if let source = replicas.localPath(of: use.lfn) { inputLinks.append(InputLink(lfn: use.lfn, source: source)) }
            }
            if let stdin = job.stdin, !inputLinks.contains(where: { $0.lfn == stdin }), !job.uses.contains(where: { $0.lfn == stdin && $0.type.isInput }),
                let source = replicas.localPath(of: stdin)
            {
                inputLinks.append(InputLink(lfn: stdin, source: source))
            }
            let abort = Self.abortRule(profiles["dagman.ABORT-DAG-ON"])
            let executor = site.map(Self.executor(for:)) ?? "local"
            jobs.append(
                ExecutableJob(
                    id: job.id, kind: .compute, transformation: job.transformation.description, site: placement.site, executor: executor,
                    executable: executable, arguments: job.arguments, environment: profiles.environment,
                    workingDirectory: scratch, stdin: job.stdin, stdout: job.stdout, stderr: job.stderr,
                    retries: profiles["dagman.RETRY"].flatMap { Int($0) } ?? workflowRetries ?? options.defaultRetries,
                    maxWalltime: profiles["pegasus.maxwalltime"].flatMap { Double($0) }.map { $0 * 60 },
                    priority: profiles["dagman.PRIORITY"].flatMap { Int($0) } ?? 0,
                    category: profiles["dagman.CATEGORY"],
                    abortOnExitCode: abort?.exitCode, abortReturnValue: abort?.returnValue,
                    successMessage: profiles["pegasus.exitcode.successmsg"], failureMessage: profiles["pegasus.exitcode.failuremsg"],
                    parents: parents, inputLinks: inputLinks,
                    outputs: job.uses.filter { $0.type == .output || $0.type == .inout }.map(\.lfn).filter { $0 != job.stdout && $0 != job.stderr }
                        + [job.stdout, job.stderr].compactMap { $0 },
                    hooks: job.hooks.shell.map { PlannedHook(on: $0.on.rawValue, command: $0.command) },
                    profiles: profiles.values,
                    metadata: Dictionary(job.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })))
        }
        if !problems.isEmpty { throw PlanError(messages: problems) }

        return ExecutablePlan(
            formatVersion: ExecutablePlan.formatVersion, label: workflow.name, wfUUID: wfUUID, workflowFile: CatalogPaths.absolute(loaded.sources.workflow),
            runDirectory: runDirectory, scratchDirectory: scratch, outputDirectory: output, createdAt: now,
            plannerArguments: options.plannerArguments,
            hooks: workflow.hooks.shell.map { PlannedHook(on: $0.on.rawValue, command: $0.command) },
            metadata: Dictionary(workflow.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }),
            categoryLimits: Self.categoryLimits(PegasusProperties.load(besideWorkflowIn: (loaded.sources.workflow as NSString).deletingLastPathComponent)),
            jobs: jobs)
    }

    struct Placement {
        var site: String
        var transformation: Transformation
        var entry: TransformationSite
    }

    /// The first site to run (or the one the job asks for) where its transformation exists.
    func place(_ job: Job, _ index: TransformationIndex) -> Placement? {
        let wanted = job.profiles.value("selector", "execution.site") ?? job.profiles.value("hints", "execution.site")
        let sites = wanted.map { [$0] } ?? options.sitesToRun
        let candidates = index.candidates(job.transformation)
        for site in sites {
            for t in candidates {
                if let entry = t.sites.first(where: { $0.name == site }) { return Placement(site: site, transformation: t, entry: entry) }
            }
        }
        return nil
    }

    func placementProblem(_ job: Job, _ index: TransformationIndex) -> String {
        let available = Set(index.candidates(job.transformation).flatMap { $0.sites.map(\.name) }).sorted()
        let sites = options.sitesToRun.joined(separator: ", ")
        if available.isEmpty { return "job '\(job.id)': no transformation catalog entry for '\(job.transformation)'" }
        return "job '\(job.id)': transformation '\(job.transformation)' is not available on the sites to run (\(sites)); it is on \(available.joined(separator: ", ")): pass --sites-to-run \(available[0]) or add a '\(options.sitesToRun.first ?? "local")' entry to the transformation catalog"
    }

    /// Scratch: the local site's sharedScratch (relative to sites.yml) / label / runNNNN,
    /// or the run directory's `scratch/` when the site names none.
    func scratchDirectory(runDirectory: String, label: String) -> String {
        let run = (runDirectory as NSString).lastPathComponent
        if let site = loaded.sites?.site(named: options.sitesToRun.first ?? "local"),
            let path = site.directory("sharedScratch")?.path ?? site.directory("localScratch")?.path,
            let local = CatalogPaths.localPath(path, relativeTo: loaded.sitesFile)
        {
            return ((local as NSString).appendingPathComponent(label) as NSString).appendingPathComponent(run)
        }
        return (CatalogPaths.absolute(runDirectory) as NSString).appendingPathComponent("scratch")
    }

    func outputDirectory(runDirectory: String) -> String {
        if let site = loaded.sites?.site(named: options.outputSite),
            let path = site.directory("localStorage")?.path ?? site.directory("sharedStorage")?.path,
            let local = CatalogPaths.localPath(path, relativeTo: loaded.sitesFile)
        {
            return local
        }
        return (CatalogPaths.absolute(runDirectory) as NSString).appendingPathComponent("output")
    }

    /// Copies a stageable executable into the run's `bin/` and makes it executable.
    func stage(_ source: String, named name: String, into runDirectory: String) throws -> String {
        let bin = (runDirectory as NSString).appendingPathComponent("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let target = (bin as NSString).appendingPathComponent(name)
        if !FileManager.default.fileExists(atPath: target) {
            do {
                try FileManager.default.copyItem(atPath: source, toPath: target)
            } catch {
                throw PlanError(messages: ["cannot stage executable \(source) for '\(name)': \(error.localizedDescription)"])
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target)
        }
        return target
    }

    /// A site whose grid has `scheduler: slurm` (Pegasus's glite style or a batch grid) runs
    /// its jobs through Slurm; every other site runs them on this machine.
    static func executor(for site: Site) -> String {
        site.grids.contains { $0.scheduler == "slurm" && ($0.jobtype == nil || $0.jobtype == "compute") } ? "slurm" : "local"
    }

    /// `dagman.<category>.maxjobs = N`, as Pegasus passes category limits to DAGMan.
    static func categoryLimits(_ properties: PegasusProperties) -> [String: Int] {
        var limits: [String: Int] = [:]
        for (key, value) in properties.values where key.hasPrefix("dagman.") && key.hasSuffix(".maxjobs") {
            let category = String(key.dropFirst("dagman.".count).dropLast(".maxjobs".count))
            if !category.isEmpty, let n = Int(value), n > 0 { limits[category] = n }
        }
        return limits
    }

    /// `dagman.ABORT-DAG-ON: "3"` or `"3 RETURN 1"`.
    static func abortRule(_ text: String?) -> (exitCode: Int32, returnValue: Int32?)? {
        guard let parts = text?.split(separator: " "), let first = parts.first, let code = Int32(first) else { return nil }
        if parts.count >= 3, parts[1].uppercased() == "RETURN", let value = Int32(parts[2]) { return (code, value) }
        return (code, nil)
    }

    static func sanitized(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}

/// Transformations by name, for placing 100,000 jobs without scanning the catalog each time.
struct TransformationIndex {
    private var byName: [String: [Transformation]] = [:]

    init(_ transformations: [Transformation]) {
        for t in transformations { byName[t.name, default: []].append(t) }
    }

    func candidates(_ reference: TransformationReference) -> [Transformation] {
        (byName[reference.name] ?? []).filter { reference.matches($0) }
    }
}

/// Local paths of replicas on this machine (site `local`, or any `file://` pfn).
struct ReplicaLocations {
    private var literal: [String: String] = [:]

    init(_ catalog: ReplicaCatalog?, catalogFile: String) {
        for replica in catalog?.replicas ?? [] where replica.regex != true {
            let preferred = replica.pfns.first { $0.site == "local" } ?? replica.pfns.first { $0.pfn.hasPrefix("file://") || $0.pfn.hasPrefix("/") }
            if let pfn = preferred, literal[replica.lfn] == nil, let path = CatalogPaths.localPath(pfn.pfn, relativeTo: catalogFile) {
                literal[replica.lfn] = path
            }
        }
    }

    func localPath(of lfn: String) -> String? { literal[lfn] }
}
