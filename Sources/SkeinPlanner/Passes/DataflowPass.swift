import SkeinRunFormat
import SkeinWorkflow

/// Edges and files: each compute job depends on the jobs its abstract job depends on; its
/// inputs that no parent makes are linked from the replica catalog into its working folder;
/// its outputs (and declared stdout/stderr) are the files it must produce.
struct DataflowPass: PlannerPass {
    let name = "dataflow"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        let jobs = context.workflow.jobs
        for i in workflow.jobs.indices {
            guard let index = workflow.jobs[i].abstractIndex else { continue }
            // Its uses and streams, not a copy of the whole job; each list made in one walk.
            let uses = jobs[index].uses
            let streams = jobs[index].streams
            let parents = workflow.plannedParents(of: index, context)
            workflow.jobs[i].parentIDs += parents.map { jobs[$0].id }

            var links: [InputLink] = []
            var inputs: [String] = []
            var outputs: [String] = []
            // The catalog first: most inputs of a join have no replica (its parents make
            // them), and the parents' outputs are gathered only when one has.
            // At their final size (they stay in the plan: no room to spare per job).
            var inputCount = streams.stdin == nil ? 0 : 1, outputCount = (streams.stdout == nil ? 0 : 1) + (streams.stderr == nil ? 0 : 1)
            for use in uses {
                if use.type.isInput { inputCount += 1 }
                if use.type == .output || use.type == .inout { outputCount += 1 }
            }
            inputs.reserveCapacity(inputCount)
            outputs.reserveCapacity(outputCount)
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
            workflow.jobs[i].job.inputLinks = links
            workflow.jobs[i].job.inputs = inputs
            workflow.jobs[i].job.outputs = outputs
        }
    }
}
