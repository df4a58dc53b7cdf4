import Foundation
import SkeinProperties
import SkeinRunFormat

/// Integrity checking and input links, as the properties ask: `pegasus.integrity.checking`
/// (`full`, Pegasus's default; `nosymlink`; `none`, also what `pegasus.mode` `development`
/// or `debug` implies), and each compute job's catalog sha256 for the files it reads that no
/// planned parent makes (the engine verifies them before the job starts, and the files
/// parents make against what the engine hashed when they were made). `pegasus.transfer.links`
/// (default false, as Pegasus) says whether replicas on this machine reach a job's folder as
/// symbolic links or as hard links (copies across filesystems). As in Pegasus, integrity
/// checking is PegasusLite's (nonsharedfs, condorio): a job on a sharedfs site has no input
/// verified, and a plan whose every compute job is on a sharedfs site hashes nothing either
/// (the dial is `none`, whatever the property says).
struct IntegrityPass: PlannerPass {
    let name = "integrity"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        let properties = context.options.properties ?? PegasusProperties(values: [:])
        workflow.transferLinks = Self.flag(properties["pegasus.transfer.links"])
        if let value = properties["pegasus.integrity.checking"] {
            guard let dial = IntegrityChecking(rawValue: value.trimmingCharacters(in: .whitespaces)) else {
                workflow.problems.append("pegasus.integrity.checking is '\(value)'; use full (the default), nosymlink or none")
                return
            }
            workflow.integrityChecking = dial
        } else if let mode = properties["pegasus.mode"], ["development", "debug"].contains(mode.lowercased()) {
            workflow.integrityChecking = IntegrityChecking.none
        } else {
            workflow.integrityChecking = .full
        }
        // Each site of a compute job once, in job order (DirectoriesPass's way of finding them).
        var computeSites: [String] = []
        var seenSites = Set<String>()
        for i in workflow.jobs.indices {
            let kind = workflow.jobs[i].job.kind
            if kind.isCompute && !kind.isSubworkflow && seenSites.insert(workflow.jobs[i].job.site).inserted { computeSites.append(workflow.jobs[i].job.site) }
        }
        let layout = StagingLayout(sites: computeSites, context)
        if !computeSites.isEmpty && !computeSites.contains(where: layout.sandboxed) { workflow.integrityChecking = IntegrityChecking.none }
        guard workflow.integrityChecking != IntegrityChecking.none else { return }
        for i in workflow.jobs.indices {
            guard let abstract = workflow.jobs[i].abstractIndex, layout.sandboxed(workflow.jobs[i].job.site) else { continue }
            let parents = workflow.plannedParents(of: abstract, context)
            var checksums: [String: String] = [:]
            for lfn in workflow.jobs[i].job.inputs {
                guard let sha = context.replicas.sha256(of: lfn), !context.madeByParent(lfn, parents: parents) else { continue }
                checksums[lfn] = sha
            }
            workflow.jobs[i].job.inputChecksums = checksums
        }
    }

    /// Pegasus's boolean properties: true, yes or on (any case); anything else is false.
    static func flag(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["true", "yes", "on"].contains(value.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
