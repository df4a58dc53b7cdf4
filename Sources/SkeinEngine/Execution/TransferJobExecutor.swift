import Foundation
import SkeinKickstart
import SkeinProvenance
import SkeinRunFormat
import SkeinTransfer

/// Runs the data jobs in the engine's process: stage-in and stage-out (every file goes to one
/// shared `TransferEngine`: libcurl, no process per file), cleanup (removals) and
/// registration (the output replica catalog). The attempt ends when the last file has; the
/// job's stdout lists what was done (bytes, seconds, tries), its stderr why files failed, one
/// line each, as pegasus-transfer's log would; the attempt's reason is the first failure.
/// Nothing runs on the engine's queue: removals and hashing for registration go to a worker.
public final class TransferJobExecutor: JobExecutor, @unchecked Sendable {
    private let transfers: TransferEngine
    private let lock = NSLock()
    private let worker = DispatchQueue(label: "skein.data-jobs", qos: .utility, attributes: .concurrent)
    /// Attempts still moving files, by job, and whether the engine asked them to stop.
    private var running: [Int: (attempt: Int, stopped: Bool, ended: @Sendable (AttemptEnd) -> Void)] = [:]

    public init(settings: TransferSettings = TransferSettings()) {
        transfers = TransferEngine(settings: settings)
    }

    public func start(_ launch: AttemptLaunch, progress: @escaping @Sendable (AttemptProgress) -> Void, ended: @escaping @Sendable (AttemptEnd) -> Void) -> Bool {
        let files = launch.planned.transfers
        let start = Date().timeIntervalSince1970
        lock.withLock { running[launch.job] = (launch.attempt, false, ended) }
        progress(.running(host: nil))
        if !launch.planned.removals.isEmpty {
            worker.async { [self] in removeFiles(launch, start: start) }
            return true
        }
        if !launch.planned.registrations.isEmpty {
            worker.async { [self] in register(launch, start: start) }
            return true
        }
        worker.async { [self] in
            // A stage-in run again (after a crash, or a retry) keeps the files an earlier
            // attempt put in place: they are whole (renamed only when complete) and verified.
            let kept = launch.planned.kind == .stageIn ? files.filter(Self.inPlace) : []
            if launch.planned.kind == .stageIn && launch.attempt > 0 { Self.removeStalePartials(of: files) }
            let pending = files.filter { !kept.contains($0) }
            guard !pending.isEmpty else { return finish(launch, outcomes: [], start: start, kept: kept) }
            let collected = Collected(count: pending.count)
            for file in pending {
                // A stage-in hashes what it fetches on the way, for the jobs that read it.
                let request = TransferRequest(
                    source: file.source, destination: file.destination, expectedSHA256: file.sha256, linkMode: file.link ? .hardLink : .copy,
                    computeSHA256: launch.planned.kind == .stageIn)
                let done: @Sendable (TransferOutcome) -> Void = { [self] outcome in
                    // A fetched program (a stageable executable at a URL) must be runnable.
                    if outcome.succeeded, file.executable == true { chmod(file.destination, 0o755) }
                    if let all = collected.add(outcome) { finish(launch, outcomes: all, start: start, kept: kept) }
                }
                if TransferRelay.needed(request) { TransferRelay.start(request, on: transfers, done: done) } else { transfers.start(request, done: done) }
            }
        }
        return true
    }

