#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinRunFormat

/// Decides whether an attempt succeeded, as Pegasus does: exit code 0, not killed, the
/// failure message absent from stdout and stderr, the success message (when required)
/// present, and every declared output produced.
enum PostRunChecks {
    /// `startedAt` (wall-clock seconds) is when the attempt began: an output last changed
    /// before it is left over from an earlier attempt or run, not produced by this one.
    static func outcome(of termination: AttemptTermination, job: ExecutableJob, stdoutFile: String, stderrFile: String,
                        startedAt: Double = 0) -> AttemptOutcome {
        switch termination {
        case .process(let exit):
            if let failure = processFailure(exit, job: job) { return failure }
        case .completed(let succeeded, let exitCode, _, _, let message):
            if !succeeded {
                return AttemptOutcome(succeeded: false, exitCode: exitCode, reason: message ?? exitCode.map { "exit code \($0)" } ?? "failed")
            }
        }
        return outputChecks(job: job, stdoutFile: stdoutFile, stderrFile: stderrFile, startedAt: startedAt)
    }

    /// Leeway for filesystem timestamps, which lag the clock (a coarse kernel tick, a file
    /// server's own clock): an output must be newer than the attempt's start less this.
    static let timestampLeeway = 1.0

    /// Why a process failed by itself (could not start, killed, non-zero exit), if it did.
    private static func processFailure(_ exit: ProcessExit, job: ExecutableJob) -> AttemptOutcome? {
        if let interruption = exit.interruption {
            return AttemptOutcome(succeeded: false, exitCode: nil, reason: interruption, interrupted: true)
        }
        if let error = exit.spawnError {
            // posix_spawn reports a missing working directory as the executable's ENOENT.
            var st = stat()
            if stat(job.workingDirectory, &st) != 0 {
                return AttemptOutcome(succeeded: false, exitCode: 127, reason: "working directory \(job.workingDirectory) does not exist")
            }
            if let missing = missingStdioFolder(job) {
                return AttemptOutcome(succeeded: false, exitCode: 127, reason: missing)
            }
            return AttemptOutcome(succeeded: false, exitCode: 127, reason: "could not start \(job.executable): \(String(cString: strerror(error)))")
        }
        if let signal = exit.signal {
            return AttemptOutcome(succeeded: false, exitCode: nil, reason: "killed by signal \(signal) (SIG\(signalName(signal)))")
        }
        let code = exit.exitCode ?? -1
        if code != 0 {
            return AttemptOutcome(succeeded: false, exitCode: code, reason: "exit code \(code)")
        }
        return nil
    }

    /// A declared stdin that is not there, or a declared stdout/stderr whose folder is not:
    /// the spawn fails on opening it, which posix_spawn reports as the executable's error.
    private static func missingStdioFolder(_ job: ExecutableJob) -> String? {
        var st = stat()
        if let stdin = job.stdin {
            let path = (job.workingDirectory as NSString).appendingPathComponent(stdin)
            if stat(path, &st) != 0 { return "stdin file \(path) does not exist" }
        }
        for (name, file) in [("stdout", job.stdout), ("stderr", job.stderr)] {
            guard let file else { continue }
            let folder = ((job.workingDirectory as NSString).appendingPathComponent(file) as NSString).deletingLastPathComponent
            if stat(folder, &st) != 0 { return "the folder \(folder) of the \(name) file \(file) does not exist" }
        }
        return nil
    }

    /// The checks of a run that ended well by itself: messages in its output, declared outputs.
    private static func outputChecks(job: ExecutableJob, stdoutFile: String, stderrFile: String, startedAt: Double) -> AttemptOutcome {
        if job.failureMessage != nil || job.successMessage != nil {
            let text = tail(stdoutFile) + "\n" + tail(stderrFile)
            if let failure = job.failureMessage, text.contains(failure) {
                return AttemptOutcome(succeeded: false, exitCode: 0, reason: "failure message found in the output: \"\(failure)\" (pegasus.exitcode.failuremsg)")
            }
            if let success = job.successMessage, !text.contains(success) {
                return AttemptOutcome(succeeded: false, exitCode: 0, reason: "success message missing from the output: \"\(success)\" (pegasus.exitcode.successmsg)")
            }
        }
        var stale: [String] = []
        let missing = job.outputs.filter { lfn in
            var st = stat()
            guard stat((job.workingDirectory as NSString).appendingPathComponent(lfn), &st) == 0 else { return true }
            let modified = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
            if modified < startedAt - timestampLeeway { stale.append(lfn) }
            return false
        }
        if !missing.isEmpty {
            return AttemptOutcome(succeeded: false, exitCode: 0, reason: "declared output\(missing.count == 1 ? "" : "s") not produced: \(missing.joined(separator: ", "))")
        }
        if !stale.isEmpty {
            return AttemptOutcome(succeeded: false, exitCode: 0,
                                  reason: "declared output\(stale.count == 1 ? "" : "s") not produced by this attempt (older than its start): \(stale.joined(separator: ", "))")
        }
        return .success
    }

    /// The last 16 MiB of a file: messages are searched there, as kickstart keeps no more.
    static func tail(_ path: String, limit: Int = 16 << 20) -> String {
        // Most jobs leave stderr (and many stdout) empty: a stat instead of opening them.
        var info = stat()
        guard stat(path, &info) == 0, info.st_size > 0 else { return "" }
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > UInt64(limit) ? size - UInt64(limit) : 0)
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }

    static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [1: "HUP", 2: "INT", 3: "QUIT", 4: "ILL", 6: "ABRT", 7: "BUS", 8: "FPE", 9: "KILL", 10: "USR1", 11: "SEGV", 12: "USR2", 13: "PIPE", 14: "ALRM", 15: "TERM", 24: "XCPU", 25: "XFSZ"]
        return names[signal] ?? String(signal)
    }
}
