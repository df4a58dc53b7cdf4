#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The stdout and stderr files of the next local job of a chain or pipeline, made while the job
/// before it runs. A job's start waits for its two files (the spawner opens them before exec);
/// on ext4 a new file costs tens of microseconds, a file that is already there almost nothing,
/// so making them early takes that cost off the path from one job's end to the next one's start.
extension WorkflowEngine {
    /// The most children of one job whose files are made early: a chain has one; a fan-out's
    /// thousands would keep the engine busy while the job before them runs.
    static let preparedChildrenLimit = 2

    /// Makes the files of the local jobs `job`'s success would make ready (it is the last
    /// parent they wait for), for the attempt each would start as.
    func prepareOutputs(ofChildrenOf job: Int) {
        for (child, attempt) in scheduler.nextInLine(after: job, limit: Self.preparedChildrenLimit) where preparedOutputs[child] == nil {
            // A declared stdout or stderr is made in the job's working folder by the job's
            // own start: nothing to make here. Batch jobs write theirs on the node.
            guard plan.jobs[child].executor == "local", plan.jobs[child].stdout == nil, plan.jobs[child].stderr == nil else { continue }
            let id = plan.jobs[child].id
            let folder = layout.jobFolder(child)
            if createdFolders.insert(folder).inserted { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            let paths = [layout.stdout(child, id, attempt: attempt), layout.stderr(child, id, attempt: attempt)]
            for path in paths {
                // Not truncated: a file already there (a resumed run) is the spawner's to truncate.
                let fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
                if fd >= 0 { close(fd) }
            }
            preparedOutputs[child] = (attempt, paths)
        }
    }

    /// `job` starts `attempt`: its prepared files are its own now, or, made for another
    /// attempt, are removed.
    func takePreparedOutputs(of job: Int, attempt: Int) {
        guard let prepared = preparedOutputs.removeValue(forKey: job), prepared.attempt != attempt else { return }
        Self.removeUnused(prepared.paths)
    }

    /// Removes the prepared files no attempt of `job` will use (it will not run), or, for nil,
    /// those of every job (the workflow ended before they ran).
    func discardPreparedOutputs(of job: Int? = nil) {
        if let job {
            if let prepared = preparedOutputs.removeValue(forKey: job) { Self.removeUnused(prepared.paths) }
            return
        }
        for prepared in preparedOutputs.values { Self.removeUnused(prepared.paths) }
        preparedOutputs.removeAll()
    }

    /// Unlinks the files that are still empty (nothing wrote to them).
    private static func removeUnused(_ paths: [String]) {
        for path in paths {
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size == 0 { unlink(path) }
        }
    }
}
