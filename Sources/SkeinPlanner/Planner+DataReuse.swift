import Foundation
import SkeinProperties
import SkeinRunFormat
import SkeinWorkflow

extension Planner {
    /// The abstract jobs data reuse would leave out (by index), with why, without planning
    /// the rest: what `skein graph --show-pruned` marks.
    public func prunedJobs() -> [Int: String] {
        guard let workflow = loaded.workflow else { return [:] }
        var withProperties = options
        withProperties.properties = options.properties ?? PegasusProperties.load(besideWorkflowIn: (loaded.sources.workflow as NSString).deletingLastPathComponent)
        var executable = ExecutableWorkflow(label: workflow.name, wfUUID: "", workflowFile: loaded.sources.workflow, runDirectory: "", createdAt: 0, plannerArguments: [])
        DataReusePass().run(&executable, PlanningContext(loaded, workflow, options: withProperties))
        return executable.pruned
    }
}
