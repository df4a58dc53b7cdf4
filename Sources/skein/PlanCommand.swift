import ArgumentParser
import Foundation
import SkeinPlanner
import SkeinProperties
import SkeinRunFormat
import SkeinRuns
import SkeinText
import SkeinWorkflow

/// Options that shape a plan, shared by `plan` and `run`.
struct PlanningOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Runs go in DIR/<label>/runNNNN.", valueName: "dir"))
    var dir: String = "runs"

    @Option(name: [.long, .customShort("s")], help: ArgumentHelp("Sites jobs may run on, comma-separated, in order of preference (pegasus-plan -s).", valueName: "sites"))
    var sitesToRun: String = "local"

    @Option(
        name: [.customLong("output-site"), .customLong("output-sites"), .customShort("o")],
        help: ArgumentHelp("Site that stageOut: true outputs are copied to (its storage folder), as pegasus-plan -o. Without it, outputs stay in the scratch folder.", valueName: "site"))
    var outputSite: String?

    @Option(help: ArgumentHelp("When scratch files are removed: inplace (each once no job needs it; the default, as Pegasus), leaf (the whole scratch folder at the end; needs -o), none.", valueName: "mode"))
    var cleanup: String = "inplace"

    @Flag(name: [.long, .customShort("f")], help: "Plan every job, even those whose outputs are already in the replica catalog (no data reuse; pegasus-plan --force).")
    var force = false

    @Option(help: ArgumentHelp("The run folder under --dir, and the scratch folder under the site's sharedScratch, instead of <label>/runNNNN (pegasus-plan --relative-dir).", valueName: "path"))
    var relativeDir: String?

    func validate() throws {
        if let relativeDir, relativeDir.hasPrefix("/") || relativeDir.split(separator: "/").contains("..") || relativeDir.isEmpty {
            throw ValidationError("--relative-dir wants a relative path without '..', not '\(relativeDir)'")
        }
    }
    @Option(name: [.long, .customShort("R")], help: ArgumentHelp("An earlier run directory whose registered outputs and produced files count as replicas for data reuse (pegasus-plan --reuse); repeat it or separate with commas.", valueName: "dir"))
    var reuse: [String] = []
    // Clustering (issue 11).
    @Option(
        name: [.customLong("cluster"), .customShort("C")],
        help: ArgumentHelp("Merge jobs into clustered jobs that run their tasks in one slot, as pegasus-plan -C: horizontal (same transformation, level and site, by the pegasus profile clusters.size or clusters.num), label (same pegasus.label profile). Comma-separated or repeated; applied in order.", valueName: "method"))
    var cluster: [String] = []

    /// The clustering methods in order; a wrong name is a usage error that lists the right ones.
    func clustering() throws -> [PlanOptions.Clustering] {
        try cluster.flatMap { $0.split(separator: ",") }.map { name in
            guard let method = PlanOptions.Clustering(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--cluster takes horizontal or label (comma-separated), not '\(name)'")
            }
            return method
        }
    }
    @Option(
        name: .customLong("staging-site"),
        help: ArgumentHelp("Where each site's files wait under nonsharedfs: EXEC=STAGING[,...], or one site for all (pegasus-plan --staging-site).", valueName: "sites"))
    var stagingSite: String?
}

enum Planning {
    /// Validates (printing the diagnostics), then plans into a new run directory with the
    /// given engine settings stored beside the plan. Exits 2 on invalid input.
    static func plan(_ sources: WorkflowSources, _ options: PlanningOptions, engine: EngineSettingsOptions) throws -> ExecutablePlan {
        try planRun(sources, options, engine: engine, keepJobs: true).plan
    }

