import SkeinRunFormat
import SkeinWorkflow

/// Edges and files: each compute job depends on the jobs its abstract job depends on; its
/// inputs that no parent makes are linked from the replica catalog into its working folder;
/// its outputs (and declared stdout/stderr) are the files it must produce.
struct DataflowPass: PlannerPass {
    let name = "dataflow"

    /// What the pass sets on one compute job.
    private struct JobFiles {
        var parentIDs: [String]
        var links: [InputLink]
        var inputs: [String]
        var outputs: [String]
    }

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        // On this thread: worked out on two, the second thread's lists came from a heap of
        // their own and stayed, 65 MB more resident at a million jobs for a second saved.
        let pruned = workflow.pruned
        for i in workflow.jobs.indices {
            guard let abstract = workflow.jobs[i].abstractIndex else { continue }
            let found = Self.files(of: abstract, pruned: pruned, context)
            workflow.jobs[i].parentIDs += found.parentIDs
            workflow.jobs[i].job.inputLinks = found.links
            workflow.jobs[i].job.inputs = found.inputs
            workflow.jobs[i].job.outputs = found.outputs
        }
    }

    private static func files(of index: Int, pruned: [Int: String], _ context: PlanningContext) -> JobFiles {
        let jobs = context.workflow.jobs
        // Its uses and streams, not a copy of the whole job; each list made in one walk.
        let uses = jobs[index].uses
        let streams = jobs[index].streams
        let parents = pruned.isEmpty ? context.graph.parents[index] : context.graph.parents[index].filter { pruned[$0] == nil }

        var links: [InputLink] = []
        var inputs: [String] = []
        var outputs: [String] = []
        // At their final size (they stay in the plan: no room to spare per job).
        var inputCount = streams.stdin == nil ? 0 : 1, outputCount = (streams.stdout == nil ? 0 : 1) + (streams.stderr == nil ? 0 : 1)
        for use in uses {
            if use.type.isInput { inputCount += 1 }
            if use.type == .output || use.type == .inout { outputCount += 1 }
        }
        inputs.reserveCapacity(inputCount)
        outputs.reserveCapacity(outputCount)
        // The catalog first: most inputs of a join have no replica (its parents make
        // them), and the parents' outputs are gathered only when one has.
        var madeByParents = ParentOutputs(parents: parents, context)
        var stdinIsInput = false
        for use in uses {
            if use.type.isInput {
                inputs.append(use.lfn)
                if use.lfn == streams.stdin { stdinIsInput = true }
                if let source = context.replicas.localPath(of: use.lfn), !madeByParents.contains(use.lfn) {
                    links.append(InputLink(lfn: use.lfn, source: source))
                }
            }
            if use.type == .output || use.type == .inout, use.lfn != streams.stdout, use.lfn != streams.stderr { outputs.append(use.lfn) }
        }
        if let stdin = streams.stdin, !stdinIsInput {
            if !links.contains(where: { $0.lfn == stdin }), let source = context.replicas.localPath(of: stdin) {
                links.append(InputLink(lfn: stdin, source: source))
            }
            if !inputs.contains(stdin) { inputs.append(stdin) }
        }
        if let stdout = streams.stdout { outputs.append(stdout) }
        if let stderr = streams.stderr { outputs.append(stderr) }
        return JobFiles(parentIDs: parents.map { jobs[$0].id }, links: links, inputs: inputs, outputs: outputs)
    }
}
