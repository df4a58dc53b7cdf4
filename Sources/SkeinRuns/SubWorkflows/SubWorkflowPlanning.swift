import Foundation
import SkeinEngine
import SkeinPlanner
import SkeinProperties
import SkeinRunFormat
import SkeinWorkflow

/// Plans a sub-workflow when its job's turn comes, as Pegasus's PRE script runs pegasus-plan:
/// the job's arguments are the child's pegasus-plan options, the parent's scratch files it
/// reads are replicas (Pegasus's `--cache`), and the run goes into the next
/// `<parent run>/00/00/<label>_<id>.NNN`, which the link `<label>_<id>` names. A retried job
/// resumes the child planned before (its succeeded jobs are not run again), as DAGMan's
/// rescue DAG does, unless the job asks for `--force-replan`.
public enum SubWorkflowPlanning {
    /// The child's plan, and a line saying whether it was planned now or resumed.
    public static func planOrResume(_ job: ExecutableJob, rootWfUUID: String, parentRunDirectory: String) throws -> (plan: ExecutablePlan, note: String) {
        guard let sub = job.subworkflow else { throw RunsError("job '\(job.id)' is not a sub-workflow job") }
        let arguments: SubWorkflowArguments
        do {
            arguments = try SubWorkflowArguments(parsing: sub.arguments)
        } catch {
            throw RunsError("job '\(job.id)': \(error)")
        }
        if !arguments.forceReplan, let existing = currentRun(sub.directory), RunDirectory.isRunDirectory(existing) {
            let plan = try RunDirectory(path: existing).readPlan()
            return (plan, "resuming the sub-workflow run \(existing) (its succeeded jobs are not run again)")
        }
        let plan = try plan(job, sub, arguments, rootWfUUID: rootWfUUID, parentRunDirectory: parentRunDirectory)
        return (plan, "planned the sub-workflow \(plan.label) into \(plan.runDirectory): \(plan.jobs.count) jobs")
    }