    /// The temporary files (`NAME.skein-partial.PID.N`) an earlier attempt's engine left when
    /// it was killed mid-transfer: removed once its process is gone (never this engine's own).
    static func removeStalePartials(of files: [PlannedTransfer]) {
        var names: [String: Set<String>] = [:]
        for file in files {
            let path = file.destination as NSString
            names[path.deletingLastPathComponent, default: []].insert(path.lastPathComponent)
        }
        for (folder, wanted) in names {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                guard let range = entry.range(of: ".skein-partial."), wanted.contains(String(entry[..<range.lowerBound])),
                      let pid = entry[range.upperBound...].split(separator: ".").first.flatMap({ Int32($0) }),
                      pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
                unlink((folder as NSString).appendingPathComponent(entry))
            }
        }
    }

    /// Whether a stage-in's file is already in the scratch folder (a regular file under its
    /// final name, with the catalog's sha256 when there is one).
    static func inPlace(_ file: PlannedTransfer) -> Bool {
        var info = stat()
        guard lstat(file.destination, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        guard let expected = file.sha256 else { return true }
        return (try? SHA256.hash(file: file.destination)) == expected.lowercased()
    }

    /// A transfer in flight cannot be taken back from libcurl here: the attempt ends as
    /// killed now, and its files, when they arrive, are complete ones (never partial).
    public func stop(job: Int, attempt: Int, force: Bool) {
        guard let entry = lock.withLock({ () -> (attempt: Int, stopped: Bool, ended: @Sendable (AttemptEnd) -> Void)? in
            guard let entry = running[job], entry.attempt == attempt, !entry.stopped else { return nil }
            running[job]?.stopped = true
            return entry
        }) else { return }
        let now = Date().timeIntervalSince1970
        entry.ended(AttemptEnd(.completed(succeeded: false, exitCode: nil, start: now, end: now, message: "transfers stopped"), reason: "transfers stopped"))
    }

    /// Nothing outlives the engine: transfers run in its process.
    public func cleanUpOrphan(_ id: String, job: String, workflowUUID: String) {}

    public func shutdown() { transfers.shutdown() }

    /// A registration job: each staged result into the run's output replica catalog, with
    /// its size and sha256 (read now, from the output site) and the workflow's metadata.
    private func register(_ launch: AttemptLaunch, start: Double) {
        var lines: [String] = []
        var errors: [String] = []
        var registered: [RegisteredReplica] = []
        var catalogs: [String: OutputReplicaCatalog] = [:]
        for registration in launch.planned.registrations {
            let path = registration.pfn.hasPrefix("file://") ? String(registration.pfn.dropFirst("file://".count)) : registration.pfn
            var metadata = registration.metadata
            var info = stat()
            if stat(path, &info) == 0 { metadata["size"] = String(info.st_size) }
            if let digest = try? SHA256.hash(file: path) {
                metadata["checksum.type"] = "sha256"
                metadata["checksum.value"] = digest
            } else {
                errors.append("\(registration.lfn): \(path) cannot be read to register it")
                continue
            }
            do {
                let catalog = try catalogs[registration.catalog] ?? OutputReplicaCatalog(path: registration.catalog)
                catalogs[registration.catalog] = catalog
                try catalog.register(lfn: registration.lfn, pfn: registration.pfn, site: registration.site, metadata: metadata)
                registered.append(RegisteredReplica(lfn: registration.lfn, pfn: registration.pfn, site: registration.site, metadata: metadata))
                lines.append("\(registration.lfn) \(registration.pfn) site=\"\(registration.site)\" checksum.value=\"\(metadata["checksum.value"] ?? "")\"")
            } catch {
                errors.append("\(registration.lfn): cannot write \(registration.catalog): \(error)")
            }
        }
        finishWork(launch, start: start, log: lines + ["Stats: registered \(lines.count) of \(launch.planned.registrations.count)"], errors: errors,
                   registered: registered)
    }

    /// Ends an attempt that did its work in this process, with its log and errors as the
    /// job's stdout and stderr.
    /// Checksums compared with the catalog's (`check`; inputs on stage-in, outputs on
    /// stage-out) and generated without one (`compute`, of the files the job wrote).
    static func integrity(of outcomes: [TransferOutcome], kind: JobKind) -> [IntegrityWork] {
        let files: IntegrityWork.Files = kind == .stageOut ? .output : .input
        let mismatched = outcomes.filter { $0.error?.kind == .integrity }
        let checked = outcomes.filter { $0.succeeded && $0.request.expectedSHA256 != nil } + mismatched
        let computed = outcomes.filter { $0.succeeded && $0.request.expectedSHA256 == nil && $0.sha256 != nil }
        var work: [IntegrityWork] = []
        if !checked.isEmpty {
            work.append(IntegrityWork(.check, files, count: checked.count, seconds: checked.reduce(0) { $0 + $1.checksumSeconds }, failed: mismatched.count))
        }
        if !computed.isEmpty { work.append(IntegrityWork(.compute, .output, count: computed.count, seconds: computed.reduce(0) { $0 + $1.checksumSeconds })) }
        return work
    }

    private func finishWork(_ launch: AttemptLaunch, start: Double, log: [String], errors: [String], integrity: [IntegrityWork] = [],
                            registered: [RegisteredReplica] = [], checksums: [String: String] = [:]) {
        guard let entry = lock.withLock({ () -> (attempt: Int, stopped: Bool, ended: @Sendable (AttemptEnd) -> Void)? in
            guard let entry = running[launch.job], entry.attempt == launch.attempt else { return nil }
            running[launch.job] = nil
            return entry
        }), !entry.stopped else { return }
        let end = Date().timeIntervalSince1970
        try? (log.joined(separator: "\n") + "\n").write(toFile: launch.spec.stdout, atomically: false, encoding: .utf8)
        try? (errors.isEmpty ? "" : errors.joined(separator: "\n") + "\n").write(toFile: launch.spec.stderr, atomically: false, encoding: .utf8)
        let message = errors.first.map { errors.count > 1 ? "\($0) (and \(errors.count - 1) more)" : $0 }
        var ended = AttemptEnd(.completed(succeeded: errors.isEmpty, exitCode: errors.isEmpty ? 0 : 1, start: start, end: end, message: message), reason: message)
        ended.integrity = integrity
        ended.registered = registered
        ended.producedChecksums = checksums
        entry.ended(ended)
    }

    /// A cleanup job: each path removed (a folder with its contents), a missing one is fine;
    /// nothing outside the job's folder (the run's scratch) is touched, whatever the plan says.
    private func removeFiles(_ launch: AttemptLaunch, start: Double) {
        let folder = launch.planned.workingDirectory
        var removed: [String] = []
        var errors: [String] = []
        for path in launch.planned.removals {
            // A lexical check: resolving links would follow a staged input link to its source.
            let standardized = path
            let components = path.split(separator: "/")
            guard (path == folder || path.hasPrefix(folder + "/")), !components.contains(".."), !components.contains(".") else {
                errors.append("\(path): not inside the scratch folder \(folder); not removed")
                continue
            }
            var info = stat()
            guard lstat(standardized, &info) == 0 else {
                if errno != ENOENT { errors.append("\(path): \(String(cString: strerror(errno)))") }
                continue
            }
            do {
                try FileManager.default.removeItem(atPath: standardized)
                removed.append(path)
            } catch {
                errors.append("\(path): cannot remove: \(error.localizedDescription)")
            }
        }
        finishWork(launch, start: start, log: removed.map { "removed \($0)" } + ["Stats: removed \(removed.count) of \(launch.planned.removals.count)"],
                   errors: errors)
    }

    private func finish(_ launch: AttemptLaunch, outcomes: [TransferOutcome], start: Double, kept: [PlannedTransfer] = []) {
        let failed = outcomes.filter { !$0.succeeded }
        var log = kept.map { "\($0.source) -> \($0.destination): already in place, kept" }
        log += outcomes.filter(\.succeeded).map { o in
            "\(o.request.source) -> \(o.request.destination): \(o.bytes) bytes in \(String(format: "%.3f", o.duration)) s by \(o.method)"
                + (o.attempts > 1 ? " after \(o.attempts) tries" : "") + (o.sha256.map { ", sha256 \($0)" } ?? "")
        }
        let bytes = outcomes.reduce(Int64(0)) { $0 + $1.bytes }
        log.append("Stats: \(outcomes.count - failed.count + kept.count) of \(outcomes.count + kept.count) files, \(bytes) bytes in \(String(format: "%.3f", Date().timeIntervalSince1970 - start)) s")
        let errors = failed.map { "\($0.error!.message)" + ($0.attempts > 1 ? " (after \($0.attempts) tries)" : "") }
        var checksums: [String: String] = [:]
        if launch.planned.kind == .stageIn {
            let lfns = Dictionary(launch.planned.transfers.map { ($0.destination, $0.lfn) }, uniquingKeysWith: { first, _ in first })
            for outcome in outcomes where outcome.succeeded {
                if let sha = outcome.sha256, let lfn = lfns[outcome.request.destination] { checksums[lfn] = sha }
            }
        }
        finishWork(launch, start: start, log: log, errors: errors, integrity: Self.integrity(of: outcomes, kind: launch.planned.kind), checksums: checksums)
    }
}

/// The outcomes of one attempt's files as they arrive from the transfer thread.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [TransferOutcome] = []
    private let count: Int

    init(count: Int) { self.count = count }

    /// All outcomes once the last one arrived, else nil.
    func add(_ outcome: TransferOutcome) -> [TransferOutcome]? {
        lock.withLock {
            outcomes.append(outcome)
            return outcomes.count == count ? outcomes : nil
        }
    }
}
