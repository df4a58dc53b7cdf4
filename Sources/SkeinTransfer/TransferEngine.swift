#if canImport(Glibc)
import Glibc
#endif
import CCurl
import Foundation

/// Moves many files at once in this process, without a process per file: remote transfers
/// share one libcurl multi handle driven by one thread (idle connections are reused between
/// files of the same server, a busy one never waited for: `ConnectionPolicy`); local ones are links or copies on a worker queue. Each file
/// is tried again with backoff when the failure may pass (a broken connection, a 5xx), and
/// `done` is called once per request, on an internal thread: it must not block.
public final class TransferEngine: @unchecked Sendable {
    public typealias Completion = @Sendable (TransferOutcome) -> Void

    private final class Job {
        let request: TransferRequest
        let done: Completion
        let start: Double
        var tries = 0
        var notBefore: Double = 0
        var bytes: Int64 = 0

        init(_ request: TransferRequest, _ done: @escaping Completion) {
            self.request = request
            self.done = done
            start = Date().timeIntervalSince1970
        }
    }

    public let settings: TransferSettings
    private let lock = NSLock()
    private var waiting: [Job] = []
    private var active: [UnsafeMutableRawPointer: (job: Job, attempt: CurlTry)] = [:]
    private var stopping = false
    private let multi: UnsafeMutableRawPointer
    private var thread: Thread?
    private let local = DispatchQueue(label: "skein.transfer.local", qos: .userInitiated, attributes: .concurrent)
    private let localSlots: DispatchSemaphore

