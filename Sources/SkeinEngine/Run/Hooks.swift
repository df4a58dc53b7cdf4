#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinRunFormat

/// Workflow and job shell hooks (`hooks.shell`), run with `/bin/sh -c` and the environment
/// Pegasus notifications get (`PEGASUS_EVENT`, `PEGASUS_STATUS`, ...). Their output goes to
/// `hooks/` in the run directory. The engine waits for workflow-end hooks before it exits.
extension WorkflowEngine {
    func runWorkflowHooks(events: [String], status: String?) {
        for hook in plan.hooks where events.contains(hook.on) {
            runHook(hook, event: events[0], job: nil, status: status)
        }
    }

    func runJobHooks(_ index: Int, succeeded: Bool, final: Bool) {
        let job = plan.jobs[index]
        guard !job.hooks.isEmpty else { return }
        var events: [String] = []
        if final { events += [succeeded ? "success" : "error", "end", "all"] }
        for hook in job.hooks where events.contains(hook.on) {
            runHook(hook, event: events[0], job: job, status: succeeded ? "0" : "1")
        }
    }

    private func runHook(_ hook: PlannedHook, event: String, job: ExecutableJob?, status: String?) {
        let folder = RunLayout(runDirectory: plan.runDirectory).hooks
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let name = "\(job?.id ?? "workflow")-\(event)-\(String(format: "%.6f", clock.now()))"
        var env = baseEnvironment
        env["PEGASUS_EVENT"] = event == "success" || event == "error" ? "at_end" : event
        env["PEGASUS_EVENT_TIMESTAMP"] = String(Int(clock.now()))
        env["PEGASUS_SUBMIT_DIR"] = plan.runDirectory
        env["PEGASUS_WF_UUID"] = plan.wfUUID
        env["PEGASUS_WF_LABEL"] = plan.label
        env["PEGASUS_JOBID"] = job?.id
        env["PEGASUS_STATUS"] = status
        env["SKEIN_HOOK_EVENT"] = event
        let spec = LaunchSpec(
            executable: "/bin/sh", arguments: ["-c", hook.command], environment: env.map { "\($0.key)=\($0.value)" },
            workingDirectory: plan.runDirectory, stdin: nil,
            stdout: (folder as NSString).appendingPathComponent(name + ".out"), stderr: (folder as NSString).appendingPathComponent(name + ".err"))
        pendingHookCount += 1
        // Not `launch`, which waits for the pid: the engine's turn may run on the spawner's
        // events thread (`EngineInbox.postAndRun`), which would then wait for itself.
        localProcesses.start(spec, started: { _ in }, done: { [self] _ in queue.async { [self] in hookFinished() } })
    }
}
