import Foundation
import SkeinRunFormat

/// Wraps an executor with the file work around each attempt (`InputIntegrity`): replicas put
/// into the job's folder, inputs verified before the attempt is handed on, outputs hashed
/// after it ended well; stage-outs of files the run made are checked against those hashes.
/// Copying and hashing run on a worker queue, then the attempt is started on the engine's
/// queue, where executors expect it; an attempt needing neither is started at once. A
/// mismatch ends the attempt as failed, with a one-line reason, before anything ran: it is
/// retried like any failure.
final class PreparingExecutor: JobExecutor, @unchecked Sendable {
    let inner: JobExecutor
    private let checking: IntegrityChecking
    private let symbolicLinks: Bool
    private let produced: ProducedChecksums
    private let engineQueue: DispatchQueue
    private let worker = DispatchQueue(label: "skein.inputs", qos: .userInitiated, attributes: .concurrent)
    private let lock = NSLock()
    /// Attempts being prepared, by job: whoever takes the entry out (the preparation, or a
    /// stop) ends the attempt, so it ends once.
    private var preparing: [Int: (attempt: Int, ended: @Sendable (AttemptEnd) -> Void)] = [:]

    init(_ inner: JobExecutor, checking: IntegrityChecking, symbolicLinks: Bool, produced: ProducedChecksums, engineQueue: DispatchQueue) {
        self.inner = inner
        self.checking = checking
        self.symbolicLinks = symbolicLinks
        self.produced = produced
        self.engineQueue = engineQueue
    }

    var summary: String? { inner.summary }
    var makesSandboxes: Bool { inner.makesSandboxes }
    func startsEnded() { inner.startsEnded() }
    func recallWaiting() { inner.recallWaiting() }

    func start(_ launch: AttemptLaunch, progress: @escaping @Sendable (AttemptProgress) -> Void, ended: @escaping @Sendable (AttemptEnd) -> Void) -> Bool {
        var launch = launch
        let job = launch.planned
        if checking != .none && job.kind == .stageOut {
            for i in launch.planned.transfers.indices where launch.planned.transfers[i].sha256 == nil {
                launch.planned.transfers[i].sha256 = produced[launch.planned.transfers[i].lfn]
            }
        }
        let expected = checking == .none ? [] : InputIntegrity.expectedChecksums(job, produced: produced)
        // Sandbox inputs at a URL (a served staging site, bypassed staging) are fetched here,
        // unless the executor makes the sandbox where the job runs (skein-transfer does it there).
        let fetches = !inner.makesSandboxes && SandboxTransfers.fetches(job)
        guard !expected.isEmpty || fetches || InputIntegrity.copiesInputs(job, symbolic: symbolicLinks) else {
            InputIntegrity.placeInputs(job, symbolic: symbolicLinks)
            return inner.start(launch, progress: progress, ended: hashingOutputs(job, ended, checked: nil))
        }
        if !fetches, !InputIntegrity.copiesInputs(job, symbolic: symbolicLinks), InputIntegrity.smallEnoughToHashHere(job, expected.map(\.lfn)) {
            // A few small files: checked here, at once, instead of a hop to a worker and back.
            InputIntegrity.placeInputs(job, symbolic: symbolicLinks)
            let start = Date().timeIntervalSince1970
            let verification = InputIntegrity.verify(job, expected: expected, checking: checking)
            if let failure = verification.failure { return fail(launch, failure, verification, start: start, ended) }
            return inner.start(launch, progress: progress, ended: hashingOutputs(job, ended, checked: verification.work))
        }
        lock.withLock { preparing[launch.job] = (launch.attempt, ended) }
        let prepared = launch
        worker.async { [self] in
            let start = Date().timeIntervalSince1970
            let verification: InputIntegrity.Verification
            if fetches, let failure = SandboxTransfers.fetchInputs(job.sandbox!, into: job.workingDirectory) {
                verification = InputIntegrity.Verification(failure: failure)
            } else {
                InputIntegrity.placeInputs(job, symbolic: symbolicLinks)
                verification = InputIntegrity.verify(job, expected: expected, checking: checking)
            }
            engineQueue.async { [self] in
                guard lock.withLock({ () -> Bool in
                    guard let entry = preparing[prepared.job], entry.attempt == prepared.attempt else { return false }
                    preparing[prepared.job] = nil
                    return true
                }) else { return }
                if let failure = verification.failure {
                    _ = fail(prepared, failure, verification, start: start, ended)
                    return
                }
                _ = inner.start(prepared, progress: progress, ended: hashingOutputs(job, ended, checked: verification.work))
            }
        }
        return true
    }

