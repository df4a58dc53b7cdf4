import Foundation
import SkeinWorkflow

/// Resolves each compute job's executable: an installed path as it is (relative paths
/// against the transformation catalog), a stageable one as its copy in the run's `bin/`
/// folder, which the writer makes (one copy per transformation).
struct ExecutablesPass: PlannerPass {
    let name = "executables"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        let bin = (workflow.runDirectory as NSString).appendingPathComponent("bin")
        var staged = Set(workflow.stagedExecutables.map(\.target))
        for i in workflow.jobs.indices {
            guard let placement = workflow.jobs[i].placement else { continue }
            let pfn = placement.entry.pfn
            let local = CatalogPaths.localPath(pfn, relativeTo: context.loaded.transformationsFile) ?? pfn
            guard placement.entry.type == "stageable" else {
                workflow.jobs[i].job.executable = local
                continue
            }
            let target = (bin as NSString).appendingPathComponent(placement.transformation.name)
            if staged.insert(target).inserted {
                workflow.stagedExecutables.append(StagedExecutable(source: local, target: target, transformation: placement.transformation.name))
            }
            workflow.jobs[i].job.executable = target
        }
    }
}
