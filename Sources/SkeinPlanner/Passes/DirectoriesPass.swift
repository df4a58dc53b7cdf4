import Foundation
import SkeinRunFormat
import SkeinWorkflow

/// Where jobs run and outputs go, per site as Pegasus does: each staging site used (a job's
/// own site under sharedfs; `--staging-site` under nonsharedfs; `local` under condorio) has
/// its own scratch folder for the run, `<its sharedScratch>/<label>/<workflow UUID>` (keyed
/// by the UUID so no two runs share one: a stale output of another run never passes for this
/// one's, and another user cannot prepare the folder in advance), or, for a site without
/// one, `<runs>/<label>/wf-scratch/<site>/<UUID>` (never the run folder or inside it), and
/// its own `create_dir_<label>_0_<site>` job that checks or makes it private before any job
/// there runs. Every compute job runs in its staging site's scratch (or, sandboxed, in a
/// folder of its own there: `SandboxPass`). The first site's create_dir also makes the output
/// site's storage folder (or the run's `output/`).
struct DirectoriesPass: PlannerPass {
    let name = "directories"
    /// The in-process executor of create_dir jobs (private folders, no `mkdir -p`).
    static let executor = "directories"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        // Each site of a compute job once, in job order (not a copy of every job).
        var computeSites: [String] = []
        var seenSites = Set<String>()
        for i in workflow.jobs.indices where workflow.jobs[i].job.kind.isCompute && seenSites.insert(workflow.jobs[i].job.site).inserted {
            computeSites.append(workflow.jobs[i].job.site)
        }
        // The sites used, the first site to run first; that site alone when no job runs.
        let used = computeSites.isEmpty || computeSites.contains(context.primarySite) ? [context.primarySite] + computeSites : computeSites
        let layout = StagingLayout(sites: used, context)
        workflow.problems += layout.problems
        var stagingSites: [String] = []
        for site in used {
            let staging = layout.stagingSite(of: site)
            if !stagingSites.contains(staging) { stagingSites.append(staging) }
        }
        workflow.outputDirectory = outputDirectory(runDirectory: workflow.runDirectory, context)
        var taken = workflow.jobIDs(context)
        var createDirs: [PlannedJob] = []
        for site in stagingSites {
            let scratch = scratchDirectory(site: site, runDirectory: workflow.runDirectory, label: workflow.label, wfUUID: workflow.wfUUID, context)
            workflow.scratchBySite[site] = scratch
            let id = ExecutableWorkflow.unusedID("create_dir_\(Self.sanitized(workflow.label))_0_\(site)", taken: &taken)
            workflow.createDirBySite[site] = id
            let alsoMakes = createDirs.isEmpty ? [workflow.outputDirectory] : []
            createDirs.append(PlannedJob(job: ExecutableJob(
                id: id, kind: .createDir, transformation: "pegasus::dirmanager", site: site, executor: Self.executor, executable: "",
                arguments: alsoMakes, environment: [:], workingDirectory: scratch, retries: context.options.defaultRetries, parents: [])))
        }
        workflow.scratchDirectory = workflow.scratchBySite[stagingSites[0]] ?? ""
        for i in workflow.jobs.indices where workflow.jobs[i].job.kind.isCompute {
            let staging = layout.stagingSite(of: workflow.jobs[i].job.site)
            workflow.jobs[i].stagingSite = staging
            // A sub-workflow job plans and runs a child in the engine (DAGMan's scheduler
            // universe in Pegasus): no sandbox, its files are the child's staging.
            workflow.jobs[i].sandboxed = layout.sandboxed(workflow.jobs[i].job.site) && !workflow.jobs[i].job.kind.isSubworkflow
            workflow.jobs[i].job.workingDirectory = workflow.scratchBySite[staging] ?? workflow.scratchDirectory
            if let createDir = workflow.createDirBySite[staging] { workflow.jobs[i].parentIDs.insert(createDir, at: 0) }
        }
        workflow.jobs.insert(contentsOf: createDirs, at: 0)
    }

    /// `site`'s scratch folder for this run.
    func scratchDirectory(site: String, runDirectory: String, label: String, wfUUID: String, _ context: PlanningContext) -> String {
        if let entry = context.loaded.sites?.site(named: site),
            let path = entry.directory("sharedScratch")?.path ?? entry.directory("localScratch")?.path,
            let local = CatalogPaths.localPath(path, relativeTo: context.loaded.sitesFile)
        {
            if let relative = context.options.relativeDirectory { return (local as NSString).appendingPathComponent(relative) }
            return ((local as NSString).appendingPathComponent(Self.sanitized(label)) as NSString).appendingPathComponent(wfUUID)
        }
        // Beside the run folder, as Pegasus's auto-made local site has `wf-scratch/LOCAL`.
        let runs = (CatalogPaths.absolute(runDirectory) as NSString).deletingLastPathComponent
        return (((runs as NSString).appendingPathComponent("wf-scratch") as NSString).appendingPathComponent(Self.sanitized(site)) as NSString)
            .appendingPathComponent(wfUUID)
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