    /// The folder the `<label>_<id>` link names, if it exists.
    static func currentRun(_ link: String) -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link) else { return nil }
        return target.hasPrefix("/") ? target : ((link as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
    }

    /// The workflow file: where the parent was planned to find it, else in the parent's
    /// scratch (a parent job made it), else beside the parent workflow.
    static func workflowFile(_ sub: PlannedSubworkflow) -> String? {
        let candidates = [sub.resolvedFile, (sub.parentScratch as NSString).appendingPathComponent(sub.file),
                          sub.file.hasPrefix("/") ? sub.file : (sub.parentWorkflowDirectory as NSString).appendingPathComponent(sub.file)]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// A file the job's arguments name (`--conf`): in the parent's scratch (staged there as the
    /// job's input), else beside the parent workflow, else as written.
    static func argumentFile(_ name: String, _ sub: PlannedSubworkflow) -> String {
        if name.hasPrefix("/") { return name }
        for folder in [sub.parentScratch, sub.parentWorkflowDirectory] {
            let path = (folder as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return name
    }

    private static func plan(_ job: ExecutableJob, _ sub: PlannedSubworkflow, _ arguments: SubWorkflowArguments, rootWfUUID: String,
                             parentRunDirectory: String) throws -> ExecutablePlan {
        guard let file = workflowFile(sub) else {
            throw RunsError("job '\(job.id)': the sub-workflow file '\(sub.file)' is neither in the parent's scratch (\(sub.parentScratch)) nor beside the parent workflow")
        }
        let settings = try RunSettings.current(runDirectory: parentRunDirectory)
        if sub.type == "condorWorkflow" {
            let runDirectory = try nextRunDirectory(sub.directory)
            do {
                let plan = try DagmanPlan.plan(dagFile: file, runDirectory: runDirectory, plannerArguments: sub.arguments + [file])
                return try store(plan, sub, rootWfUUID: rootWfUUID, settings: settings, propertiesSource: nil)
            } catch let error as PlanError {
                throw RunsError(error.description)
            }
        }
        var loaded = WorkflowLoader.load(WorkflowSources(workflow: file))
        // The parent's files the job reads are the child's replicas, before its own catalog's.
        let fromParent = sub.inputs.compactMap { lfn -> Replica? in
            let path = (sub.parentScratch as NSString).appendingPathComponent(lfn)
            return FileManager.default.fileExists(atPath: path) ? Replica(lfn: lfn, pfns: [Replica.Location(site: "local", pfn: path)]) : nil
        }
        if !fromParent.isEmpty {
            var catalog = loaded.replicas ?? ReplicaCatalog()
            catalog.replicas = fromParent + catalog.replicas
            loaded.replicas = catalog
        }
        let result = WorkflowValidator.validate(loaded)
        guard result.isValid else {
            let errors = result.diagnostics.errors.prefix(10).map { "  \($0.file):\($0.line):\($0.column): \($0.message)" }
            throw RunsError((["the sub-workflow \(file) is not valid:"] + errors).joined(separator: "\n"))
        }
        var properties = arguments.properties.map { name -> PegasusProperties? in PegasusProperties.load(file: argumentFile(name, sub)) }
            ?? PegasusProperties.load(besideWorkflowIn: (file as NSString).deletingLastPathComponent)
        if let name = arguments.properties, properties == nil { throw RunsError("job '\(job.id)': --conf \(name): cannot read it") }
        if !arguments.defines.isEmpty {
            var values = properties?.values ?? [:]
            for define in arguments.defines { values[define.key] = define.value }
            properties = PegasusProperties(values: values)
        }
        let outputSite = arguments.outputSite ?? sub.outputSite
        var options = PlanOptions(
            baseDirectory: (sub.directory as NSString).deletingLastPathComponent, sitesToRun: arguments.sitesToRun ?? sub.sitesToRun,
            outputSite: outputSite ?? "local", stageOut: outputSite != nil,
            // Pegasus plans sub-workflows with --cleanup none unless told otherwise: the
            // parent may still read what the child made.
            cleanup: arguments.cleanup ?? .none, reuse: !arguments.force, defaultRetries: settings.retries ?? 0,
            plannerArguments: sub.arguments + [file], properties: properties)
        // The child's own pegasus-plan --cluster methods (a wrong name is refused when parsed).
        options.clustering = arguments.clusters.compactMap(PlanOptions.Clustering.init(rawValue:))
        let runDirectory = try nextRunDirectory(sub.directory)
        let plan: ExecutablePlan
        do {
            plan = try Planner(result.loaded, options: options).plan(runDirectory: runDirectory)
        } catch let error as PlanError {
            throw RunsError((["cannot plan the sub-workflow \(file):"] + error.messages.map { "  \($0)" }).joined(separator: "\n"))
        }
        let propertiesSource = arguments.properties.map { argumentFile($0, sub) } ?? result.loaded.propertiesFile
        return try store(plan, sub, rootWfUUID: rootWfUUID, settings: settings, propertiesSource: propertiesSource)
    }

    /// The child's scratch, plan, braindump (naming the root) and settings (the parent's),
    /// then the `<label>_<id>` link moved to it.
    private static func store(_ plan: ExecutablePlan, _ sub: PlannedSubworkflow, rootWfUUID: String, settings: EngineSettings,
                              propertiesSource: String?) throws -> ExecutablePlan {
        var madeScratch: [String] = []
        try RunPlanning.makeScratch(plan, made: &madeScratch)
        try RunDirectory(path: plan.runDirectory).write(plan)
        let propertiesName = try PropertiesCopy.write(from: propertiesSource, runDirectory: plan.runDirectory, wfUUID: plan.wfUUID)
        try SubmitFiles.write(for: plan, propertiesFile: propertiesName, plannerExecutable: CommandLine.arguments.first ?? "skein",
                              plannerVersion: SkeinVersionInfo.version, rootWfUUID: rootWfUUID)
        try EngineSettings.store(settings, runDirectory: plan.runDirectory, command: "plan")
        try pointLink(sub.directory, at: plan.runDirectory)
        return plan
    }

    /// The next `LINK.NNN` folder, new and private.
    static func nextRunDirectory(_ link: String) throws -> String {
        let parent = (link as NSString).deletingLastPathComponent
        _ = try PrivateDirectory.create(parent, exclusive: false)
        var number = 0
        while true {
            let candidate = link + String(format: ".%03d", number)
            if try PrivateDirectory.create(candidate, exclusive: true) { return candidate }
            number += 1
        }
    }

    /// Makes `link` name `target` (relative, as Pegasus's), replacing an older link at once.
    static func pointLink(_ link: String, at target: String) throws {
        let temporary = link + ".skein-link"
        unlink(temporary)
        guard symlink((target as NSString).lastPathComponent, temporary) == 0, rename(temporary, link) == 0 else {
            throw RunsError("cannot link \(link) to \(target): \(String(cString: strerror(errno)))")
        }
    }
}
