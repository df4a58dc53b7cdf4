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

    @Option(name: .customLong("conf"), help: ArgumentHelp("The Pegasus properties file to plan with (default: pegasus.properties beside the workflow).", valueName: "file"))
    var properties: String?

    @Option(
        name: [.customLong("output-site"), .customLong("output-sites"), .customShort("o")],
        help: ArgumentHelp("Site that stageOut: true outputs are copied to (its storage folder), as pegasus-plan -o. Without it, outputs stay in the scratch folder.", valueName: "site"))
    var outputSite: String?

    @Option(help: ArgumentHelp("When scratch files are removed: inplace (each once no job needs it; the default, as Pegasus), leaf (the whole scratch folder at the end; needs -o), none.", valueName: "mode"))
    var cleanup: String = "inplace"

    @Flag(name: [.long, .customShort("f")], help: "Plan every job, even those whose outputs are already in the replica catalog (no data reuse).")
    var force = false

    @Option(
        name: .customLong("staging-site"),
        help: ArgumentHelp("Where each site's files wait under nonsharedfs: EXEC=STAGING[,...], or one site for all (pegasus-plan --staging-site).", valueName: "sites"))
    var stagingSite: String?
}

enum Planning {
    /// Validates (printing the diagnostics), then plans into a new run directory with the
    /// given engine settings stored beside the plan. Exits 2 on invalid input.
    static func plan(_ sources: WorkflowSources, _ options: PlanningOptions, engine: EngineSettingsOptions) throws -> ExecutablePlan {
        let result = WorkflowValidator.validate(sources)
        DiagnosticPrinter(limitPerCode: 20).print(result.diagnostics)
        guard result.isValid, result.loaded.workflow != nil else { throw SkeinExit.badInput }
        let change = try engine.change()
        var properties: PegasusProperties?
        if let file = options.properties {
            guard let loaded = PegasusProperties.load(file: file) else {
                Terminal.writeError("skein: --conf \(file): cannot read it\n")
                throw SkeinExit.badInput
            }
            properties = loaded
        }
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
            defaultRetries: change.retries ?? 0, plannerArguments: Array(CommandLine.arguments.dropFirst()), properties: properties)
        planOptions.stagingSites = stagingSites
        do {
            let plan = try RunPlanning.plan(
                result.loaded, options: planOptions, settings: change.applied(to: EngineSettings()),
                plannerExecutable: CommandLine.arguments[0], plannerVersion: SkeinVersion.current)
            printPruned(plan)
            return plan
        } catch let error as PlanError {
            Terminal.writeError("skein: cannot plan \(sources.workflow):\n" + error.messages.map { "  \($0)" }.joined(separator: "\n") + "\n")
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
        let plan = try Planning.plan(workflow.sources, planning, engine: engine)
        print("planned \(plan.label): \(plan.jobs.count) jobs")
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
