import Foundation
import SkeinRunFormat
import SkeinTransfer

/// A sandbox's files that are not on this machine's filesystem: inputs on a staging site
/// served by a file server (its `get` URL: sftp, scp, http) or read straight from their
/// replica (bypassed staging), and outputs put back through the staging site's `put` URL.
/// They are moved by one `TransferEngine` shared by every sandbox of the process (libcurl, no
/// process per file), as PegasusLite's pegasus-transfer moves them on a worker node.
/// Local paths stay links (`SandboxFolder`).
enum SandboxTransfers {
    /// Made the first time a sandbox needs it: runs without a served staging site pay nothing.
    private static let engine = TransferEngine(settings: EngineTransferSettings.make())

    /// A URL, not a path on this machine.
    static func isURL(_ path: String) -> Bool { !path.hasPrefix("/") && path.contains("://") }

    /// Whether the job's sandbox fetches inputs from URLs.
    static func fetches(_ job: ExecutableJob) -> Bool { job.sandbox?.inputs.contains { isURL($0.path) } ?? false }

    /// Whether it puts outputs to URLs.
    static func puts(_ job: ExecutableJob) -> Bool { job.sandbox?.outputs.contains { isURL($0.path) } ?? false }

    /// Fetches the URL inputs into the attempt's folder; the first failure in one line.
    static func fetchInputs(_ sandbox: JobSandbox, into folder: String) -> String? {
        let pairs = sandbox.inputs.filter { isURL($0.path) }.compactMap { file in
            JobFolderPath.inside(folder, file.lfn).map { (source: file.path, destination: $0, lfn: file.lfn) }
        }
        return move(pairs).map { "input \($0)" }
    }

    /// Puts the outputs whose place is a URL back from the attempt's folder (the ones the
    /// job did not make are the post-run checks' to judge); the first failure in one line.
    static func putOutputs(_ sandbox: JobSandbox, from folder: String) -> String? {
        let pairs = sandbox.outputs.filter { isURL($0.path) }.compactMap { file -> (source: String, destination: String, lfn: String)? in
            guard let source = JobFolderPath.inside(folder, file.lfn), FileManager.default.fileExists(atPath: source) else { return nil }
            return (source, file.path, file.lfn)
        }
        return move(pairs).map { "output \($0)" }
    }

    /// Moves every pair at once and waits for the last.
    private static func move(_ pairs: [(source: String, destination: String, lfn: String)]) -> String? {
        guard !pairs.isEmpty else { return nil }
        let group = DispatchGroup()
        let failures = Failures()
        for pair in pairs {
            group.enter()
            engine.start(TransferRequest(source: pair.source, destination: pair.destination)) { outcome in
                if let error = outcome.error { failures.add("\(pair.lfn): \(error.message)") }
                group.leave()
            }
        }
        group.wait()
        return failures.summary
    }

    /// The failures of one move, as they arrive from the transfer thread.
    private final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []

        func add(_ line: String) { lock.withLock { lines.append(line) } }

        /// The first, with how many more.
        var summary: String? { lock.withLock { lines.first.map { lines.count > 1 ? "\($0) (and \(lines.count - 1) more)" : $0 } } }
    }
}
