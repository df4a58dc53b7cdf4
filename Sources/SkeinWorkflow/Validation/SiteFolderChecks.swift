import Foundation

/// A site's scratch and storage folders are where runs make folders, write job files and
/// (with cleanup) remove them. A site catalog that names `/`, or a system folder such as
/// `/etc` or `/usr`, would have Skein (often run as root on a workstation or in a
/// container) create and delete files among the system's own: each is a located error.
extension WorkflowValidator {
    /// System folders nothing of a run may go in, nor under.
    static let systemFolderTrees = ["/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/dev", "/proc", "/sys"]
    /// Folders that hold others' folders: a run may go under them (`/home/me/scratch`), not in them.
    static let sharedTopFolders = ["/", "/var", "/run", "/home", "/opt", "/srv", "/mnt", "/media"]

    mutating func checkSiteFolders() {
        for site in loaded.sites?.sites ?? [] {
            for dir in site.directories {
                guard let path = dir.path, let problem = Self.systemFolderProblem(path) else { continue }
                error("system-folder", sitesFile, dir.mark, "\(dir.type) folder of site '\(site.name)' is \(path), \(problem)",
                      hint: "give a folder of its own, such as /scratch/$USER or a folder in your home")
            }
        }
    }

    /// Why `path` may not be a site folder, or nil. Relative paths and URLs are left alone.
    static func systemFolderProblem(_ path: String) -> String? {
        let local = path.hasPrefix("file://") ? String(path.dropFirst("file://".count)) : path
        guard local.hasPrefix("/") else { return nil }
        let normal = lexicallyNormal(local)
        if normal == "/" { return "the root of the file system" }
        if sharedTopFolders.contains(normal) { return "a system folder that holds others' folders" }
        if let tree = systemFolderTrees.first(where: { normal == $0 || normal.hasPrefix($0 + "/") }) {
            return normal == tree ? "a system folder" : "inside the system folder \(tree)"
        }
        return nil
    }

    /// `/tmp/../` as `/`: `.`, `..` and repeated `/` resolved without the file system.
    static func lexicallyNormal(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
