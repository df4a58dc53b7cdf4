import Foundation
import SkeinRunFormat
import SkeinWorkflow

/// The executable job of a sub-workflow (`pegasusWorkflow`): Pegasus's `dax` job, run by the
/// engine's `subworkflow` executor, which plans the child when the job's turn comes. Its
/// files are the parent's like a compute job's (the dataflow, staging and cleanup passes
/// treat it as one); `SubWorkflowPass` names it and fills in the paths at the end.
enum SubWorkflowJobs {
    /// The executor that plans and runs sub-workflows.
    static let executor = "subworkflow"
    /// Pegasus records the planner as the sub-workflow job's transformation.
    static let transformation = "pegasus::pegasus-plan"
    /// ... and DAGMan as a DAG job's.
    static let dagTransformation = "condor::dagman"

    static func job(for job: Job, index: Int, _ context: PlanningContext) -> Result<PlannedJob, PlanError> {
        let made = context.workflow.jobs.contains { other in other.id != job.id && other.uses.contains { $0.lfn == job.file && $0.type.isOutput } }
        let problems = SubWorkflowFiles.problems(
            of: job, in: context.loaded, replicas: context.replicas, madeByJob: made, ancestors: [context.loaded.sources.workflow])
        if !problems.isEmpty { return .failure(PlanError(messages: problems)) }
        let resolved = job.file.flatMap { SubWorkflowFiles.resolve($0, replicas: context.replicas, workflowFile: context.loaded.sources.workflow) }
        let retries = job.profiles.value("dagman", "retry").flatMap { Int($0) } ?? context.options.defaultRetries
        let transformation = job.kind == .pegasusWorkflow ? Self.transformation : Self.dagTransformation
        var executable = ExecutableJob(
            id: job.id, kind: job.kind == .pegasusWorkflow ? .dax : .dag, transformation: transformation, site: "local", executor: executor,
            executable: resolved ?? job.file ?? "", arguments: job.arguments, environment: [:], workingDirectory: "", retries: retries,
            category: "subwf", parents: [], metadata: Dictionary(job.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }))
        executable.tasks = [ExecutableTask(id: job.id, transformation: transformation, executable: executable.executable, arguments: job.arguments,
                                           metadata: executable.metadata)]
        executable.subworkflow = PlannedSubworkflow(
            type: job.kind.rawValue, file: job.file ?? "", resolvedFile: resolved, arguments: job.arguments, sitesToRun: context.options.sitesToRun,
            outputSite: context.options.stageOut ? context.options.outputSite : nil, directory: "", parentScratch: "",
            parentWorkflowDirectory: (CatalogPaths.absolute(context.loaded.sources.workflow) as NSString).deletingLastPathComponent,
            inputs: job.uses.filter { $0.type.isInput }.map(\.lfn), outputs: job.uses.filter { $0.type.isOutput }.map(\.lfn))
        return .success(PlannedJob(job: executable, abstractIndex: index))
    }
}

/// Names sub-workflow jobs as Pegasus does (`pegasus-plan_<id>`, after every pass that links
/// jobs by their abstract ids) and gives each its child run folder
/// (`<run>/00/00/<child label>_<id>`) and the parent's scratch folder.
struct SubWorkflowPass: PlannerPass {
    let name = "sub-workflows"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        var renamed: [String: String] = [:]
        // Made at the first sub-workflow job: most workflows have none.
        var taken: TakenIDs?
        for i in workflow.jobs.indices where workflow.jobs[i].job.subworkflow != nil {
            let id = workflow.jobs[i].job.id
            if taken == nil { taken = workflow.jobIDs(context) }
            taken!.remove(id)
            var sub = workflow.jobs[i].job.subworkflow!
            let isDAG = sub.type == Job.Kind.condorWorkflow.rawValue
            // Pegasus's names: pegasus-plan_<id> for a workflow it plans, dagman_<id> for a DAG.
            let newID = ExecutableWorkflow.unusedID((isDAG ? "dagman_" : "pegasus-plan_") + id, taken: &taken!)
            renamed[id] = newID
            workflow.jobs[i].job.id = newID
            let label = isDAG ? ((sub.file as NSString).lastPathComponent as NSString).deletingPathExtension
                : sub.resolvedFile.flatMap { WorkflowLoader.load(WorkflowSources(workflow: $0)).workflow?.name } ?? "subworkflow"
            let folder = ((CatalogPaths.absolute(workflow.runDirectory) as NSString).appendingPathComponent("00/00") as NSString)
            sub.directory = folder.appendingPathComponent("\(DirectoriesPass.sanitized(label))_\(id)")
            sub.parentScratch = workflow.scratchDirectory
            workflow.jobs[i].job.subworkflow = sub
        }
        guard !renamed.isEmpty else { return }
        for i in workflow.jobs.indices {
            workflow.jobs[i].parentIDs = workflow.jobs[i].parentIDs.map { renamed[$0] ?? $0 }
        }
    }
}
