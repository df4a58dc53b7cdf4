import ArgumentParser
import Foundation
import SkeinRunFormat
import SkeinEngine
import SkeinPlanner

/// The run directory a control command acts on.
struct RunArgument: ParsableArguments {
    @Argument(help: "The run directory (DIR/<label>/runNNNN).")
    var run: String

    func plan() throws -> ExecutablePlan {
        guard RunDirectory.isRunDirectory(run) else {
            Terminal.writeError("skein: \(run) is not a Skein run directory (no plan.json)\n")
            throw SkeinExit.badInput
        }
        return try RunDirectory(path: RunDirectory.absolute(run)).readPlan()
    }

    /// Job ids on the command line must name jobs of the run.
    func requireJobs(_ jobs: [String], in plan: ExecutablePlan) throws {
        let known = Set(plan.jobs.map(\.id))
        let unknown = jobs.filter { !known.contains($0) }
        guard unknown.isEmpty else { throw ValidationError("no such job in this run: \(unknown.joined(separator: ", "))") }
    }

    /// Sends a command that only a live engine can act on; says so when none runs.
    func sendToLiveEngine(_ command: ControlChannel.Command, nothingTo verb: String, sent: String) throws {
        let plan = try plan()
        guard EngineLock.isHeld(runDirectory: plan.runDirectory) else {
            print("no engine is running \(plan.runDirectory): nothing to \(verb)")
            return
        }
        try send([command], to: plan)
        print(sent)
    }

    func send(_ commands: [ControlChannel.Command], to plan: ExecutablePlan) throws {
        try ControlChannel(directory: RunLayout(runDirectory: plan.runDirectory).controlDirectory).send(commands)
    }
}

struct Halt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start nothing new in a run; running jobs finish, then the engine stops.",
        discussion: """
            The engine acts within a second. Continue later with `skein resume RUN`.

            Example:
              skein halt runs/diamond/run0001
            """)

    @OptionGroup var target: RunArgument

    func run() throws {
        try target.sendToLiveEngine(.halt, nothingTo: "halt", sent: "halt sent: running jobs finish, nothing new starts")
    }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resume a halted, failed or crashed run.",
        discussion: """
            If the engine is still alive (halted with jobs running), it starts scheduling \
            again. Otherwise a new engine starts in the background and resumes the run: jobs \
            that succeeded are kept, failed and interrupted ones run again.

            Examples:
              skein resume runs/diamond/run0001
              skein resume runs/diamond/run0001 --batch     # in the foreground
            """)

    @OptionGroup var target: RunArgument

    @Flag(help: "Run the resumed engine in the foreground.")
    var batch = false

    @OptionGroup var slurm: SlurmOptions

    func run() throws {
        let plan = try target.plan()
        if EngineLock.isHeld(runDirectory: plan.runDirectory) {
            try target.send([.resume], to: plan)
            print("resume sent to the running engine")
            return
        }
        try EngineRunner.restart(plan, batch: batch, slurm: slurm) { "engine started (pid \($0)), resuming \(plan.runDirectory)" }
    }
}

struct Kill: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Kill running jobs of a run (their process groups); they fail and may retry.",
        discussion: """
            Each job gets SIGTERM, then SIGKILL after 5 seconds. The attempt fails with the \
            reason "killed by the user" and is retried if its dagman.RETRY allows.

            Example:
              skein kill runs/diamond/run0001 findrange_1 findrange_2
            """)

    @OptionGroup var target: RunArgument

    @Argument(help: "Job ids to kill.")
    var jobs: [String]

    func run() throws {
        let plan = try target.plan()
        try target.requireJobs(jobs, in: plan)
        guard EngineLock.isHeld(runDirectory: plan.runDirectory) else {
            print("no engine is running \(plan.runDirectory): no job is running")
            throw SkeinExit.failure
        }
        try target.send(jobs.map { .kill($0) }, to: plan)
        print("kill sent for \(jobs.joined(separator: ", "))")
    }
}

struct Retry: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run failed jobs again.",
        discussion: """
            In a live run the jobs start again at once (their descendants become runnable \
            again). In a finished run, a new engine resumes the run like a rescue DAG: \
            succeeded jobs are kept, every failed job and its descendants run again.

            Examples:
              skein retry runs/failing/run0001 calibrate
              skein retry runs/failing/run0001 calibrate --batch
            """)

    @OptionGroup var target: RunArgument

    @Argument(help: "Job ids to retry.")
    var jobs: [String]

    @Flag(help: "When a new engine is needed, run it in the foreground.")
    var batch = false

    @OptionGroup var slurm: SlurmOptions

    func run() throws {
        let plan = try target.plan()
        try target.requireJobs(jobs, in: plan)
        if EngineLock.isHeld(runDirectory: plan.runDirectory) {
            try target.send(jobs.map { .retry($0) }, to: plan)
            print("retry sent for \(jobs.joined(separator: ", "))")
            return
        }
        try EngineRunner.restart(plan, batch: batch, slurm: slurm) { "engine started (pid \($0)): \(plan.runDirectory) resumes, failed jobs run again" }
    }
}

struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Kill every running job of a run and end it as removed.",
        discussion: """
            Example:
              skein remove runs/diamond/run0001
            """)

    @OptionGroup var target: RunArgument

    func run() throws {
        try target.sendToLiveEngine(.remove, nothingTo: "remove", sent: "remove sent: running jobs are killed, the run ends as removed")
    }
}
