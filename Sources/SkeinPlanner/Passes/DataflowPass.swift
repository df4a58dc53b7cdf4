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
            let job = jobs[index]
            let parents = workflow.plannedParents(of: index, context)
            workflow.jobs[i].parentIDs += parents.map { jobs[$0].id }

            var links: [InputLink] = []
            let madeByParent = context.madeByParent(of: parents, inputs: job.uses.count)
            for use in job.uses where use.type.isInput {
                if madeByParent(use.lfn) { continue }
                if let source = context.replicas.localPath(of: use.lfn) { links.append(InputLink(lfn: use.lfn, source: source)) }
            }
            if let stdin = job.stdin, !links.contains(where: { $0.lfn == stdin }), !job.uses.contains(where: { $0.lfn == stdin && $0.type.isInput }),
                let source = context.replicas.localPath(of: stdin)
            {
                links.append(InputLink(lfn: stdin, source: source))
            }
            workflow.jobs[i].job.inputLinks = links
            var inputs = job.uses.filter { $0.type.isInput }.map(\.lfn)
            if let stdin = job.stdin, !inputs.contains(stdin) { inputs.append(stdin) }
            workflow.jobs[i].job.inputs = inputs
            workflow.jobs[i].job.outputs = job.uses.filter { $0.type == .output || $0.type == .inout }.map(\.lfn).filter { $0 != job.stdout && $0 != job.stderr }
                + [job.stdout, job.stderr].compactMap { $0 }
        }
    }
}
