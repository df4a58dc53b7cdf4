import ArgumentParser
import Foundation
import SkeinRunFormat
import SkeinRuns
import SkeinWorkflow

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Plan and run a workflow, or run (resume) a planned run directory.",
        discussion: """
            With a workflow file, plans it first (see `skein plan`). With a run directory, \
            runs it; a run that stopped (halted, failed, crashed, killed) resumes: jobs that \
            succeeded are never run again, the others get new attempts.

            The engine options (--maxjobs, --category-limit, --retries, the Slurm options) \
            are stored in the run directory (engine-settings.json) and every later engine of \
            the run uses them; given with a run directory, they change the stored ones and \
            the change is recorded.

            By default the engine detaches from the terminal (its output goes to \
            engine.log in the run directory) so the run survives the terminal closing. \
            --batch keeps it in the foreground and prints one line per state change.

            pegasus-plan's options work here as in `skein plan`: -s/--sites-to-run, \
            -o/--output-sites, --conf, --dir, --relative-dir, --cleanup, -f/--force, and \
            --submit (nothing to add: run always runs). pegasus.properties (beside the \
            workflow, or --conf) sets dagman.maxjobs and dagman.retry when --maxjobs and \
            --retries are not given.

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

    @Option(name: .customLong("conf"), help: ArgumentHelp("The Pegasus properties file (with a workflow file; pegasus-plan --conf; default: pegasus.properties beside the workflow).", valueName: "file"))
    var properties: String?

    @OptionGroup var planning: PlanningOptions

    @Flag(help: "Accepted as pegasus-plan --submit: run always starts the run once it is planned.")
    var submit = false

    @Flag(help: "Run in the foreground and print one line per state change.")
    var batch = false

    @OptionGroup var engine: EngineSettingsOptions

    func run() throws {
        let control: RunControl
        if RunDirectory.isRunDirectory(target) {
            do {
                control = try RunControl(runDirectory: target)
                try RunSettings.update(runDirectory: control.runDirectory, with: try engine.change(), command: EngineSettingsOptions.commandLine)
            } catch {
                Terminal.writeError("skein: \(error)\n")
                throw SkeinExit.badInput
            }
        } else {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: target, isDirectory: &isFolder), isFolder.boolValue {
                // A run folder whose planning was killed has no plan yet: say so, not "no such file".
                Terminal.writeError("skein: \(target) is a folder without a plan (\(RunLayout.planFile)): not a run directory, or its planning was interrupted\n  hint: plan again with skein run WORKFLOW.yml\n")
                throw SkeinExit.badInput
            }
            let plan = try Planning.plan(WorkflowSources(workflow: target, sites: sites, transformations: transformations, replicas: replicas, properties: properties), planning, engine: engine)
            if batch { EngineProcess.exec(runDirectory: plan.runDirectory, executable: EngineProcess.currentExecutable) }
            control = RunControl(plan: plan)
        }
        let plan = control.plan
        switch try Self.start(control, batch: batch) {
        case .started(let pid):
            print("engine started (pid \(pid)) for \(plan.label): \(plan.jobs.count) jobs")
            print("run directory: \(plan.runDirectory)")
            print("engine log:    \(RunLayout(runDirectory: plan.runDirectory).engineLog)")
        case .ran(let code):
            throw ExitCode(code)
        case .sent, .noEngine:
            break
        }
    }

    /// Starts the run's engine here (`--batch`) or detached.
    static func start(_ control: RunControl, batch: Bool) throws -> ControlOutcome {
        try EngineStarting.reportingErrors(batch: batch) {
            try control.startEngine(EngineStarting.start(batch: batch))
        }
    }
}
