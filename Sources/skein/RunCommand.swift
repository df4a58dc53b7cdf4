import ArgumentParser
import Foundation
import SkeinRunFormat
import SkeinEngine
import SkeinPlanner
import SkeinProvenance
import SkeinWorkflow

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plan and run a workflow, or run (resume) a planned run directory.",
        discussion: """
            With a workflow file, plans it first (see `skein plan`). With a run directory, \
            runs it; a run that stopped (halted, failed, crashed, killed) resumes: jobs that \
            succeeded are never run again, the others get new attempts.

            By default the engine detaches from the terminal (its output goes to \
            engine.log in the run directory) so the run survives the terminal closing. \
            --batch keeps it in the foreground and prints one line per state change.

            Exit codes with --batch: 0 succeeded, 1 workflow failed, 2 bad input, 3 halted \
            or removed. Without --batch: 0 once the engine has started.

            Examples:
              skein run Examples/diamond/workflow.yml --batch
              skein run workflow.yml --maxjobs 8 --category-limit io=2
              skein run runs/diamond/run0001            # resume
            """)

    @Argument(help: "A workflow file (workflow.yml) or a run directory to run or resume.")
    var target: String

    @Option(name: .long, help: ArgumentHelp("The site catalog (with a workflow file).", valueName: "file"))
    var sites: String?

    @Option(name: .long, help: ArgumentHelp("The transformation catalog (with a workflow file).", valueName: "file"))
    var transformations: String?

    @Option(name: .long, help: ArgumentHelp("The replica catalog (with a workflow file).", valueName: "file"))
    var replicas: String?

    @OptionGroup var planning: PlanningOptions

    @Flag(help: "Run in the foreground and print one line per state change.")
    var batch = false

    @Option(name: .long, help: ArgumentHelp("Jobs running at once (default: the number of cores).", valueName: "n"))
    var maxjobs: Int?

    @Option(name: .long, help: ArgumentHelp("Limit a dagman.CATEGORY, as NAME=N (repeatable).", valueName: "name=n"))
    var categoryLimit: [String] = []

    @OptionGroup var slurm: SlurmOptions

    func run() throws {
        let plan: ExecutablePlan
        if RunDirectory.isRunDirectory(target) {
            do {
                plan = try RunDirectory(path: RunDirectory.absolute(target)).readPlan()
            } catch {
                Terminal.writeError("skein: \(error)\n")
                throw SkeinExit.badInput
            }
        } else {
            plan = try Planning.plan(WorkflowSources(workflow: target, sites: sites, transformations: transformations, replicas: replicas), planning)
        }
        // Command-line limits win over pegasus.properties.
        let limits = plan.categoryLimits.merging(try categoryLimits()) { _, commandLine in commandLine }
        let slots = maxjobs ?? ProcessInfo.processInfo.activeProcessorCount
        let engineArguments = ["--maxjobs", String(slots)] + categoryLimit.flatMap { ["--category-limit", $0] } + slurm.arguments
        if batch {
            if !RunDirectory.isRunDirectory(target) {
                // Planning a large workflow leaves its memory behind; the engine starts in a
                // fresh process image instead, so a run costs what the engine needs.
                EngineRunner.execEngine(plan, arguments: engineArguments)
            }
            throw ExitCode(EngineRunner.runInForeground(plan, options: EngineOptions(maxJobs: slots, categoryLimits: limits), slurm: slurm.settings()))
        }
        let pid = try EngineRunner.detach(plan, arguments: engineArguments)
        print("engine started (pid \(pid)) for \(plan.label): \(plan.jobs.count) jobs")
        print("run directory: \(plan.runDirectory)")
        print("engine log:    \(RunLayout(runDirectory: plan.runDirectory).engineLog)")
    }

    func categoryLimits() throws -> [String: Int] {
        var limits: [String: Int] = [:]
        for item in categoryLimit {
            let parts = item.split(separator: "=")
            guard parts.count == 2, let n = Int(parts[1]), n > 0 else {
                throw ValidationError("--category-limit wants NAME=N with N > 0, not '\(item)'")
            }
            limits[String(parts[0])] = n
        }
        return limits
    }
}
