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
    /// A plan made into a run directory.
    public struct PlannedRun: Sendable {
        /// The plan; its `jobs` are empty unless they were asked for (`keepJobs`).
        public var plan: ExecutablePlan
        public var jobCount: Int
    }

    /// Throws `PlanError` when a job has no site or an executable cannot be staged.
    /// `change` holds the engine options given on the command line; they win over
    /// `pegasus.properties` (`dagman.maxjobs`, `dagman.retry`).
    public static func plan(_ loaded: LoadedWorkflow, options: PlanOptions, change: EngineSettingsChange, plannerExecutable: String,
                            plannerVersion: String, now: Double = Date().timeIntervalSince1970) throws -> ExecutablePlan {
        try planRun(loaded, options: options, change: change, plannerExecutable: plannerExecutable, plannerVersion: plannerVersion, now: now,
                    keepJobs: true).plan
    }

    /// As `plan`, but the jobs are kept in memory only with `keepJobs` (a run that starts
    /// here needs them; `skein plan` does not): plan.json is written from the planner's own
    /// jobs one at a time, so a million-job plan is never held twice. `graph` is validation's
    /// graph of the workflow, when the caller has it. Both are consumed: what the last passes
    /// do not read goes before them, the rest once the passes are done (a caller that handed
    /// over its only copy gets the abstract workflow's memory back before the passes' peak
    /// and before plan.json is written).
    public static func planRun(_ loaded: consuming LoadedWorkflow, options: PlanOptions, change: EngineSettingsChange, plannerExecutable: String,
                               plannerVersion: String, now: Double = Date().timeIntervalSince1970, keepJobs: Bool,
                               graph: consuming WorkflowGraph? = nil) throws -> PlannedRun {
        let label = loaded.workflow?.name ?? "workflow"
        let propertiesFile = loaded.propertiesFile
        var options = options
        let properties = (options.properties ?? loaded.properties).withModeDefaults()
        let settings = PlannedSettings.resolve(change, properties: properties)
        options.properties = properties
        options.defaultRetries = settings.retries ?? options.defaultRetries
        let runDirectory = try RunFolder.create(options, label: label, properties: properties, now: now)
        // Only the scratch folders this plan made go when it fails: never one that was there.
        var madeScratch: [String] = []
        do {
            // The planner has the only copy of the workflow: it lets it go as it goes.
            let workflow = try Planner(consume loaded, options: options, graph: consume graph).executableWorkflowReleasingInputs(runDirectory: runDirectory.path, now: now)
            var timings = PlanTimings()
            try PlanWriter.stageExecutables(workflow)
            var plan = workflow.planHeader()
            try makeScratch(plan, made: &madeScratch)
            try PlanWriter.writePlan(workflow, header: plan, to: runDirectory)
            timings.step("write plan.json")
            let propertiesName = try PropertiesCopy.write(from: propertiesFile, runDirectory: plan.runDirectory, wfUUID: plan.wfUUID)
            try SubmitFiles.write(for: plan, propertiesFile: propertiesName, plannerExecutable: plannerExecutable, plannerVersion: plannerVersion)
            try EngineSettings.store(settings, runDirectory: plan.runDirectory, command: "plan")
            if let registry = try? RunRegistry() {
                try? registry.register(label: plan.label, runDir: plan.runDirectory, wfUUID: plan.wfUUID, state: .planned, started: plan.createdAt)
            }
            timings.step("run files")
            if keepJobs {
                plan = workflow.plan()
                timings.step("executable plan")
            }
            let planned = PlannedRun(plan: plan, jobCount: workflow.jobs.count)
            Self.releaseInBackground(consume workflow)
            return planned
        } catch {
            RunFolder.remove(runDirectory.path, scratch: madeScratch)
            throw error
        }
    }

    /// The planned jobs are freed on another thread: `skein plan` exits without waiting for
    /// a million jobs to be released one object at a time (seconds), and a process that goes
    /// on gets the memory back all the same.
    private static func releaseInBackground(_ workflow: consuming ExecutableWorkflow) {
        let box = ReleaseBox(workflow)
        DispatchQueue.global(qos: .utility).async { box.value = nil }
    }

    private final class ReleaseBox: @unchecked Sendable {
        var value: ExecutableWorkflow?
        init(_ value: consuming ExecutableWorkflow) { self.value = value }
    }

    /// Each site's scratch is made now, fresh and private, so jobs never run in a folder
    /// another user prepared; none is the run folder, inside it or above it (a job's
    /// `stdout: plan.json` must not reach the run's files). Sites whose scratch is one
    /// folder (one shared path) share it.
    static func makeScratch(_ plan: ExecutablePlan, made: inout [String]) throws {
        // By name, not through links: PrivateDirectory checks each component as it is.
        let run = PrivateDirectory.lexicalAbsolute(plan.runDirectory)
        for folder in plan.scratchDirectories {
            let scratch = PrivateDirectory.lexicalAbsolute(folder)
            if scratch == run || scratch.hasPrefix(run + "/") || run.hasPrefix(scratch + "/") {
                throw RunsError("the scratch folder \(scratch) is the run folder \(run), inside it or above it; set the site's sharedScratch to a folder of its own")
            }
            guard try PrivateDirectory.create(scratch, exclusive: true) else {
                throw RunsError("the scratch folder \(scratch) already exists; a new run needs a new one (plan again)")
            }
            made.append(scratch)
        }
    }
}
