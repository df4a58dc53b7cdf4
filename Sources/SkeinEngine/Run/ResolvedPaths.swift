#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinKickstart

/// realpath(3) of the files a kickstart record names (the executable, the outputs, stdout and
/// stderr), without resolving every component of every path again. realpath costs one
/// `readlink` per path component, about 25 system calls per local job, and the folders
/// (the run's job folders, the scratch folder, /bin) are the same for thousands of jobs: each
/// folder is resolved once per engine, and a file that is not itself a symbolic link is its
/// folder's real path plus its name. A link is resolved in full, as realpath would.
final class ResolvedPaths: @unchecked Sendable {
    private let lock = NSLock()
    /// Folder -> its real path (nil: it does not resolve). Folders do not change during a run.
    private var folders: [String: String?] = [:]
    /// Executable -> its real path: the same few programs (often links, /bin/sh) for every job.
    private var executables: [String: String?] = [:]

    /// The real path of an executable, resolved once per engine.
    func executable(_ path: String) -> String? { cached(path, in: \.executables) }

    /// What `FileEntry.realPath(path)` returns, from the folder cache when it can.
    func realPath(_ path: String) -> String? {
        guard let slash = path.lastIndex(of: "/") else { return FileEntry.realPath(path) }
        let name = path[path.index(after: slash)...]
        if name.isEmpty || name == "." || name == ".." { return FileEntry.realPath(path) }
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        if info.st_mode & S_IFMT == S_IFLNK { return FileEntry.realPath(path) }
        let folder = slash == path.startIndex ? "/" : String(path[..<slash])
        guard let resolved = resolvedFolder(folder) else { return nil }
        return resolved == "/" ? "/" + name : resolved + "/" + name
    }

    /// The real path of a file known not to be a symbolic link (just lstat'ed): its folder's
    /// real path and its name.
    func realPath(notALink path: String) -> String? {
        guard let slash = path.lastIndex(of: "/") else { return FileEntry.realPath(path) }
        let name = path[path.index(after: slash)...]
        if name.isEmpty || name == "." || name == ".." { return FileEntry.realPath(path) }
        let folder = slash == path.startIndex ? "/" : String(path[..<slash])
        guard let resolved = resolvedFolder(folder) else { return nil }
        return resolved == "/" ? "/" + name : resolved + "/" + name
    }

    private func resolvedFolder(_ folder: String) -> String? { cached(folder, in: \.folders) }

    /// `FileEntry.realPath(path)`, once per path in `cache` (resolved outside the lock).
    private func cached(_ path: String, in cache: ReferenceWritableKeyPath<ResolvedPaths, [String: String?]>) -> String? {
        if let known = lock.withLock({ self[keyPath: cache][path] }) { return known }
        let resolved = FileEntry.realPath(path)
        lock.withLock { self[keyPath: cache][path] = .some(resolved) }
        return resolved
    }
}
