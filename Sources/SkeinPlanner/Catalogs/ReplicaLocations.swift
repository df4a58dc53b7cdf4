import Foundation
import SkeinWorkflow

/// Where each input already exists: a local path on this machine (site `local`, or any
/// `file://` pfn), else a URL a stage-in job fetches (http, https, scp, sftp), with the
/// catalog's sha256 when it gives one.
struct ReplicaLocations {
    private var literal: [String: String] = [:]
    /// The catalog site of each local copy (`local` for a reused run's files).
    private var literalSite: [String: String] = [:]
    private var remote: [String: String] = [:]
    private var checksums: [String: String] = [:]

    /// URL schemes a stage-in job can fetch.
    static let remoteSchemes = ["http://", "https://", "scp://", "sftp://"]

    init(_ catalog: ReplicaCatalog?, catalogFile: String, reused: [ReusedReplica] = []) {
        for replica in catalog?.replicas ?? [] where replica.regex != true {
            if let sha = replica.checksum?.sha256, checksums[replica.lfn] == nil { checksums[replica.lfn] = sha }
            let preferred = replica.pfns.first { $0.site == "local" && !Self.isRemote($0.pfn) }
                ?? replica.pfns.first { $0.pfn.hasPrefix("file://") || $0.pfn.hasPrefix("/") }
            if let pfn = preferred, literal[replica.lfn] == nil, let path = CatalogPaths.localPath(pfn.pfn, relativeTo: catalogFile) {
                literal[replica.lfn] = path
                literalSite[replica.lfn] = pfn.site
            }
            // A URL Skein cannot fetch is still given to a stage-in job, when it is the only
            // copy, so the attempt fails with the reason (`validate` warns at once).
            if remote[replica.lfn] == nil, let url = replica.pfns.first(where: { Self.isRemote($0.pfn) })?.pfn
                ?? replica.pfns.first(where: { Self.isOtherURL($0.pfn) })?.pfn {
                remote[replica.lfn] = url
            }
        }
        // An earlier run's files count where the catalog has none (`--reuse`).
        for replica in reused where literal[replica.lfn] == nil && remote[replica.lfn] == nil {
            if Self.isRemote(replica.pfn) {
                remote[replica.lfn] = replica.pfn
            } else if let path = CatalogPaths.localPath(replica.pfn, relativeTo: catalogFile) {
                literal[replica.lfn] = path
                literalSite[replica.lfn] = "local"
            } else {
                continue
            }
            if let sha = replica.sha256, checksums[replica.lfn] == nil { checksums[replica.lfn] = sha }
        }
    }

    static func isRemote(_ pfn: String) -> Bool { remoteSchemes.contains { pfn.lowercased().hasPrefix($0) } }

    /// A URL of a scheme Skein does not transfer (gsiftp, s3, ...): not a local path.
    static func isOtherURL(_ pfn: String) -> Bool {
        guard let range = pfn.range(of: "://"), !pfn.lowercased().hasPrefix("file://") else { return false }
        return pfn[..<range.lowerBound].allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }
    }

    func localPath(of lfn: String) -> String? { literal[lfn] }

    /// The site the catalog gives the local copy of `lfn` (Pegasus's `site` of the pfn).
    func localSite(of lfn: String) -> String? { literalSite[lfn] }

    /// A URL to fetch, for a file with no copy on this machine.
    func remoteURL(of lfn: String) -> String? { literal[lfn] == nil ? remote[lfn] : nil }

    /// `remoteURL(of:)` for a file whose `localPath(of:)` was just found nil.
    func remoteURL(ofFileWithoutLocalCopy lfn: String) -> String? { remote.isEmpty ? nil : remote[lfn] }

    func sha256(of lfn: String) -> String? { checksums[lfn] }

    /// Whether the catalog has the file somewhere Skein can read it from.
    func exists(_ lfn: String) -> Bool { literal[lfn] != nil || remote[lfn] != nil }
}
