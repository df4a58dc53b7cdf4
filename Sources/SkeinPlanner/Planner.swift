import Foundation
import SkeinProperties
import SkeinRunFormat
import SkeinWorkflow

/// Turns a valid abstract workflow into an executable plan for this machine, as a sequence
/// of passes over an in-memory `ExecutableWorkflow` (data reuse, placement, profiles,
/// executables, dataflow, directories, staging, inter-site transfers, sandboxes, registration, cleanup, integrity, file servers, ...), each pure and tested on its own; then `PlanWriter` does the I/O
/// (stageable executables into the run; the plan file).
public struct Planner {
    public let loaded: LoadedWorkflow
    public let options: PlanOptions

    /// In order. Staging, cleanup, reuse, clustering, containers and sub-workflows come in
    /// as passes here.
    let passes: [any PlannerPass] = [
        DataReusePass(), PlacementPass(), ProfilesPass(), ExecutablesPass(), DataflowPass(), DirectoriesPass(), StagingPass(),
        InterSiteTransferPass(), SandboxPass(), ReusedOutputsStagingPass(), ContainerPass(), RegistrationPass(), CleanupPass(), IntegrityPass(),
        FileServersPass(), SubWorkflowPass(), ClusteringPass(),
    ]

    /// The workflow's graph as validation built it (`ValidationResult.graph`), so a large
    /// workflow's graph is not built twice; nil = built here.
    public let graph: WorkflowGraph?

    public init(_ loaded: LoadedWorkflow, options: PlanOptions, graph: WorkflowGraph? = nil) {
        self.loaded = loaded
        self.options = options
        self.graph = graph
    }

    /// Runs every pass; throws with every job's problem when the workflow cannot be planned.
    public func executableWorkflow(runDirectory: String, wfUUID: String = UUID().uuidString.lowercased(), now: Double = Date().timeIntervalSince1970) throws -> ExecutableWorkflow {
        try Self.executableWorkflow(loaded, graph: graph, options: options, passes: passes, releasing: false, runDirectory: runDirectory, wfUUID: wfUUID, now: now)
    }

    /// As `executableWorkflow`, for a caller that hands over its only copy of the workflow
    /// and writes the plan with `PlanWriter.writePlan` or takes `plan()`: what no pass from
    /// the sandbox pass on reads of it (each job's profiles, the dependencies, the replica
    /// catalog as read) goes before the sandbox pass, so the largest passes' tables take its
    /// room (at a million jobs the peak was all of them at once), and the sandbox and
    /// cleanup paths in a scratch folder are held as names (`PlannedJob.pathsInFolder`). A
    /// caller that still held a copy would have the jobs copied instead.
    public consuming func executableWorkflowReleasingInputs(runDirectory: String, wfUUID: String = UUID().uuidString.lowercased(),
                                                           now: Double = Date().timeIntervalSince1970) throws -> ExecutableWorkflow {
        let (loaded, graph, options, passes) = (self.loaded, self.graph, self.options, self.passes)
        _ = consume self
        return try Self.executableWorkflow(loaded, graph: graph, options: options, passes: passes, releasing: true, runDirectory: runDirectory,
                                           wfUUID: wfUUID, now: now)
    }

    private static func executableWorkflow(_ loaded: consuming LoadedWorkflow, graph: consuming WorkflowGraph?, options: PlanOptions, passes: [any PlannerPass],
                                           releasing: Bool, runDirectory: String, wfUUID: String, now: Double) throws -> ExecutableWorkflow {
        guard let workflow = loaded.workflow else { throw PlanError(messages: ["the workflow could not be read"]) }
        var timings = PlanTimings()
        let properties = (options.properties ?? loaded.properties).withModeDefaults()
        let refused = Self.unsupportedSites(options.sitesToRun, loaded.sites)
        if !refused.isEmpty { throw PlanError(messages: refused) }
        var executable = ExecutableWorkflow(
            label: workflow.name, wfUUID: wfUUID, workflowFile: CatalogPaths.absolute(loaded.sources.workflow), runDirectory: runDirectory,
            createdAt: now, plannerArguments: options.plannerArguments)
        executable.hooks = workflow.hooks.shell.map { PlannedHook(on: $0.on.rawValue, command: $0.command) }
        executable.metadata = Dictionary(workflow.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        executable.categoryLimits = Self.categoryLimits(properties)
        executable.transferThreads = properties["pegasus.transfer.threads"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
        var withProperties = options
        withProperties.properties = properties
        if withProperties.containerRuntimes == nil, loaded.transformations?.containers.isEmpty == false {
            let found = ContainerRuntimes.discover(properties: properties)
            withProperties.containerRuntimes = found.runtimes
            if let problem = found.problem { executable.problems.append(problem) }
        }
        // `loaded` and `graph` go into the context; so does the last copy of `workflow` (now,
        // not at the end of this scope).
        var context = PlanningContext(loaded, workflow, options: withProperties, graph: graph)
        _ = consume workflow
        context.pathsAsNames = releasing
        timings.step("catalogs and graph")
        for pass in passes {
            if pass is SandboxPass {
                if releasing { context.releaseWhatLaterPassesDoNotRead() }
                Self.returnFreedMemory()
            } else if pass is CleanupPass {
                Self.returnFreedMemory()
            }
            pass.run(&executable, context)
            timings.step(pass.name)
        }
        if releasing {
            _ = consume context
            timings.step("release the workflow")
        }
        if !executable.problems.isEmpty { throw PlanError(messages: executable.problems) }
        return executable
    }

    /// Plans into `runDirectory` (which the caller created): the passes, then the
    /// stageable executables copied into it. The caller writes the plan file.
    public func plan(runDirectory: String, wfUUID: String = UUID().uuidString.lowercased(), now: Double = Date().timeIntervalSince1970) throws -> ExecutablePlan {
        let workflow = try executableWorkflow(runDirectory: runDirectory, wfUUID: wfUUID, now: now)
        var timings = PlanTimings()
        try PlanWriter.stageExecutables(workflow)
        let plan = workflow.plan()
        timings.step("executable plan")
        return plan
    }

    /// Hands the free pages of the heaps back to the system before a pass that makes large
    /// arrays (sandbox, cleanup): the earlier passes' freed scraps stay resident, and large
    /// arrays do not fit in them, so at a million jobs the peak was those scraps plus the
    /// cleanup's tables. `PlanWriter` calls it too, before plan.json's buffers.
    static func returnFreedMemory() {
        #if os(Linux)
        _ = plannerMallocTrim(0)
        #endif
    }

    /// `--sites-to-run` naming a site Skein cannot drive is an error, not a silent local run.
    static func unsupportedSites(_ sites: [String], _ catalog: SiteCatalog?) -> [String] {
        sites.compactMap { name in
            catalog?.site(named: name).flatMap(SiteBatchSystem.refusal).map { "--sites-to-run \(name): \($0)" }
        }
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
}

#if os(Linux)
/// glibc's `malloc_trim` (in `malloc.h`, which the Glibc module leaves out).
@_silgen_name("malloc_trim")
private func plannerMallocTrim(_ pad: Int) -> Int32
#endif
