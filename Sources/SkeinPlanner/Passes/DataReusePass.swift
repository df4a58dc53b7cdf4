import Foundation
import SkeinRunFormat
import SkeinWorkflow

/// Data reuse (Pegasus's workflow reduction), before anything is placed: a job is left
/// out when every file it makes is already in the replica catalog (an output nobody reads
/// and nobody wants staged out counts as found); then, bottom-up, a job whose children are
/// all left out and whose `stageOut: true` outputs all exist is left out too. Its children
/// get those files from the catalog instead (linked or fetched), and with an output site the
/// existing results are staged there (`stage_out_local_<site>_1000_<n>`). `--force` or
/// `pegasus.data.reuse.scope = none` plans every job.
struct DataReusePass: PlannerPass {
    let name = "data reuse"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        guard context.options.reuse, context.options.properties?["pegasus.data.reuse.scope"] != "none",
              let order = context.graph.topologicalOrder() else { return }
        let jobs = context.workflow.jobs
        let graph = context.graph
        func found(_ lfn: String) -> Bool { context.replicas.exists(lfn) }
        for (i, job) in jobs.enumerated() where job.kind == .job {
            let outputs = job.uses.filter { $0.type.isOutput }
            guard !outputs.isEmpty else { continue }
            let unread = { (use: FileUse) in use.stageOut != true && !graph.children[i].contains { c in jobs[c].uses.contains { $0.lfn == use.lfn && $0.type.isInput } } }
            let existing = outputs.filter { found($0.lfn) }.map(\.lfn)
            // At least one output must really exist: a job whose files are all unwanted
            // scratch is not "already done".
            if !existing.isEmpty && outputs.allSatisfy({ found($0.lfn) || unread($0) }) {
                workflow.pruned[i] = "its outputs are in the replica catalog (\(existing.joined(separator: ", ")))"
            }
        }
        for i in order.reversed() where workflow.pruned[i] == nil && jobs[i].kind == .job {
            let children = graph.children[i]
            guard !children.isEmpty, children.allSatisfy({ workflow.pruned[$0] != nil }) else { continue }
            guard jobs[i].uses.filter({ $0.type.isOutput && $0.stageOut == true }).allSatisfy({ found($0.lfn) }) else { continue }
            workflow.pruned[i] = "only left-out jobs need what it makes (\(children.map { jobs[$0].id }.joined(separator: ", ")))"
        }
        for i in workflow.pruned.keys { workflow.prunedIDs[i] = jobs[i].id }
    }
}

/// The results of left-out jobs, staged from where the catalog has them to the output site.
struct ReusedOutputsStagingPass: PlannerPass {
    let name = "reused outputs"
    static let filesPerJob = 10

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        guard context.options.stageOut, !workflow.pruned.isEmpty else { return }
        var transfers: [PlannedTransfer] = []
        var seen = Set<String>()
        for i in workflow.pruned.keys.sorted() {
            for use in context.workflow.jobs[i].uses where use.type.isOutput && use.stageOut == true && seen.insert(use.lfn).inserted {
                guard let source = context.replicas.localPath(of: use.lfn) ?? context.replicas.remoteURL(of: use.lfn) else { continue }
                let destination = (workflow.outputDirectory as NSString).appendingPathComponent(use.lfn)
                if source == destination { continue }  // already at the output site
                transfers.append(PlannedTransfer(lfn: use.lfn, source: source, destination: destination, sha256: context.replicas.sha256(of: use.lfn), link: true))
            }
        }
        let createDir = workflow.jobs.first { $0.job.kind == .createDir }?.job.id
        var taken = workflow.jobIDs(context)
        for (n, start) in stride(from: 0, to: transfers.count, by: Self.filesPerJob).enumerated() {
            var job = ExecutableJob(
                id: ExecutableWorkflow.unusedID("stage_out_local_\(context.options.outputSite)_1000_\(n)", taken: &taken), kind: .stageOut, transformation: "pegasus::transfer", site: "local",
                executor: StagingPass.executor, executable: "", arguments: [], environment: [:], workingDirectory: workflow.scratchDirectory,
                retries: context.options.defaultRetries, parents: [])
            job.transfers = Array(transfers[start..<min(start + Self.filesPerJob, transfers.count)])
            workflow.jobs.append(PlannedJob(job: job, parentIDs: createDir.map { [$0] } ?? []))
        }
    }
}
