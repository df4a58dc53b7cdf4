import Foundation
import SkeinEngine
import SkeinProvenance
import SkeinRunFormat
import SkeinTransfer

/// Runs a run's engine in this process to the end (`skein run RUNDIR --batch`), with the
/// run's stored settings, and keeps the run registry up to date.
public enum ForegroundEngine {
    /// Runs `plan` and returns the exit code `skein run --batch` documents: 0 succeeded,
    /// 1 failed, 3 halted, removed or stopped by SIGTERM/SIGINT, 4 the run's records could not be written (disk full). Throws when the engine cannot start (another engine
    /// holds the run, an executor is missing). `retrying` names failed jobs to run again
    /// while the run's other failed jobs stay failed; empty: every failed job runs again.
    public static func run(_ plan: ExecutablePlan, retrying jobs: [String] = [], printProgress: Bool = true,
                           kickstart: String = EngineProcess.kickstartPath) throws -> Int32 {
        let settings = try RunSettings.current(runDirectory: plan.runDirectory)
        var options = EngineOptions(settings: settings, plan: plan)
        options.kickstart = kickstart
        // For tests and benchmarks of the journal's compaction: how many ended attempts apart.
        if let every = ProcessInfo.processInfo.environment["SKEIN_JOURNAL_COMPACTION_EVERY"].flatMap(Int.init) { options.journalCompactionEvery = every }
        if !jobs.isEmpty {
            options.stayFailed = FailedJobs.forGood(in: plan, options: options).filter { !jobs.contains($0.key) }
        }
        let processes = LocalExecutor.shared
        let assembled = EngineExecutors(plan: plan, settings: settings, kickstart: kickstart, processes: processes, rootWfUUID: plan.wfUUID,
                                        progressPrefix: printProgress ? "" : nil)
        let executors = assembled.all
        let engine = try WorkflowEngine(plan: plan, options: options, executors: executors, processes: processes)
        let recorder = try ProvenanceRecorder(plan: plan, onWriteFailure: { [engine] in engine.reportWriteFailure($0) })
        engine.add(recorder)
        assembled.attach(recorder)
        if printProgress { engine.add(ProgressPrinter(plan: plan)) }
        if executors["slurm"] != nil { engine.add(PendingReasonsRecorder(plan: plan)) }
        let registry = try? RunRegistry()
        try? registry?.register(label: plan.label, runDir: plan.runDirectory, wfUUID: plan.wfUUID, state: .running, started: Date().timeIntervalSince1970)
        // SIGTERM and SIGINT stop the run cleanly (jobs killed after a grace; exit 3).
        let signals = SignalStop(engine: engine)
        let outcome = engine.run()
        signals.cancel()
        processes.shutdown()
        assembled.shutdown()
        if printProgress {
            for executor in executors.values { if let summary = executor.summary { print(summary) } }
        }
        var (state, code) = result(of: outcome)
        if let cause = engine.writeFailure {
            // The run is resumable once space is freed; its records are incomplete until then.
            FileHandle.standardError.write(Data("skein: the run stopped because its records could not be written: \(cause)\n".utf8))
            (state, code) = (.halted, recordsNotWritten)
        }
        _ = try? registry?.update(runDir: plan.runDirectory, state: state, finished: Date().timeIntervalSince1970)
        return code
    }

    /// The exit code of a run that stopped because provenance, the journal or a record could
    /// not be written (a full disk): neither the workflow's failure (1) nor a halt by the
    /// user (3).
    public static let recordsNotWritten: Int32 = 4

    /// The registry state and exit code of an engine's outcome.
    static func result(of outcome: WorkflowOutcome) -> (RunState, Int32) {
        switch outcome {
        case .succeeded: return (.succeeded, 0)
        case .failed, .aborted: return (.failed, 1)
        case .halted: return (.halted, 3)
        case .removed: return (RunState(rawValue: "removed"), 3)
        case .stopped: return (RunState(rawValue: "stopped"), 3)
        }
    }
}
