import Foundation
import SkeinEngine
import SkeinRunFormat
import SkeinTransfer

/// The executors a run's engine needs, by the names its jobs use (`ExecutableJob.executor`),
/// built the same way for a root run and for each sub-workflow the engine runs inside it.
struct EngineExecutors {
    var all: [String: JobExecutor]
    var transfers: TransferJobExecutor?
    var subworkflows: SubWorkflowExecutor?

    /// `progressPrefix`: sub-workflows print their progress lines with it and their label
    /// (nil: they print none, as the parent prints none).
    init(plan: ExecutablePlan, settings: EngineSettings, kickstart: String, processes: LocalExecutor, rootWfUUID: String, progressPrefix: String?) {
        all = ["local": LocalJobExecutor(processes: processes)]
        if plan.jobs.contains(where: { $0.executor == "slurm" }) {
            all["slurm"] = SlurmExecutor(settings: SlurmSettings(settings: settings.slurm, kickstart: kickstart), processes: processes,
                                         runDirectory: plan.runDirectory)
        }
        transfers = plan.jobs.contains { $0.executor == "transfer" }
            ? TransferJobExecutor(settings: EngineTransferSettings.make(concurrent: plan.transferThreads ?? 8)) : nil
        if let transfers { all["transfer"] = transfers }
        subworkflows = plan.jobs.contains { $0.executor == SubWorkflowExecutor.name }
            ? SubWorkflowExecutor(parent: plan, rootWfUUID: rootWfUUID, kickstart: kickstart, processes: processes, progressPrefix: progressPrefix) : nil
        if let subworkflows { all[SubWorkflowExecutor.name] = subworkflows }
    }

    /// Once the engine's provenance recorder exists: sub-workflows write through it.
    func attach(_ recorder: ProvenanceRecorder) {
        subworkflows?.attach(recorder)
    }

    func shutdown() {
        transfers?.shutdown()
        (all["slurm"] as? SlurmExecutor)?.shutdown()
    }
}
