import SkeinReports

/// Which actions apply to a run and its jobs, and why not when they do not. The same rules
/// as the CLI: `halt` and `remove` need a live engine; `kill` needs a running job; `retry`
/// needs a failed job (a new engine starts when none is alive); Pegasus runs are read-only.
public enum RunActions {
    public static let readOnly = "read-only: this is a Pegasus run (Skein watches it but cannot steer it)"

    public static func halt(kind: RunLocation.Kind, condition: RunCondition?) -> Availability {
        if kind == .pegasus { return .disabled(readOnly) }
        guard let c = condition else { return .disabled("halt: the run cannot be read") }
        guard c.engine?.alive == true else { return .disabled("halt: no engine is running this run (\(c.shortText.lowercased()))") }
        return .enabled
    }

    public static func resume(kind: RunLocation.Kind, condition: RunCondition?) -> Availability {
        if kind == .pegasus { return .disabled(readOnly) }
        guard let c = condition else { return .disabled("resume: the run cannot be read") }
        if c.engine?.alive == true { return .enabled }
        switch c.phase {
        case .succeeded: return .disabled("resume: the run succeeded; nothing is left to run")
        case .planned, .halted, .failed, .stopped, .removed, .unknown, .stale, .running: return .enabled
        }
    }

    public static func remove(kind: RunLocation.Kind, condition: RunCondition?) -> Availability {
        if kind == .pegasus { return .disabled(readOnly) }
        guard let c = condition else { return .disabled("remove: the run cannot be read") }
        guard c.engine?.alive == true else { return .disabled("remove: no engine is running this run (\(c.shortText.lowercased())): nothing to remove") }
        return .enabled
    }

    /// The jobs of `jobs` that can be retried, or why none can.
    public static func retry(_ jobs: [(id: String, state: DisplayState, reason: String?)], kind: RunLocation.Kind) -> (Availability, [String]) {
        if kind == .pegasus { return (.disabled(readOnly), []) }
        if jobs.isEmpty { return (.disabled("retry: no job selected"), []) }
        let ok = jobs.filter { $0.state == .failed }.map(\.id)
        if !ok.isEmpty { return (.enabled, ok) }
        let j = jobs[0]
        let more = jobs.count > 1 ? " (and \(jobs.count - 1) more; none failed)" : ""
        return (.disabled("retry: \(j.id) \(describe(j.state, j.reason)); only failed jobs can be retried" + more), [])
    }

    /// The jobs of `jobs` that can be killed, or why none can.
    public static func kill(_ jobs: [(id: String, state: DisplayState, reason: String?)], kind: RunLocation.Kind, engineAlive: Bool) -> (Availability, [String]) {
        if kind == .pegasus { return (.disabled(readOnly), []) }
        if jobs.isEmpty { return (.disabled("kill: no job selected"), []) }
        guard engineAlive else { return (.disabled("kill: no engine is running this run, so no job is running"), []) }
        let ok = jobs.filter { $0.state == .running || $0.state == .retrying || $0.state == .held || $0.state == .queued }.map(\.id)
        if !ok.isEmpty { return (.enabled, ok) }
        let j = jobs[0]
        let more = jobs.count > 1 ? " (and \(jobs.count - 1) more; none running)" : ""
        return (.disabled("kill: \(j.id) \(describe(j.state, j.reason)); only running jobs can be killed" + more), [])
    }

    static func describe(_ state: DisplayState, _ reason: String?) -> String {
        switch state {
        case .done: return "succeeded"
        case .failed: return "failed"
        case .running: return "is running"
        case .retrying: return "is running again"
        case .queued: return "is queued"
        case .ready: return "is ready to run"
        case .unready: return "has not run yet"
        case .held: return "is held"
        case .futile: return "will not run" + (reason.map { " (\($0))" } ?? "")
        case .interrupted: return "was interrupted"
        }
    }
}
