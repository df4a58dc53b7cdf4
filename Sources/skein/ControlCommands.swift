import ArgumentParser
import Foundation
import SkeinRunFormat
import SkeinRuns

/// The run directory a control command acts on.
struct RunArgument: ParsableArguments {
    @Argument(help: "The run directory (DIR/<label>/runNNNN).")
    var run: String

    func control() throws -> RunControl {
        do {
            return try RunControl(runDirectory: run)
        } catch {
            Terminal.writeError("skein: \(error)\n")
            throw SkeinExit.badInput
        }
    }

    /// Job ids on the command line must name jobs of the run.
    func requireJobs(_ jobs: [String], in control: RunControl) throws {
        let unknown = control.unknownJobs(jobs)
        guard unknown.isEmpty else { throw ValidationError("no such job in this run: \(unknown.joined(separator: ", "))") }
    }
}

/// How `run`, `resume` and `retry` start an engine when none is alive.
enum EngineStarting {
    static func start(batch: Bool) -> EngineStart {
        batch ? .foreground : .detached(executable: EngineProcess.currentExecutable)
    }

    /// An engine that cannot start is said plainly: another one holds the run (exit 5,
    /// `RunBusy`), or the settings cannot be read (exit 2 with --batch, bad input, else 1).
    static func reportingErrors(batch: Bool, _ body: () throws -> ControlOutcome) throws -> ControlOutcome {
        do {
            return try body()
        } catch let exit as ExitCode {
            throw exit
        } catch let busy as RunBusy {
            Terminal.writeError("skein: \(busy)\n")
            throw ExitCode(RunBusy.exitCode)
        } catch {
            Terminal.writeError("skein: \(error)\n")
            throw batch ? SkeinExit.badInput : SkeinExit.failure
        }
    }
}

struct Halt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "halt",
        abstract: "Start nothing new in a run; running jobs finish, then the engine stops.",
        discussion: """
            The engine acts within a second. Continue later with `skein resume RUN`.

            Example:
              skein halt runs/diamond/run0001
            """)

    @OptionGroup var target: RunArgument

    func run() throws {
        let control = try target.control()
        switch try control.halt() {
        case .noEngine: print("no engine is running \(control.runDirectory): nothing to halt")
        default: print("halt sent: running jobs finish, nothing new starts")
        }
    }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume a halted, failed or crashed run.",
        discussion: """
            If the engine is still alive (halted with jobs running), it starts scheduling \
            again. Otherwise a new engine starts in the background and resumes the run: jobs \
            that succeeded are kept, failed and interrupted ones run again.

            The engine runs with the run's stored settings (--maxjobs, --category-limit, \
            --retries, the Slurm options, as given to plan or run). Options given here \
            change them for this and every later engine of the run, and the change is \
            recorded in engine-settings.json.

            Examples:
              skein resume runs/diamond/run0001
              skein resume runs/diamond/run0001 --maxjobs 16
              skein resume runs/diamond/run0001 --batch     # in the foreground
            """)

    @OptionGroup var target: RunArgument

    @Flag(help: "Run the resumed engine in the foreground.")
    var batch = false

    @OptionGroup var engine: EngineSettingsOptions

    func run() throws {
        let control = try target.control()
        let change = try engine.change()
        let outcome = try EngineStarting.reportingErrors(batch: batch) {
            try control.resume(change: change, command: EngineSettingsOptions.commandLine, start: EngineStarting.start(batch: batch))
        }
        switch outcome {
        case .started(let pid): print("engine started (pid \(pid)), resuming \(control.runDirectory)")
        case .ran(let code): throw ExitCode(code)
        case .sent, .noEngine:
            print("resume sent to the running engine")
            if !change.isEmpty { print("settings stored: the running engine keeps its own, the next engine of the run uses them") }
        }
    }
}

struct Kill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "Kill running jobs of a run (their process groups); they fail and may retry.",
        discussion: """
            Each job gets SIGTERM, then SIGKILL after 5 seconds. The attempt fails with the \
            reason "killed by the user" and is retried if its dagman.RETRY allows.

            Example:
              skein kill runs/failing/run0001 findrange_1 findrange_2
            """)

    @OptionGroup var target: RunArgument

    @Argument(help: "Job ids to kill.")
    var jobs: [String]

    func run() throws {
        let control = try target.control()
        try target.requireJobs(jobs, in: control)
        guard try control.kill(jobs) == .sent else {
            print("no engine is running \(control.runDirectory): no job is running")
            throw SkeinExit.failure
        }
        print("kill sent for \(jobs.joined(separator: ", "))")
    }
}

struct Retry: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Run failed jobs again.",
        discussion: """
            In a live run the jobs start again at once (their descendants become runnable \
            again). In a stopped run, a new engine resumes the run like a rescue DAG: \
            succeeded jobs are kept, the named jobs and their descendants run again, the \
            run's other failed jobs stay failed (`skein resume` runs them all again).

            The engine runs with the run's stored settings; options given here change them, \
            as for `skein resume`.

            A job of a finished sub-workflow run (RUN/00/00/NAME_ID) is retried through the \
            parent's job that runs it: the parent's engine resumes the sub-workflow, which \
            keeps its succeeded jobs and runs the named ones again.

            Examples:
              skein retry runs/failing/run0001 calibrate
              skein retry runs/failing/run0001 calibrate --batch --retries 2
            """)

    @OptionGroup var target: RunArgument

    @Argument(help: "Job ids to retry.")
    var jobs: [String]

    @Flag(help: "When a new engine is needed, run it in the foreground.")
    var batch = false

    @OptionGroup var engine: EngineSettingsOptions

    func run() throws {
        let control = try target.control()
        try target.requireJobs(jobs, in: control)
        let change = try engine.change()
        // A finished sub-workflow's jobs are retried through its parent's job (RunControl.retryRoute).
        let route = control.retryRoute(jobs)
        let outcome = try EngineStarting.reportingErrors(batch: batch) {
            try control.retry(jobs, change: change, command: EngineSettingsOptions.commandLine, start: EngineStarting.start(batch: batch))
        }
        switch outcome {
        case .started(let pid): print("engine started (pid \(pid)): \(route.runDirectory) resumes, \(route.summary)")
        case .ran(let code): throw ExitCode(code)
        case .sent, .noEngine: print("retry sent: \(route.summary)")
        }
    }
}

struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Kill every running job of a run and end it as removed.",
        discussion: """
            Example:
              skein remove runs/diamond/run0001
            """)

    @OptionGroup var target: RunArgument

    func run() throws {
        let control = try target.control()
        switch try control.remove() {
        case .noEngine: print("no engine is running \(control.runDirectory): nothing to remove")
        default: print("remove sent: running jobs are killed, the run ends as removed")
        }
    }
}
