import Foundation
import SkeinRunFormat
import SkeinWorkflow

/// Where jobs run and outputs go: the first site to run's shared scratch (relative to
/// sites.yml) / label / the workflow's UUID, or the run's own `scratch/`. Keyed by the UUID
/// so no two runs share a scratch (a stale output of another run never passes for this
/// one's, and another user cannot prepare the folder in advance); the output site's storage, or
/// the run's `output/`. Adds the `create_dir` job that makes both before anything runs.
struct DirectoriesPass: PlannerPass {
    let name = "directories"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        workflow.scratchDirectory = scratchDirectory(runDirectory: workflow.runDirectory, label: workflow.label, wfUUID: workflow.wfUUID, context)
        workflow.outputDirectory = outputDirectory(runDirectory: workflow.runDirectory, context)
        let site = context.primarySite
        var taken = workflow.jobIDs
        let id = ExecutableWorkflow.unusedID("create_dir_\(Self.sanitized(workflow.label))_\(site)", taken: &taken)
        for i in workflow.jobs.indices where workflow.jobs[i].job.kind.isCompute {
            workflow.jobs[i].job.workingDirectory = workflow.scratchDirectory
            workflow.jobs[i].parentIDs.insert(id, at: 0)
        }
        let createDir = ExecutableJob(
            id: id, kind: .createDir, transformation: "pegasus::dirmanager", site: site, executable: "/bin/mkdir",
            arguments: ["-p", workflow.scratchDirectory, workflow.outputDirectory], environment: [:], workingDirectory: workflow.runDirectory,
            retries: context.options.defaultRetries, parents: [])
        workflow.jobs.insert(PlannedJob(job: createDir), at: 0)
    }

    func scratchDirectory(runDirectory: String, label: String, wfUUID: String, _ context: PlanningContext) -> String {
        if let site = context.loaded.sites?.site(named: context.primarySite),
            let path = site.directory("sharedScratch")?.path ?? site.directory("localScratch")?.path,
            let local = CatalogPaths.localPath(path, relativeTo: context.loaded.sitesFile)
        {
            if let relative = context.options.relativeDirectory { return (local as NSString).appendingPathComponent(relative) }
            return ((local as NSString).appendingPathComponent(Self.sanitized(label)) as NSString).appendingPathComponent(wfUUID)
        }
        return (CatalogPaths.absolute(runDirectory) as NSString).appendingPathComponent("scratch")
    }

    func outputDirectory(runDirectory: String, _ context: PlanningContext) -> String {
        if let site = context.loaded.sites?.site(named: context.options.outputSite),
            let path = site.directory("localStorage")?.path ?? site.directory("sharedStorage")?.path,
            let local = CatalogPaths.localPath(path, relativeTo: context.loaded.sitesFile)
        {
            return local
        }
        return (CatalogPaths.absolute(runDirectory) as NSString).appendingPathComponent("output")
    }

    static func sanitized(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
