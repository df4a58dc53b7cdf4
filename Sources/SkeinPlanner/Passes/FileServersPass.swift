import Foundation
import SkeinRunFormat
import SkeinWorkflow

/// A staging site whose `sharedScratch` has file servers of another scheme than `file`
/// (sftp, scp, http) is reached through them, as Pegasus reaches it: transfers *to* its
/// scratch (stage-in, inter-site, a sandbox's outputs taken back) write through its `put`
/// server, and everything that reads *from* it (a sandbox's inputs, stage-out, inter-site)
/// through its `get` server; either falls back to an `all` server. The URL of a file is the
/// server's URL followed by the file's place under the directory's `path`, as Pegasus builds
/// it (`SiteStore.getExternalWorkDirectoryURL`). The passes before work with the folder on
/// this machine; this one rewrites what they planned, so a site served by `file://` URLs
/// (or by none) keeps its plain paths and its hard links.
struct FileServersPass: PlannerPass {
    let name = "file servers"

    /// One staging site's scratch folder and the URLs that stand for it.
    struct Served: Equatable {
        var folder: String
        var put: String?
        var get: String?

        /// `path` (in `folder`) through `server`, or nil when it is not in the folder.
        func url(_ path: String, _ server: String?) -> String? {
            guard let server, path.hasPrefix(folder + "/") else { return nil }
            return server + path.dropFirst(folder.count)
        }
    }

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        let served = workflow.scratchBySite.keys.sorted().compactMap { site in
            workflow.scratchBySite[site].flatMap { Self.served(site: site, folder: $0, context) }
        }
        guard !served.isEmpty else { return }
        func reading(_ path: String) -> String { served.lazy.compactMap { $0.url(path, $0.get) }.first ?? path }
        func writing(_ path: String) -> String { served.lazy.compactMap { $0.url(path, $0.put) }.first ?? path }
        for i in workflow.jobs.indices {
            // A container image is loaded on this machine from the scratch path it was staged to.
            let keepsPaths = workflow.jobs[i].job.id.hasPrefix("stage_in_container_")
            for t in workflow.jobs[i].job.transfers.indices where !keepsPaths {
                workflow.jobs[i].job.transfers[t].source = reading(workflow.jobs[i].job.transfers[t].source)
                workflow.jobs[i].job.transfers[t].destination = writing(workflow.jobs[i].job.transfers[t].destination)
            }
            // Its paths whole first: a name in the folder is mapped as its path is.
            if workflow.jobs[i].pathsInFolder.contains(.sandbox) {
                workflow.jobs[i].job = workflow.jobs[i].job.wholePaths(.sandbox)
                workflow.jobs[i].pathsInFolder.remove(.sandbox)
            }
            guard var sandbox = workflow.jobs[i].job.sandbox else { continue }
            for n in sandbox.inputs.indices { sandbox.inputs[n].path = reading(sandbox.inputs[n].path) }
            for n in sandbox.outputs.indices { sandbox.outputs[n].path = writing(sandbox.outputs[n].path) }
            workflow.jobs[i].job.sandbox = sandbox
        }
    }

    /// The site's scratch `folder` with its put and get URLs, when a server of its
    /// sharedScratch is not a `file://` one.
    static func served(site: String, folder: String, _ context: PlanningContext) -> Served? {
        guard let directory = context.loaded.sites?.site(named: site)?.directory("sharedScratch"), let path = directory.path,
            let base = CatalogPaths.localPath(path, relativeTo: context.loaded.sitesFile), folder.hasPrefix(base + "/") else { return nil }
        let relative = String(folder.dropFirst(base.count))
        func server(_ operation: String) -> String? {
            let chosen = directory.fileServers.first { $0.operation == operation }
                ?? directory.fileServers.first { ($0.operation ?? "all") == "all" }
            guard let url = chosen?.url, url.contains("://"), !url.lowercased().hasPrefix("file://") else { return nil }
            return (url.hasSuffix("/") ? String(url.dropLast()) : url) + relative
        }
        let result = Served(folder: folder, put: server("put"), get: server("get"))
        return result.put == nil && result.get == nil ? nil : result
    }
}
