import Foundation
import SkeinProperties
import SkeinRunFormat
import SkeinWorkflow

/// Data staging, as Pegasus adds it: inputs that exist only at a URL (http, https, scp,
/// sftp), and under nonsharedfs and condorio every replica a sandboxed job reads (unless it
/// bypasses staging), are fetched into the scratch folder of the reading job's staging site by
/// `stage_in_local_<site>_*` jobs before the jobs that read them, and `stageOut: true`
/// outputs are copied (hard-linked where the filesystem allows) from their staging site's
/// scratch to the output site's storage by `stage_out_local_<site>_*` jobs after the jobs
/// that make them, when an output site was given. Grouping follows Pegasus's
/// BalancedCluster default: per staging site and level,
/// `ceil(compute jobs on the level / 10)` transfer jobs, files dealt round-robin, or the
/// fixed count of `pegasus.stagein.clusters` / `pegasus.stageout.clusters`.
struct StagingPass: PlannerPass {
    let name = "staging"
    /// The executor that moves files in the engine's process.
    static let executor = "transfer"
    static let jobsPerTransferJob = 10

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        guard let levels = context.levels else { return }
        let properties = context.options.properties ?? PegasusProperties(values: [:])
        let stageIns = stageIn(&workflow, context, levels: levels, clusters: properties["pegasus.stagein.clusters"].flatMap { Int($0) })
        let stageOuts = context.options.stageOut
            ? stageOut(&workflow, context, levels: levels, clusters: properties["pegasus.stageout.clusters"].flatMap { Int($0) }) : []
        // Stage-in jobs run right after create_dir; stage-out jobs at the end.
        let insertAt = workflow.jobs.firstIndex { $0.job.kind != .createDir } ?? workflow.jobs.count
        workflow.jobs.insert(contentsOf: stageIns, at: insertAt)
        workflow.jobs.append(contentsOf: stageOuts)
    }

    /// Compute jobs by staging site and level, in plan order (the first site's first).
    private func computeJobsBySiteAndLevel(_ workflow: ExecutableWorkflow, _ levels: [Int]) -> [(site: String, level: Int, jobs: [Int])] {
        var sites: [String] = []
        var byKey: [String: [Int: [Int]]] = [:]
        // By index: `enumerated()` copied every job (each of its fields retained and released).
        for i in workflow.jobs.indices where workflow.jobs[i].job.kind.isCompute {
            guard let abstract = workflow.jobs[i].abstractIndex else { continue }
            let site = workflow.jobs[i].stagingSite ?? workflow.jobs[i].job.site
            if byKey[site] == nil { sites.append(site) }
            byKey[site, default: [:]][levels[abstract], default: []].append(i)
        }
        return sites.flatMap { site in byKey[site]!.keys.sorted().map { (site, $0, byKey[site]![$0]!) } }
    }

    /// The scratch folder of a job's staging site.
    private func scratch(of planned: PlannedJob, _ workflow: ExecutableWorkflow) -> String {
        planned.stagingSite.flatMap { workflow.scratchBySite[$0] } ?? workflow.scratchDirectory
    }

    private func stageIn(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext, levels: [Int], clusters: Int?) -> [PlannedJob] {
        var staged: [String: [String: String]] = [:]  // site -> lfn -> the stage-in job that fetches it there
        var added: [PlannedJob] = []
        var taken = workflow.jobIDs(context)
        // The property, read once (not per file).
        let bypassAll = IntegrityPass.flag(context.options.properties?["pegasus.transfer.bypass.input.staging"])
        for (site, level, jobs) in computeJobsBySiteAndLevel(workflow, levels) {
            let folder = workflow.scratchBySite[site] ?? workflow.scratchDirectory
            // This site's table, taken out while its level is done (no site + lfn key made per file).
            var stagedHere = staged.removeValue(forKey: site) ?? [:]
            // The files this level fetches first, in order, with the jobs that need them.
            var files: [(lfn: String, url: String, link: Bool)] = []
            var readers: [String: [Int]] = [:]
            // The files in the order first read, so parents come in the same order every
            // time (a dictionary's order changes with each process's hash seed).
            var readOrder: [String] = []
            for i in jobs {
                guard let abstract = workflow.jobs[i].abstractIndex else { continue }
                // Its uses, not a copy of the whole job.
                let uses = context.workflow.jobs[abstract].uses
                let parents = workflow.plannedParents(of: abstract, context)
                let sandboxed = workflow.jobs[i].sandboxed
                var lfns: [String] = []
                for use in uses where use.type.isInput { lfns.append(use.lfn) }
                if let stdin = context.workflow.jobs[abstract].streams.stdin, !lfns.contains(stdin) { lfns.append(stdin) }
                var madeByParents = ParentOutputs(parents: parents, context)
                for lfn in lfns {
                    // The catalog first, as in DataflowPass: most inputs that parents make have
                    // no replica, and the parents' outputs are gathered only when one has.
                    // The local copy asked once: it also says whether a URL is wanted (two
                    // hashes of a name without a replica, not three).
                    let localCopy = context.replicas.localPath(of: lfn)
                    let remote = localCopy == nil ? context.replicas.remoteURL(ofFileWithoutLocalCopy: lfn) : nil
                    let local = remote == nil && sandboxed ? localCopy : nil
                    if remote == nil && local == nil { continue }
                    if madeByParents.contains(lfn) { continue }
                    let source: String
                    var link = false
                    if let url = remote {
                        if sandboxed && bypass(lfn, uses: uses, all: bypassAll, replicaSite: nil, site: workflow.jobs[i].job.site, context) {
                            workflow.jobs[i].directSources[lfn] = url
                            continue
                        }
                        source = url
                    } else if let path = local {
                        // Under nonsharedfs and condorio a replica on this machine is staged to
                        // the staging site's scratch like any other (hard-linked where it can
                        // be), unless it bypasses staging: then it stays linked from where it is.
                        if bypass(lfn, uses: uses, all: bypassAll, replicaSite: context.replicas.localSite(of: lfn) ?? "local", site: workflow.jobs[i].job.site, context) { continue }
                        workflow.jobs[i].job.inputLinks.removeAll { $0.lfn == lfn }
                        source = path
                        link = true
                    } else {
                        continue
                    }
                    if readers[lfn] == nil {
                        readOrder.append(lfn)
                        if stagedHere[lfn] == nil { files.append((lfn, source, link)) }
                    }
                    readers[lfn, default: []].append(i)
                }
            }
            let count = auxiliaryJobCount(files: files.count, jobsOnLevel: jobs.count, perJob: Self.jobsPerTransferJob, fixed: clusters)
            var groups = Array(repeating: [PlannedTransfer](), count: count)
            for (n, file) in files.enumerated() {
                let destination = (folder as NSString).appendingPathComponent(file.lfn)
                groups[n % count].append(PlannedTransfer(lfn: file.lfn, source: file.url, destination: destination, sha256: context.replicas.sha256(of: file.lfn),
                                                         link: file.link))
            }
            let createDir = workflow.createDirBySite[site]
            for (n, transfers) in groups.enumerated() where !transfers.isEmpty {
                let id = ExecutableWorkflow.unusedID("stage_in_local_\(site)_\(level)_\(n)", taken: &taken)
                added.append(transferJob(id: id, kind: .stageIn, transfers: transfers, parents: createDir.map { [$0] } ?? [], folder: folder, context))
                for transfer in transfers { stagedHere[transfer.lfn] = id }
            }
            for lfn in readOrder {
                guard let id = stagedHere[lfn], let jobsReading = readers[lfn] else { continue }
                for i in jobsReading where !workflow.jobs[i].parentIDs.contains(id) { workflow.jobs[i].parentIDs.append(id) }
            }
            staged[site] = stagedHere
        }
        return added
    }

    /// Pegasus's `bypassStaging` (StageIn.java), for jobs in a sandbox (nonsharedfs, condorio):
    /// with `pegasus.transfer.bypass.input.staging = true` or the file's `bypass: true`, a URL
    /// replica is fetched by the job's sandbox straight from where it is, and so is a file
    /// replica on the job's own site, or on `local` for a site with `auxillary.local = true`.
    private func bypass(_ lfn: String, uses: [FileUse], all: Bool, replicaSite: String?, site: String, _ context: PlanningContext) -> Bool {
        let asked = all || uses.contains { $0.lfn == lfn && $0.bypass == true }
        guard asked else { return false }
        guard let replicaSite else { return true }  // a URL: always
        if replicaSite.lowercased() == site.lowercased() { return true }
        return replicaSite.lowercased() == "local"
            && IntegrityPass.flag(context.loaded.sites?.site(named: site)?.profiles.value("pegasus", "auxillary.local"))
    }

    private func stageOut(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext, levels: [Int], clusters: Int?) -> [PlannedJob] {
        var added: [PlannedJob] = []
        var done = Set<String>()
        var taken = workflow.jobIDs(context)
        for (site, level, jobs) in computeJobsBySiteAndLevel(workflow, levels) {
            let folder = workflow.scratchBySite[site] ?? workflow.scratchDirectory
            var files: [(transfer: PlannedTransfer, producer: String)] = []
            for i in jobs {
                guard let abstract = workflow.jobs[i].abstractIndex else { continue }
                for use in context.workflow.jobs[abstract].uses where use.type.isOutput && use.stageOut == true && done.insert(use.lfn).inserted {
                    let source = (scratch(of: workflow.jobs[i], workflow) as NSString).appendingPathComponent(use.lfn)
                    let destination = (workflow.outputDirectory as NSString).appendingPathComponent(use.lfn)
                    files.append((PlannedTransfer(lfn: use.lfn, source: source, destination: destination, link: true), workflow.jobs[i].job.id))
                }
            }
            let count = auxiliaryJobCount(files: files.count, jobsOnLevel: jobs.count, perJob: Self.jobsPerTransferJob, fixed: clusters)
            var groups = Array(repeating: [(transfer: PlannedTransfer, producer: String)](), count: count)
            for (n, file) in files.enumerated() { groups[n % count].append(file) }
            for (n, group) in groups.enumerated() where !group.isEmpty {
                var producers: [String] = []
                for file in group where !producers.contains(file.producer) { producers.append(file.producer) }
                // Named by the staging site the files leave from, as Pegasus names them.
                let id = ExecutableWorkflow.unusedID("stage_out_local_\(site)_\(level)_\(n)", taken: &taken)
                added.append(transferJob(id: id, kind: .stageOut, transfers: group.map(\.transfer), parents: producers, folder: folder, context))
            }
        }
        return added
    }

    private func transferJob(id: String, kind: JobKind, transfers: [PlannedTransfer], parents: [String], folder: String,
                             _ context: PlanningContext) -> PlannedJob {
        var job = ExecutableJob(
            id: id, kind: kind, transformation: "pegasus::transfer", site: "local", executor: Self.executor, executable: "",
            arguments: [], environment: [:], workingDirectory: folder, retries: context.options.defaultRetries, parents: [])
        job.transfers = transfers
        return PlannedJob(job: job, parentIDs: parents)
    }
}
