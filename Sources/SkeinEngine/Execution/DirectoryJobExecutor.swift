#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinRunFormat

/// Runs create_dir jobs in the engine's process. The job's folder (its site's scratch for
/// the run) must be this user's own private folder: planning made it so; if it is gone, it is
/// made again fresh and 0700 after the folders above it are checked (never `mkdir -p`, which
/// would accept a folder someone else made and follow the umask); one that another user
/// owns, one open to others or a link is refused, naming what is wrong. The other folders in
/// `arguments` (the output site's storage) are made as the user's ordinary folders.
public final class DirectoryJobExecutor: JobExecutor, @unchecked Sendable {
    private let worker = DispatchQueue(label: "skein.create-dir", qos: .utility)

    public init() {}

    public func start(_ launch: AttemptLaunch, progress: @escaping @Sendable (AttemptProgress) -> Void, ended: @escaping @Sendable (AttemptEnd) -> Void) -> Bool {
        progress(.running(host: nil))
        worker.async {
            let start = Date().timeIntervalSince1970
            var log: [String] = []
            var errors: [String] = []
            do {
                log.append(try Self.makePrivate(launch.planned.workingDirectory))
            } catch {
                errors.append("\(error)")
            }
            for folder in launch.planned.arguments where errors.isEmpty {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    log.append("\(folder): ready")
                } catch {
                    errors.append("\(folder): cannot create it: \(error.localizedDescription)")
                }
            }
            try? (log.joined(separator: "\n") + "\n").write(toFile: launch.spec.stdout, atomically: false, encoding: .utf8)
            try? (errors.isEmpty ? "" : errors.joined(separator: "\n") + "\n").write(toFile: launch.spec.stderr, atomically: false, encoding: .utf8)
            let message = errors.first
            ended(AttemptEnd(.completed(succeeded: errors.isEmpty, exitCode: errors.isEmpty ? 0 : 1, start: start, end: Date().timeIntervalSince1970,
                                        message: message), reason: message))
        }
        return true
    }

    /// A folder check is over in a moment: nothing to stop.
    public func stop(job: Int, attempt: Int, force: Bool) {}

    public func cleanUpOrphan(_ id: String, job: String, workflowUUID: String) {}

    /// Checks `folder` is this user's private folder, or makes it fresh; returns the log line.
    static func makePrivate(_ folder: String) throws -> String {
        var info = stat()
        if lstat(folder, &info) != 0 {
            guard errno == ENOENT else { throw EngineError("\(folder): \(String(cString: strerror(errno)))") }
            guard try PrivateDirectory.create(folder, exclusive: true) else {
                throw EngineError("\(folder): appeared while it was being made; plan the workflow again")
            }
            return "\(folder): was gone, made again (private, 0700)"
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw EngineError("\(folder): is not a folder (a link or a file is there); it is not the scratch planned for this run: plan the workflow again")
        }
        guard info.st_uid == geteuid() else {
            let owner = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "user \(info.st_uid)"
            throw EngineError("\(folder): belongs to \(owner), not to you; it is not the scratch planned for this run: plan the workflow again")
        }
        guard info.st_mode & 0o077 == 0 else {
            let mode = String(info.st_mode & 0o777, radix: 8)
            throw EngineError("\(folder): is open to other users (mode \(mode)); the scratch planned for this run is private (0700): remove it and plan again, or chmod 700 it if it is yours")
        }
        return "\(folder): ready (private)"
    }
}
