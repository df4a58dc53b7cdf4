#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import SkeinRunFormat
import SkeinEngine
import SkeinPlanner
import SkeinProvenance

/// Starts engines: in this process (`--batch`), or detached in a new session so the run
/// outlives the terminal and the SSH connection.
enum EngineRunner {
    /// Runs to the end and returns the exit code `skein run --batch` documents.
    static func runInForeground(_ plan: ExecutablePlan, options: EngineOptions, slurm: SlurmSettings) -> Int32 {
        let engine: WorkflowEngine
        let processes = LocalExecutor.shared
        var executors: [String: JobExecutor] = ["local": LocalJobExecutor(processes: processes)]
        if plan.jobs.contains(where: { $0.executor == "slurm" }) {
            executors["slurm"] = SlurmExecutor(settings: slurm, processes: processes, runDirectory: plan.runDirectory)
        }
        do {
            engine = try WorkflowEngine(plan: plan, options: options, executors: executors, processes: processes)
            engine.add(try ProvenanceRecorder(plan: plan))
        } catch {
            Terminal.writeError("skein: \(error)\n")
            return 2
        }
        engine.add(ProgressPrinter(plan: plan))
        if executors["slurm"] != nil { engine.add(PendingReasonsRecorder(plan: plan)) }
        let registry = try? RunRegistry()
        try? registry?.register(label: plan.label, runDir: plan.runDirectory, wfUUID: plan.wfUUID, state: .running, started: Date().timeIntervalSince1970)
        let signals = SignalStop(engine: engine)
        let outcome = engine.run()
        signals.cancel()
        processes.shutdown()
        for executor in executors.values { if let summary = executor.summary { print(summary) } }
        let state: RunState
        let code: Int32
        switch outcome {
        case .succeeded: (state, code) = (.succeeded, 0)
        case .failed, .aborted: (state, code) = (.failed, 1)
        case .halted: (state, code) = (.halted, 3)
        case .removed: (state, code) = (RunState(rawValue: "removed"), 3)
        case .stopped: (state, code) = (RunState(rawValue: "stopped"), 3)
        }
        _ = try? registry?.update(runDir: plan.runDirectory, state: state, finished: Date().timeIntervalSince1970)
        return code
    }

    /// Starts an engine for a stopped run (`resume`, `retry`): in the foreground with `--batch`
    /// (exiting with the engine's code), else detached, printing `started(pid)`.
    static func restart(_ plan: ExecutablePlan, batch: Bool, slurm: SlurmOptions, started: (Int32) -> String) throws {
        if batch {
            throw ExitCode(runInForeground(plan, options: EngineOptions(maxJobs: ProcessInfo.processInfo.activeProcessorCount), slurm: slurm.settings()))
        }
        print(started(try detach(plan, arguments: slurm.arguments)))
    }

    /// Starts `skein run RUNDIR --batch` in a new session with its output in engine.log.
    static func detach(_ plan: ExecutablePlan, arguments: [String]) throws -> Int32 {
        let layout = RunLayout(runDirectory: plan.runDirectory)
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let spec = LaunchSpec(
            executable: executable, arguments: ["run", plan.runDirectory, "--batch"] + arguments,
            environment: ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" },
            workingDirectory: FileManager.default.currentDirectoryPath, stdin: nil, stdout: layout.engineLog, stderr: layout.engineLog)
        guard let pid = LocalExecutor.shared.launch(spec, newSession: true, done: { _ in }) else {
            throw EngineError("could not start the engine (\(executable))")
        }
        return pid
    }

    /// Replaces this process with `skein run RUNDIR --batch ARGS`; returns only if that fails.
    static func execEngine(_ plan: ExecutablePlan, arguments: [String]) {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        fflush(nil)
        let argv = [executable, "run", plan.runDirectory, "--batch"] + arguments
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArgs.append(nil)
        execv(executable, cArgs)
        for p in cArgs { free(p) }
    }
}