    /// Ends an attempt whose inputs failed their check, before anything ran.
    private func fail(_ launch: AttemptLaunch, _ failure: String, _ verification: InputIntegrity.Verification, start: Double,
                      _ ended: @escaping @Sendable (AttemptEnd) -> Void) -> Bool {
        try? (failure + "\n").write(toFile: launch.spec.stderr, atomically: false, encoding: .utf8)
        var end = AttemptEnd(.completed(succeeded: false, exitCode: 1, start: start, end: Date().timeIntervalSince1970, message: failure), reason: failure)
        end.integrity = verification.work.map { [$0] } ?? []
        ended(end)
        return true
    }

    /// The attempt's end, with the input check's work and, when it ended well, the
    /// checksums of what it made recorded: a compute job's outputs hashed (on the worker
    /// queue) first, a stage-in's downloads as hashed on the way.
    private func hashingOutputs(_ job: ExecutableJob, _ ended: @escaping @Sendable (AttemptEnd) -> Void, checked: IntegrityWork?) -> @Sendable (AttemptEnd) -> Void {
        guard checking != .none else { return ended }
        let hashes = job.kind.isCompute && !job.outputs.isEmpty
        return { [self] end in
            var end = end
            if let checked { end.integrity.insert(checked, at: 0) }
            guard InputIntegrity.endedWell(end.termination) else { return ended(end) }
            if !end.producedChecksums.isEmpty { produced.record(end.producedChecksums.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }) }
            guard hashes else { return ended(end) }
            // A few small outputs (most jobs') are hashed on the thread that reports the end;
            // big ones on a worker, so the next job's end is not held up behind them.
            let here = InputIntegrity.smallEnoughToHashHere(job, job.outputs)
            let checkedEnd = end
            let hash: @Sendable () -> Void = { [self] in
                var end = checkedEnd
                if let hashed = InputIntegrity.hashOutputs(job, produced: produced) {
                    end.integrity.append(hashed.work)
                    end.outputChecksums = hashed.checksums
                }
                ended(end)
            }
            if here { hash() } else { worker.async(execute: hash) }
        }
    }

    /// An attempt still being prepared ends now as stopped; one handed on is the inner
    /// executor's to stop.
    func stop(job: Int, attempt: Int, force: Bool) {
        let waiting = lock.withLock { () -> (@Sendable (AttemptEnd) -> Void)? in
            guard let entry = preparing[job], entry.attempt == attempt else { return nil }
            preparing[job] = nil
            return entry.ended
        }
        guard let ended = waiting else { return inner.stop(job: job, attempt: attempt, force: force) }
        let now = Date().timeIntervalSince1970
        ended(AttemptEnd(.completed(succeeded: false, exitCode: nil, start: now, end: now, message: "stopped before it started"), reason: "stopped before it started"))
    }

    func cleanUpOrphan(_ id: String, job: String, workflowUUID: String) { inner.cleanUpOrphan(id, job: job, workflowUUID: workflowUUID) }
}

/// A halt, resume or remove reaches the sub-workflows of the executor inside.
extension PreparingExecutor: ControlForwarding {
    func forward(_ command: ControlChannel.Command) { (inner as? ControlForwarding)?.forward(command) }
}
