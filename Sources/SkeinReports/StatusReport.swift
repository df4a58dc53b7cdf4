/// `skein status`: what `pegasus-status -l` shows, per workflow and sub-workflow, read from
/// the run database (or, for a Pegasus submit directory without one, from DAGMan's
/// `.dag.dagman.out`). Plain data: the CLI renders it as text or JSON, the TUI draws it.
public struct StatusReport: Codable, Sendable, Equatable {
    /// The directory as given (absolute).
    public var directory: String
    public var kind: RunLocation.Kind
    public var label: String
    public var wfUUID: String?
    /// "database", "dagman.out" or "plan" (a Skein run whose database does not exist yet).
    public var source: String
    public var database: String?
    public var condition: RunCondition
    /// The workflow and its sub-workflows, parents first.
    public var workflows: [WorkflowStatus]
    /// The sums over `workflows`.
    public var totals: StateCounts
    /// Per job, when asked for (`--jobs`); in workflow then submission order.
    public var jobs: [JobStatus]?
    /// How the run was found (moved directories, missing properties, ...).
    public var notes: [String]
    /// When this report was read, epoch seconds.
    public var readAt: Double
    /// Why submitted jobs still wait in the batch system (Slurm's reason -> jobs), while an
    /// engine runs them.
    public var pendingReasons: [String: Int]? = nil
}

/// Job counts in the columns of `pegasus-status` (and DAGMan's progress lines).
public struct StateCounts: Codable, Sendable, Equatable {
    /// Waiting for jobs they depend on.
    public var unready = 0
    /// Runnable now (or, in a stopped run, when it resumes): their parents all succeeded.
    public var ready = 0
    /// PRE scripts running.
    public var pre = 0
    /// Submitted and not finished (queued, running, held).
    public var queued = 0
    /// POST scripts running.
    public var post = 0
    /// Succeeded.
    public var done = 0
    /// Failed for good (or, while the run goes on, failed on their last attempt).
    public var failed = 0
    /// Will not run: a job they depend on failed (DAGMan's FUTILE).
    public var futile = 0
    /// Of `queued`: held by the batch system.
    public var held = 0
    /// Of `queued`: executing now.
    public var running = 0
    public var total = 0

    public init() {}

    /// Succeeded / total, in percent with two decimals (pegasus-status's %DONE).
    public var percentDone: Double {
        total == 0 ? 0 : ((Double(done) / Double(total)) * 10000).rounded() / 100
    }

    static func + (a: StateCounts, b: StateCounts) -> StateCounts {
        var c = StateCounts()
        c.unready = a.unready + b.unready; c.ready = a.ready + b.ready; c.pre = a.pre + b.pre
        c.queued = a.queued + b.queued; c.post = a.post + b.post; c.done = a.done + b.done
        c.failed = a.failed + b.failed; c.futile = a.futile + b.futile; c.held = a.held + b.held
        c.running = a.running + b.running; c.total = a.total + b.total
        return c
    }

    mutating func count(_ state: JobStatus.State) {
        total += 1
        switch state {
        case .unready: unready += 1
        case .ready, .interrupted: ready += 1
        case .pre: pre += 1
        case .queued: queued += 1
        case .running: queued += 1; running += 1
        case .held: queued += 1; held += 1
        case .post: post += 1
        case .done: done += 1
        case .failed: failed += 1
        case .futile: futile += 1
        }
    }

    private enum CodingKeys: String, CodingKey {
        case unready, ready, pre, queued, post, done, failed, futile, held, running, total, percentDone
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        unready = try c.decode(Int.self, forKey: .unready); ready = try c.decode(Int.self, forKey: .ready)
        pre = try c.decode(Int.self, forKey: .pre); queued = try c.decode(Int.self, forKey: .queued)
        post = try c.decode(Int.self, forKey: .post); done = try c.decode(Int.self, forKey: .done)
        failed = try c.decode(Int.self, forKey: .failed); futile = try c.decode(Int.self, forKey: .futile)
        held = try c.decode(Int.self, forKey: .held); running = try c.decode(Int.self, forKey: .running)
        total = try c.decode(Int.self, forKey: .total)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(unready, forKey: .unready); try c.encode(ready, forKey: .ready); try c.encode(pre, forKey: .pre)
        try c.encode(queued, forKey: .queued); try c.encode(post, forKey: .post); try c.encode(done, forKey: .done)
        try c.encode(failed, forKey: .failed); try c.encode(futile, forKey: .futile); try c.encode(held, forKey: .held)
        try c.encode(running, forKey: .running); try c.encode(total, forKey: .total); try c.encode(percentDone, forKey: .percentDone)
    }
}

/// One workflow (the run's, or a sub-workflow) in a status report.
public struct WorkflowStatus: Codable, Sendable, Equatable {
    public var wfUUID: String?
    /// The DAG's name as pegasus-status shows it ("process-0.dag").
    public var name: String
    public var label: String
    /// 0 for the run's workflow, 1 for its sub-workflows, ...
    public var depth: Int
    /// "Running", "Success", "Failure", "Stopped", ...
    public var state: String
    public var counts: StateCounts
    /// Where the (sub-)workflow's submit or run directory is on this machine (a recorded one
    /// moved with the root's), so the TUI opens its jobs in it; nil when unknown.
    public var directory: String? = nil
}

/// One job in `skein status --jobs`.
public struct JobStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case unready, ready, pre, queued, running, held, post, done, failed, futile
        /// Its attempt was cut short when the engine stopped; it runs again on resume.
        case interrupted
    }

    public var id: String
    /// The workflow's label, for jobs of sub-workflows.
    public var workflow: String
    public var state: State
    /// Attempts made so far (0 when it never started) and allowed (retries + 1).
    public var attempt: Int
    public var maxAttempts: Int
    public var site: String?
    public var host: String?
    /// When the last attempt started, and how long it ran (or has been running), seconds.
    public var started: Double?
    public var duration: Double?
    /// The last attempt's exit code (regular, not the raw wait status); negative = signal.
    public var exitCode: Int?
    /// Why it failed (or, for a futile job, which job it waits on that failed; for a held
    /// one, the batch system's hold reason, in full).
    public var reason: String?
    /// For a held job: when the batch system held it (epoch seconds).
    public var heldSince: Double?
}