    private static let globalInit: Void = { skein_curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init(settings: TransferSettings = TransferSettings()) {
        _ = Self.globalInit
        self.settings = settings
        multi = skein_curl_multi_init()
        localSlots = DispatchSemaphore(value: max(1, settings.concurrent))
        ConnectionPolicy.apply(to: multi, concurrent: settings.concurrent)
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "skein.transfer"
        thread.start()
        self.thread = thread
    }

    deinit { skein_curl_multi_cleanup(multi) }

    /// Queues one file. An unsupported URL fails at once (still through `done`).
    public func start(_ request: TransferRequest, done: @escaping Completion) {
        let job = Job(request, done)
        let source: TransferEndpoint
        let destination: TransferEndpoint
        do {
            source = try TransferEndpoint(request.source)
            destination = try TransferEndpoint(request.destination)
        } catch {
            return fail(job, error, method: "none")
        }
        switch (source, destination) {
        case (.local(let from), .local(let to)):
            local.async { [localSlots] in
                localSlots.wait()
                defer { localSlots.signal() }
                done(LocalTransfer.run(request, source: from, destination: to))
            }
        case (.remote(_, let a), .remote(_, let b)):
            fail(job, TransferError(.unsupported, "\(request.source) -> \(request.destination): Skein moves between a local path and a URL, not \(a) to \(b) directly"), method: "none")
        default:
            lock.withLock { waiting.append(job) }
            skein_curl_multi_wakeup(multi)
        }
    }

    /// Finishes what is queued and running, then stops the thread.
    public func shutdown() {
        lock.withLock { stopping = true }
        skein_curl_multi_wakeup(multi)
        while lock.withLock({ thread != nil }) { usleep(1000) }
        local.sync(flags: .barrier) {}
    }

    private func fail(_ job: Job, _ error: TransferError, method: String) {
        let now = Date().timeIntervalSince1970
        job.done(TransferOutcome(request: job.request, method: method, bytes: 0, start: job.start, end: now, attempts: max(1, job.tries), sha256: nil, error: error))
    }

    // MARK: - The transfer thread

    private func loop() {
        while true {
            let (finished, sleepMs) = admit()
            if finished { break }
            var running: Int32 = 0
            skein_curl_multi_perform(multi, &running)
            // A finished file frees a slot: admit the next at once instead of waiting for
            // the others' sockets.
            if collect() == 0 {
                // libcurl's own deadline (a connection to start, a timeout to fire) caps the wait.
                var curlTimeout = -1
                skein_curl_multi_timeout(multi, &curlTimeout)
                let wait = curlTimeout >= 0 ? min(sleepMs, curlTimeout) : sleepMs
                if wait > 0 { skein_curl_multi_poll(multi, nil, 0, Int32(wait), nil) }
            }
        }
        lock.withLock { thread = nil }
    }

    /// Starts waiting transfers up to the limit; says whether all work is done (after a
    /// shutdown) and how long the thread may sleep.
    private func admit() -> (Bool, Int) {
        let now = Date().timeIntervalSince1970
        var failed: [(Job, TransferError, String)] = []
        let result: (Bool, Int) = lock.withLock {
            var next = Double.infinity
            var index = 0
            while active.count < settings.concurrent, index < waiting.count {
                let job = waiting[index]
                guard job.notBefore <= now else {
                    next = min(next, job.notBefore)
                    index += 1
                    continue
                }
                waiting.remove(at: index)
                do {
                    let attempt = try makeTry(job)
                    job.tries += 1
                    active[attempt.easy] = (job, attempt)
                    skein_curl_multi_add_handle(multi, attempt.easy)
                } catch {
                    job.tries += 1
                    failed.append((job, error as? TransferError ?? TransferError(.failed, "\(error)"), "none"))
                }
            }
            for job in waiting[index...] where job.notBefore > now { next = min(next, job.notBefore) }
            let done = stopping && waiting.isEmpty && active.isEmpty
            let sleep = next.isFinite ? max(1, min(1000, Int((next - now) * 1000))) : 1000
            return (done, sleep)
        }
        for (job, error, method) in failed { fail(job, error, method: method) }
        return result
    }

    private func makeTry(_ job: Job) throws(TransferError) -> CurlTry {
        switch (try TransferEndpoint(job.request.source), try TransferEndpoint(job.request.destination)) {
        case (.remote(let url, let scheme), .local(let path)):
            return try CurlTry(download: job.request, url: url, scheme: scheme, destination: path, settings: settings)
        case (.local(let path), .remote(let url, let scheme)):
            guard scheme == "sftp" || scheme == "scp" else {
                throw TransferError(.unsupported, "\(job.request.destination): Skein uploads over sftp and scp only, not \(scheme)")
            }
            return try CurlTry(upload: job.request, source: path, url: url, scheme: scheme, settings: settings)
        default:
            throw TransferError(.unsupported, "\(job.request.source) -> \(job.request.destination): not a transfer between a local path and a URL")
        }
    }

    /// Takes each finished try off the multi handle: done, or queued again after a backoff.
    @discardableResult
    private func collect() -> Int {
        var finished = 0
        var remaining: Int32 = 0
        while let message = skein_curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            skein_curl_multi_remove_handle(multi, easy)
            finished += 1
            guard let (job, attempt) = lock.withLock({ active.removeValue(forKey: easy) }) else { continue }
            job.bytes = attempt.bytes
            let hashSeconds = attempt.hashSeconds
            let now = Date().timeIntervalSince1970
            do {
                let digest = try attempt.finish(code)
                job.done(TransferOutcome(request: job.request, method: attempt.scheme, bytes: job.bytes, start: job.start, end: now,
                                         attempts: job.tries, sha256: digest, checksumSeconds: hashSeconds, error: nil))
            } catch {
                if error.retryable && job.tries < settings.tries {
                    job.notBefore = now + settings.backoff * pow(2, Double(job.tries - 1))
                    lock.withLock { waiting.append(job) }
                } else {
                    job.done(TransferOutcome(request: job.request, method: attempt.scheme, bytes: job.bytes, start: job.start, end: now,
                                             attempts: job.tries, sha256: nil, error: error))
                }
            }
        }
        return finished
    }
}
