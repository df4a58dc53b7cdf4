import Foundation
import SkeinPlanner
import SkeinProperties
import SkeinProvenance
import SkeinRunFormat
import SkeinWorkflow

/// Plans a validated workflow into a new run directory: the plan, Pegasus's braindump (so
/// Pegasus's tools recognise the run) and a copy of the properties, the run's engine
/// settings, and an entry in the run registry. Validation stays with the caller, which
/// prints its diagnostics. All or nothing: a plan that fails leaves no run folder and no
/// scratch folder behind.
public enum RunPlanning {
    /// Throws `PlanError` when a job has no site or an executable cannot be staged.
    /// `change` holds the engine options given on the command line; they win over
    /// `pegasus.properties` (`dagman.maxjobs`, `dagman.retry`).
    public static func plan(_ loaded: LoadedWorkflow, options: PlanOptions, change: EngineSettingsChange, plannerExecutable: String,
                            plannerVersion: String, now: Double = Date().timeIntervalSince1970) throws -> ExecutablePlan {
        let label = loaded.workflow?.name ?? "workflow"
        var options = options
        let properties = (options.properties ?? loaded.properties).withModeDefaults()
        let settings = PlannedSettings.resolve(change, properties: properties)
        options.properties = properties
        options.defaultRetries = settings.retries ?? options.defaultRetries
        let runDirectory = try RunFolder.create(options, label: label, properties: properties, now: now)
        var scratch: String?
        do {
            let plan = try Planner(loaded, options: options).plan(runDirectory: runDirectory.path, now: now)
            try makeScratch(plan)
            scratch = plan.scratchDirectory
            try runDirectory.write(plan)
            let propertiesName = try PropertiesCopy.write(from: loaded.propertiesFile, runDirectory: plan.runDirectory, wfUUID: plan.wfUUID)
            try SubmitFiles.write(for: plan, propertiesFile: propertiesName, plannerExecutable: plannerExecutable, plannerVersion: plannerVersion)
            try EngineSettings.store(settings, runDirectory: plan.runDirectory, command: "plan")
            if let registry = try? RunRegistry() {
                try? registry.register(label: plan.label, runDir: plan.runDirectory, wfUUID: plan.wfUUID, state: .planned, started: plan.createdAt)
            }
            return plan
        } catch {
            RunFolder.remove(runDirectory.path, scratch: scratch)
            throw error
        }
    }

    /// The scratch is made now, fresh and private, so jobs never run in a folder another
    /// user prepared; it is the run's own `scratch/` or a folder of its own elsewhere, never
    /// the run folder or another folder inside it (a job's `stdout: plan.json` must not
    /// reach the run's files).
    static func makeScratch(_ plan: ExecutablePlan) throws {
        let run = plan.runDirectory
        // By name, not through links: PrivateDirectory checks each component as it is.
        let scratch = PrivateDirectory.lexicalAbsolute(plan.scratchDirectory)
        let ownScratch = (run as NSString).appendingPathComponent("scratch")
        if scratch != ownScratch && (scratch == run || scratch.hasPrefix(run + "/") || run.hasPrefix(scratch + "/")) {
            throw RunsError("the scratch folder \(scratch) is the run folder \(run), inside it or above it; set the site's sharedScratch to a folder of its own")
        }
        guard try PrivateDirectory.create(scratch, exclusive: true) else {
            throw RunsError("the scratch folder \(scratch) already exists; a new run needs a new one (plan again)")
        }
    }
}
