#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Emptied sandbox folders kept for the next jobs under the same root, so a run of many
/// short jobs does not make and remove a directory per job: on ext4 every new directory is
/// placed by the Orlov allocator in a block group of its own (an inode bitmap scan under a
/// lock the job's other file work waits on), which cost condorio more than the rest of its
/// sandbox work together (`Benchmarks/sandbox-cost.sh`). A folder is kept only when it is
/// empty (checked by reading it, not assumed), still ours and private (mode 0700): a reused
/// folder is then what `mkdtemp` would have given. It takes a job's name by `rename`, so a
/// retry and a resume find and remove a job's stale sandbox as before. The run removes the
/// spares when it ends (`removeAll`); the empty `.spare.sandbox-XXXXXX` folders an engine
/// killed meanwhile left are removed when the run resumes (`removeLeftovers`).
final class SandboxSpares: @unchecked Sendable {
    private let lock = NSLock()
    private var spares: [String: [String]] = [:]
    private var closed = false
    /// Enough for every slot of a busy local run; more only while many jobs end at once.
    static let perRoot = 64

    /// A spare folder under `root` renamed to `<jobID>.sandbox-XXXXXX`, or nil (make one).
    func take(root: String, jobID: String) -> String? {
        while let spare = lock.withLock({ spares[root]?.popLast() }) {
            let suffix = String(spare.suffix(6))
            let folder = (root as NSString).appendingPathComponent("\(jobID).sandbox-\(suffix)")
            // A directory renamed over a name replaces only an empty directory: a stale
            // sandbox holding files fails it (ENOTEMPTY), and the spare is given up.
            if rename(spare, folder) == 0 { return folder }
            rmdir(spare)
        }
        return nil
    }

    /// Keeps `folder` (its known names already unlinked) when it is empty and private;
    /// false when it was not kept (the caller removes it).
    func keep(_ folder: String) -> Bool {
        let root = (folder as NSString).deletingLastPathComponent
        guard lock.withLock({ !closed && spares[root, default: []].count < Self.perRoot }), Self.isEmptyPrivateFolder(folder) else { return false }
        let spare = (root as NSString).appendingPathComponent(Self.sparePrefix + folder.suffix(6))
        guard rename(folder, spare) == 0 else { return false }
        let kept = lock.withLock { () -> Bool in
            guard !closed else { return false }
            spares[root, default: []].append(spare)
            return true
        }
        if !kept { rmdir(spare) }
        return true
    }

    /// Removes every spare folder; later folders are removed, not kept.
    func removeAll() {
        let all = lock.withLock { () -> [String] in
            closed = true
            defer { spares = [:] }
            return spares.values.flatMap { $0 }
        }
        for spare in all { rmdir(spare) }
    }

    /// Removes the spare folders an engine killed mid-run left under these roots (done once
    /// when a run resumes: one listing per root, not per job).
    static func removeLeftovers(roots: Set<String>) {
        for root in roots.sorted() {
            guard let directory = opendir(root) else { continue }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                if name.hasPrefix(sparePrefix) && name.utf8.count == sparePrefix.utf8.count + 6 { names.append(name) }
            }
            closedir(directory)
            for name in names {
                let spare = (root as NSString).appendingPathComponent(name)
                if rmdir(spare) != 0 { try? FileManager.default.removeItem(atPath: spare) }
            }
        }
    }

    static let sparePrefix = ".spare.sandbox-"

    /// A directory of this user's, mode 0700, with nothing in it but `.` and `..`.
    private static func isEmptyPrivateFolder(_ folder: String) -> Bool {
        var info = stat()
        guard lstat(folder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_mode & 0o7777 == 0o700, info.st_uid == getuid(),
            let directory = opendir(folder)
        else { return false }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name != "." && name != ".." { return false }
        }
        return true
    }
}
