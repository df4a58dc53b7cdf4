#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinRunFormat

/// The folder of its own a sandboxed job (nonsharedfs, condorio) runs in, for one attempt:
/// made fresh and private (`mkdtemp`) under the sandbox's root, its inputs brought in as hard
/// links (copies across filesystems), its outputs taken back by rename (copies across
/// filesystems) once the attempt succeeded, then removed. Each attempt starts from the
/// staging site's files, as a PegasusLite job or an HTCondor sandbox does.
enum SandboxFolder {
    /// Makes the attempt's folder and brings the inputs in; the folder, or why not. A later
    /// attempt first removes the folders earlier ones left (an engine killed mid-job leaves
    /// its sandbox behind; the job is not running now, so none of them is in use).
    /// An emptied folder of an earlier job is reused when `spares` has one (`SandboxSpares`).
    static func make(_ sandbox: JobSandbox, jobID: String, attempt: Int = 0, spares: SandboxSpares? = nil) -> Result<String, EngineError> {
        if attempt > 0 { removeEarlier(sandbox, jobID: jobID) }
        let folder: String
        if let reused = spares?.take(root: sandbox.root, jobID: jobID) {
            folder = reused
        } else {
            var template = Array(((sandbox.root as NSString).appendingPathComponent("\(jobID).sandbox-XXXXXX")).utf8CString)
            guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
                return .failure(EngineError("cannot make the job's folder in \(sandbox.root): \(String(cString: strerror(errno)))"))
            }
            folder = String(cString: made)
        }
        // Inputs at a URL are fetched on a worker before the attempt starts (PreparingExecutor).
        for file in sandbox.inputs where !SandboxTransfers.isURL(file.path) {
            guard let target = JobFolderPath.inside(folder, file.lfn) else { continue }
            if let problem = place(file.path, at: target, move: false) {
                remove(folder, known: sandbox.inputs.map(\.lfn))
                return .failure(EngineError("input \(file.lfn): \(problem)"))
            }
        }
        return .success(folder)
    }

    /// The job's folders of earlier attempts under the sandbox's root (`<job>.sandbox-XXXXXX`).
    private static func removeEarlier(_ sandbox: JobSandbox, jobID: String) {
        let prefix = "\(jobID).sandbox-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: sandbox.root)) ?? []
        where name.hasPrefix(prefix) && name.count == prefix.count + 6 {
            try? FileManager.default.removeItem(atPath: (sandbox.root as NSString).appendingPathComponent(name))
        }
    }

    /// Takes the outputs back to the staging site's scratch; the first problem, if any.
    static func takeBack(_ sandbox: JobSandbox, from folder: String) -> String? {
        for file in sandbox.outputs where !SandboxTransfers.isURL(file.path) {
            guard let source = JobFolderPath.inside(folder, file.lfn) else { continue }
            var info = stat()
            guard lstat(source, &info) == 0 else { continue }  // the output checks judged it already
            if let problem = place(source, at: file.path, move: true) { return "output \(file.lfn): \(problem)" }
        }
        return SandboxTransfers.putOutputs(sandbox, from: folder)
    }

    /// Removes the folder: the names the plan knows with one `unlink` each, then `rmdir`;
    /// only a folder the job left more in is walked (FileManager's walk costs milliseconds,
    /// which a run of many short jobs would pay on every one).
    /// With `spares`, an emptied folder is kept for the next job instead (`SandboxSpares`).
    static func remove(_ folder: String, known names: [String] = [], keepingIn spares: SandboxSpares? = nil) {
        for name in names {
            if let path = JobFolderPath.inside(folder, name) { unlink(path) }
        }
        if let spares, spares.keep(folder) { return }
        if rmdir(folder) == 0 || errno == ENOENT { return }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// `source` at `target`: a hard link (or a rename, when moving), else a copy.
    /// The target's folder is made only when the link or rename says it is missing (an lfn
    /// with a `/`): most names sit right in the folder, and a check per file costs syscalls.
    private static func place(_ source: String, at target: String, move: Bool) -> String? {
        let attempt = { move ? rename(source, target) : link(source, target) }
        if attempt() == 0 { return nil }
        var why = errno
        if why == ENOENT, access(source, F_OK) == 0 {
            try? FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if attempt() == 0 { return nil }
            why = errno
        }
        guard why == EXDEV || why == EPERM || why == EMLINK || why == EEXIST else {
            return "\(source): \(String(cString: strerror(why)))"
        }
        do {
            if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
            try FileManager.default.copyItem(atPath: source, toPath: target)
            return nil
        } catch {
            return "cannot copy \(source) to \(target): \(error.localizedDescription)"
        }
    }
}
