import Foundation

/// Turns a catalog's path or URL into a local file path.
///
/// A relative path is taken relative to the folder of the catalog file that wrote it (or of
/// the workflow, for embedded catalogs). Pegasus wants absolute paths; this Skein extension
/// lets a workflow folder travel with its data and scripts.
public enum CatalogPaths {
    /// The absolute local path of `pfn`, or nil when it is a remote URL (`https://`,
    /// `scp://`, ...). `file://scratch` (no third slash) is relative, as `scratch` is.
    public static func localPath(_ pfn: String, relativeTo catalogFile: String) -> String? {
        var path = pfn
        if path.hasPrefix("file://") { path = String(path.dropFirst("file://".count)) } else if path.utf8.contains(UInt8(ascii: ":")), path.contains("://") { return nil }
        if path.hasPrefix("/") { return path }
        let directory = absolute((catalogFile as NSString).deletingLastPathComponent)
        return ((directory as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// `path` made absolute against the current directory.
    public static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let cwd = FileManager.default.currentDirectoryPath
        return ((path.isEmpty ? cwd : (cwd as NSString).appendingPathComponent(path)) as NSString).standardizingPath
    }
}
