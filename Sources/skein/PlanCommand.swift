import ArgumentParser
import Foundation
import SkeinRunFormat
import SkeinEngine
import SkeinPlanner
import SkeinProvenance
import SkeinWorkflow

/// Options that shape a plan, shared by `plan` and `run`.
struct PlanningOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Runs go in DIR/<label>/runNNNN.", valueName: "dir"))
    var dir: String = "runs"

    @Option(name: .long, help: ArgumentHelp("Sites jobs may run on, comma-separated, in order of preference.", valueName: "sites"))
    var sitesToRun: String = "local"

    @Option(name: .long, help: ArgumentHelp("Site outputs are staged out to.", valueName: "site"))
    var outputSite: String = "local"

    @Option(name: .long, help: ArgumentHelp("Retries for jobs that set no dagman.RETRY profile.", valueName: "n"))
    var retries: Int = 0
}

enum Planning {
    /// Validates, plans into a new run directory, and writes Pegasus's braindump beside the
    /// plan so Pegasus's tools recognise the run. Exits 2 on invalid input.
    static func plan(_ sources: WorkflowSources, _ options: PlanningOptions) throws -> ExecutablePlan {
        let result = WorkflowValidator.validate(sources)
        DiagnosticPrinter(limitPerCode: 20).print(result.diagnostics)
        guard result.isValid, let workflow = result.loaded.workflow else { throw SkeinExit.badInput }
        let planOptions = PlanOptions(
            baseDirectory: options.dir, sitesToRun: options.sitesToRun.split(separator: ",").map(String.init),
            outputSite: options.outputSite, defaultRetries: options.retries, plannerArguments: Array(CommandLine.arguments.dropFirst()))
        let runDirectory: RunDirectory
        let plan: ExecutablePlan
        do {
            runDirectory = try RunDirectory.create(base: options.dir, label: workflow.name)
            plan = try Planner(result.loaded, options: planOptions).plan(runDirectory: runDirectory.path)
            try runDirectory.write(plan)
        } catch let error as PlanError {
            Terminal.writeError("skein: cannot plan \(sources.workflow):\n" + error.messages.map { "  \($0)" }.joined(separator: "\n") + "\n")
            throw SkeinExit.badInput
        }
        try writeSubmitFiles(plan)
        if let registry = try? RunRegistry() {
            try? registry.register(label: plan.label, runDir: plan.runDirectory, wfUUID: plan.wfUUID, state: .planned, started: plan.createdAt)
        }
        return plan
    }

    static func writeSubmitFiles(_ plan: ExecutablePlan) throws {
        let braindump = Braindump(
            wfUUID: plan.wfUUID, submitDir: plan.runDirectory, dag: "\(plan.label)-0.dag", properties: RunLayout.propertiesFile,
            user: ProcessInfo.processInfo.environment["USER"], submitHostname: ProcessInfo.processInfo.hostName,
            dax: plan.workflowFile, daxLabel: plan.label, daxVersion: "5.0.4", pegasusWfName: "\(plan.label)-0",
            timestamp: PegasusSubmitFiles.isodate(plan.createdAt, short: true),
            basedir: (plan.runDirectory as NSString).deletingLastPathComponent, planner: CommandLine.arguments[0],
            plannerVersion: SkeinVersion.current, plannerArguments: plan.plannerArguments.joined(separator: " "))
        try PegasusSubmitFiles.writeBraindump(braindump, to: plan.runDirectory, createPropertiesFile: true)
    }
}

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plan a workflow into a new run directory, without running it.",
        discussion: """
            Like pegasus-plan: validates the workflow, places every job on a site of \
            --sites-to-run where its transformation exists, resolves executables (installed \
            paths; stageable ones are copied into the run), merges profiles and environment \
            (site, transformation, workflow, job), and adds a create_dir job that makes the \
            scratch directory. The plan is written to DIR/<label>/runNNNN/plan.json, with \
            braindump.yml for Pegasus's tools. Run it with `skein run RUNDIR`.

            Exit codes: 0 planned, 2 invalid workflow or no site for a job.

            Examples:
              skein plan Examples/diamond/workflow.yml
              skein plan workflow.yml --dir /scratch/$USER/runs --sites-to-run local
            """)

    @OptionGroup var workflow: WorkflowOptions
    @OptionGroup var planning: PlanningOptions

    func run() throws {
        let plan = try Planning.plan(workflow.sources, planning)
        print("planned \(plan.label): \(plan.jobs.count) jobs")
        print("run directory: \(plan.runDirectory)")
        print("run it with:   skein run \(plan.runDirectory)")
    }
}
