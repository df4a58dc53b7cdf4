import Foundation
import SkeinRunFormat
import SkeinWorkflow

/// Resolves each compute job's executable: an installed path as it is (relative paths
/// against the transformation catalog), a stageable one as its copy in the run's `bin/`
/// folder, which the writer makes (one copy per transformation), or, when the catalog gives
/// it as a URL, which a `stage_in_executable_*` job fetches before the jobs that run it (as
/// Pegasus stages executables), its sha256 checked when the catalog has one.
struct ExecutablesPass: PlannerPass {
    let name = "executables"
    static let fetchedSchemes: Set<String> = ["http", "https", "scp", "sftp"]

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        let bin = (workflow.runDirectory as NSString).appendingPathComponent("bin")
        var staged = Set(workflow.stagedExecutables.map(\.target))
        var fetchers: [String: String] = [:]
        var taken = workflow.jobIDs(context)
        var added: [PlannedJob] = []
        for i in workflow.jobs.indices {
            guard let placement = workflow.jobs[i].placement else { continue }
            let pfn = placement.entry.pfn
            let local = CatalogPaths.localPath(pfn, relativeTo: context.loaded.transformationsFile) ?? pfn
            guard placement.entry.type == "stageable" else {
                workflow.jobs[i].job.executable = local
                continue
            }
            let target = (bin as NSString).appendingPathComponent(placement.transformation.name)
            if let scheme = URL(string: pfn)?.scheme?.lowercased(), Self.fetchedSchemes.contains(scheme) {
                if fetchers[target] == nil {
                    var fetch = ExecutableJob(
                        id: ExecutableWorkflow.unusedID("stage_in_executable_\(DirectoriesPass.sanitized(placement.transformation.name))", taken: &taken),
                        kind: .stageIn, transformation: "pegasus::transfer", site: "local", executor: StagingPass.executor, executable: "",
                        arguments: [], environment: [:], workingDirectory: bin, retries: context.options.defaultRetries, parents: [])
                    fetch.transfers = [PlannedTransfer(lfn: placement.transformation.name, source: pfn, destination: target,
                                                       sha256: placement.transformation.checksum?.sha256, executable: true)]
                    fetchers[target] = fetch.id
                    added.append(PlannedJob(job: fetch, parentIDs: []))
                }
                workflow.jobs[i].parentIDs.append(fetchers[target]!)
                workflow.jobs[i].job.executable = target
                continue
            }
            if staged.insert(target).inserted {
                workflow.stagedExecutables.append(StagedExecutable(source: local, target: target, transformation: placement.transformation.name))
            }
            workflow.jobs[i].job.executable = target
        }
        workflow.jobs.insert(contentsOf: added, at: 0)
    }
}