    /// As `plan`; the plan's jobs stay in memory only with `keepJobs` (`skein plan` prints their count).
    static func planRun(_ sources: WorkflowSources, _ options: PlanningOptions, engine: EngineSettingsOptions, keepJobs: Bool) throws -> RunPlanning.PlannedRun {
        var timings = PlanTimings()
        let result = WorkflowValidator.validate(sources)
        timings.step("load and validate")
        DiagnosticPrinter(limitPerCode: 20).print(result.diagnostics)
        guard result.isValid, result.loaded.workflow != nil else { throw SkeinExit.badInput }
        // The planner takes the only copy of the workflow and its graph, so it can release
        // them once its passes are done (before plan.json is written).
        let loaded = result.loaded, graph = result.graph
        _ = consume result
        let change = try engine.change()
        guard let cleanup = PlanOptions.Cleanup(rawValue: options.cleanup) else {
            throw ValidationError("--cleanup takes inplace, leaf or none, not '\(options.cleanup)'")
        }
        var stagingSites: [String: String] = [:]
        if let text = options.stagingSite {
            guard let parsed = PlanOptions.stagingSites(text) else {
                throw ValidationError("--staging-site takes EXEC=STAGING[,EXEC=STAGING...] or one site, not '\(text)'")
            }
            stagingSites = parsed
        }
        var planOptions = PlanOptions(
            baseDirectory: options.dir, sitesToRun: options.sitesToRun.split(separator: ",").map(String.init),
            outputSite: options.outputSite?.split(separator: ",").first.map(String.init) ?? "local", stageOut: options.outputSite != nil, cleanup: cleanup, reuse: !options.force,
            defaultRetries: 0, plannerArguments: Array(CommandLine.arguments.dropFirst()))
        planOptions.relativeDirectory = options.relativeDir
        do {
            planOptions.reusedReplicas = try ReusedRuns.replicas(in: options.reuse.flatMap { $0.split(separator: ",").map(String.init) })
        } catch let error as RunsError {
            Terminal.writeError("skein: \(error)\n")
            throw SkeinExit.badInput
        }
        planOptions.clustering = try options.clustering()
        planOptions.stagingSites = stagingSites
        do {
            let planned = try RunPlanning.planRun(
                consume loaded, options: planOptions, change: change,
                plannerExecutable: CommandLine.arguments[0], plannerVersion: SkeinVersion.current, keepJobs: keepJobs,
                graph: consume graph)
            printPruned(planned.plan)
            return planned
        } catch let error as PlanError {
            Terminal.writeError("skein: cannot plan \(sources.workflow):\n" + error.messages.map { "  \($0)" }.joined(separator: "\n") + "\n")
            throw SkeinExit.badInput
        } catch let error as RunsError {
            Terminal.writeError("skein: cannot plan \(sources.workflow): \(error)\n")
            throw SkeinExit.badInput
        }
    }
}

/// What data reuse left out, and why: the user sees why fewer jobs run than the workflow has.
func printPruned(_ plan: ExecutablePlan) {
    guard let pruned = plan.prunedJobs, !pruned.isEmpty else { return }
    print("data reuse: \(pruned.count) job(s) left out, their results already exist (--force plans them):")
    for job in pruned.prefix(20) { print("  \(Untrusted.visible(job.id)): \(Untrusted.visible(job.reason))") }
    if pruned.count > 20 { print("  ... and \(pruned.count - 20) more (plan.json lists them)") }
}

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan a workflow into a new run directory, without running it.",
        discussion: """
            Like pegasus-plan: validates the workflow, places every job on a site of \
            --sites-to-run where its transformation exists, resolves executables (installed \
            paths; stageable ones are copied into the run), merges profiles and environment \
            (site, transformation, workflow, job), and adds a create_dir job per staging site \
            that checks or makes its private scratch folder (pegasus.data.configuration: \
            sharedfs by default, nonsharedfs with --staging-site, condorio). The plan is written to DIR/<label>/runNNNN/plan.json, with \
            braindump.yml for Pegasus's tools, and the engine options (--maxjobs, \
            --category-limit, --retries, the Slurm options) to engine-settings.json: every \
            engine of the run (run, resume, retry, the TUI) uses them. Run it with \
            `skein run RUNDIR`.

            pegasus-plan's options, with Pegasus's meaning: -s/--sites-to-run (pegasus-plan \
            --sites; Skein's --sites names the site catalog file), -o/--output-sites, --conf, \
            --dir, --relative-dir, --cleanup, -f/--force, --submit. The properties \
            (pegasus.properties beside the workflow, or --conf) are copied into the run \
            (pegasus.<n>.properties); dagman.maxjobs and dagman.retry apply when --maxjobs \
            and --retries are not given; env.* and the pegasus.* job profiles apply to every \
            job below site, transformation and job profiles; pegasus.dir.useTimestamp names \
            the run folder by time; pegasus.mode sets its defaults. Keys Skein does not act \
            on are warned about (README, "Pegasus compatibility"). Jobs placed on a site \
            Skein cannot drive (HTCondor, PBS, LSF, SGE, Flux) are refused: Skein runs jobs \
            here and on Slurm. A plan that fails leaves no run folder behind.

            Exit codes: 0 planned, 2 invalid workflow or no site for a job.

            Examples:
              skein plan Examples/diamond/workflow.yml
              skein plan workflow.yml --dir /scratch/$USER/runs --sites-to-run local --maxjobs 500
            """)

    @OptionGroup var workflow: WorkflowOptions
    @OptionGroup var planning: PlanningOptions
    @OptionGroup var engine: EngineSettingsOptions

    @Flag(help: "Start the run right away, detached (pegasus-plan --submit), as `skein run RUNDIR` would.")
    var submit = false

    func run() throws {
        // The jobs are on disk; only a run started here needs them in memory too.
        let planned = try Planning.planRun(workflow.sources, planning, engine: engine, keepJobs: submit)
        let plan = planned.plan
        print("planned \(plan.label): \(planned.jobCount) jobs")
        print("run directory: \(plan.runDirectory)")
        guard submit else {
            print("run it with:   skein run \(plan.runDirectory)")
            return
        }
        if case .started(let pid) = try Run.start(RunControl(plan: plan), batch: false) {
            print("engine started (pid \(pid)); follow it with: skein status \(plan.runDirectory) --watch")
        }
    }
}
