import SkeinWorkflow

/// Local paths of replicas on this machine (site `local`, or any `file://` pfn).
struct ReplicaLocations {
    private var literal: [String: String] = [:]

    init(_ catalog: ReplicaCatalog?, catalogFile: String) {
        for replica in catalog?.replicas ?? [] where replica.regex != true {
            let preferred = replica.pfns.first { $0.site == "local" } ?? replica.pfns.first { $0.pfn.hasPrefix("file://") || $0.pfn.hasPrefix("/") }
            if let pfn = preferred, literal[replica.lfn] == nil, let path = CatalogPaths.localPath(pfn.pfn, relativeTo: catalogFile) {
                literal[replica.lfn] = path
            }
        }
    }

    func localPath(of lfn: String) -> String? { literal[lfn] }
}
