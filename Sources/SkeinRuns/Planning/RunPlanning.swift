import Foundation
import SkeinPlanner
import SkeinProvenance
import SkeinRunFormat
import SkeinWorkflow

/// Plans a validated workflow into a new run directory: the plan, Pegasus's braindump (so
/// Pegasus's tools recognise the run), the run's engine settings, and an entry in the run
/// registry. Validation stays with the caller, which prints its diagnostics.
public enum RunPlanning {
    /// Throws `PlanError` when a job has no site or an executable cannot be staged.
    public static func plan(_ loaded: LoadedWorkflow, options: PlanOptions, settings: EngineSettings, plannerExecutable: String,
                            plannerVersion: String) throws -> ExecutablePlan {
        let label = loaded.workflow?.name ?? "workflow"
        let runDirectory = try RunDirectory.create(base: options.baseDirectory, label: label)
        let plan = try Planner(loaded, options: options).plan(runDirectory: runDirectory.path)
        try makeScratch(plan)
        try runDirectory.write(plan)
        try SubmitFiles.write(for: plan, plannerExecutable: plannerExecutable, plannerVersion: plannerVersion)
        try EngineSettings.store(settings, runDirectory: plan.runDirectory, command: "plan")
        if let registry = try? RunRegistry() {
            try? registry.register(label: plan.label, runDir: plan.runDirectory, wfUUID: plan.wfUUID, state: .planned, started: plan.createdAt)
        }
        return plan
    }

    /// Each site's scratch is made now, fresh and private, so jobs never run in a folder
    /// another user prepared; none is the run folder, inside it or above it (a job's
    /// `stdout: plan.json` must not reach the run's files). Sites whose scratch is one
    /// folder (one shared path) share it.
    static func makeScratch(_ plan: ExecutablePlan) throws {
        let run = (plan.runDirectory as NSString).standardizingPath
        for folder in plan.scratchDirectories {
            let scratch = (folder as NSString).standardizingPath
            if scratch == run || scratch.hasPrefix(run + "/") || run.hasPrefix(scratch + "/") {
                throw RunsError("the scratch folder \(scratch) is the run folder \(run), inside it or above it; set the site's sharedScratch to a folder of its own")
            }
            guard try PrivateDirectory.create(scratch, exclusive: true) else {
                throw RunsError("the scratch folder \(scratch) already exists; a new run needs a new one (plan again)")
            }
        }
    }
}
