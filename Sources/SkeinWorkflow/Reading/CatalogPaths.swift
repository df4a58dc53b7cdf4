import Foundation

/// Turns a catalog's path or URL into a local file path.
///
/// A relative path is taken relative to the folder of the catalog file that wrote it (or of
/// the workflow, for embedded catalogs). Pegasus wants absolute paths; this Skein extension
/// lets a workflow folder travel with its data and scripts.
public enum CatalogPaths {
    /// The local path of `pfn`, or nil when it is a remote URL (`https://`, `scp://`, ...).
    public static func localPath(_ pfn: String, relativeTo catalogFile: String) -> String? {
        if pfn.hasPrefix("file://") { return String(pfn.dropFirst("file://".count)) }
        if pfn.hasPrefix("/") { return pfn }
        if pfn.contains("://") { return nil }
        let directory = (catalogFile as NSString).deletingLastPathComponent
        let joined = directory.isEmpty ? pfn : (directory as NSString).appendingPathComponent(pfn)
        return (joined as NSString).standardizingPath
    }
}
