import Foundation
import SkeinRunFormat

/// Where a run stands as a whole, honest at the edges: a run whose engine is alive is
/// running even before its database says so; a Skein run whose engine died before the
/// workflow ended is stopped (and can be resumed), not failed.
public struct RunCondition: Codable, Sendable, Equatable {
    public enum Phase: String, Codable, Sendable {
        /// Planned, never started.
        case planned
        case running
        case succeeded
        case failed
        /// Ended by `skein halt` (may continue with `skein resume`).
        case halted
        /// Ended by `skein remove`.
        case removed
        /// The engine died before the workflow ended: `skein run RUNDIR` resumes it.
        case stopped
        /// A Pegasus run that never ended whose DAGMan is gone (no monitord.done, and no
        /// lock file or one whose DAGMan is not alive here): nothing runs it any more,
        /// whatever its database last said.
        case stale
        /// No workflow state recorded and nothing else to go by.
        case unknown
    }

    public var phase: Phase
    /// What people read: "Running", "Success", "Failure", "Stopped (engine not running)", ...
    public var text: String
    /// The short form for a table's STATE column ("Running", "Success", "Failure", "Stopped").
    public var shortText: String
    /// What to do next, as a command line, when there is something obvious to do.
    public var hint: String?
    /// For Skein runs: whether an engine holds the run's lock, and its pid.
    public var engine: EngineLock.State?
    /// When the workflow first started and (if it ended) last ended, epoch seconds.
    public var started: Double?
    public var finished: Double?
    /// How many times the workflow was restarted (resumed after a stop or a failure).
    public var restarts: Int
    /// The workflow's exit status and reason as the database records them.
    public var status: Int?
    public var reason: String?
    /// A live engine took a halt: nothing new starts, and the run ends when its running jobs
    /// do (hours on a cluster). The phase stays `running`; `text` says "Halting (N running)".
    /// Absent in reports written before it existed.
    public var halting: Bool?

    /// The live engine has taken a halt (and no resume since): says so with the jobs still
    /// running, as the phase alone would read "Running" until they end.
    mutating func markHalting(running: Int, directory: String) {
        halting = true
        text = "Halting (\(running) running)"
        shortText = "Halting"
        hint = "skein resume \(Self.shellQuoted(directory))"
    }

    /// Decides a run's condition from its workflow states (ordered), the engine lock (Skein
    /// runs only) and whether the database exists at all.
    static func make(states: [ReportDatabase.WorkflowStateRow], kind: RunLocation.Kind, engine: EngineLock.State?,
                     directory: String, hasDatabase: Bool, monitordDone: Bool, dagman: DagmanLiveness.Verdict? = nil) -> RunCondition {
        let dagmanGone = dagman?.isGone ?? false
        let started = states.first { $0.state == "WORKFLOW_STARTED" }?.timestamp
        let last = states.last
        let restarts = states.map(\.restartCount).max() ?? 0
        var c = RunCondition(phase: .unknown, text: "Unknown", shortText: "Unknown", hint: nil, engine: engine,
                             started: started, finished: nil, restarts: restarts, status: nil, reason: nil)
        let quoted = shellQuoted(directory)
        if kind == .skein, engine?.alive == true {
            c.phase = .running; c.text = "Running"; c.shortText = "Running"
            return c
        }
        if let last, last.state == "WORKFLOW_TERMINATED" {
            c.finished = last.timestamp
            c.status = last.status
            c.reason = last.reason
            let reason = (last.reason ?? "").lowercased()
            if last.status == 0 {
                c.phase = .succeeded; c.text = "Success"; c.shortText = "Success"
            } else if reason == "halted" {
                c.phase = .halted; c.text = "Halted"; c.shortText = "Halted"
                if kind == .skein { c.hint = "skein resume \(quoted)" }
            } else if reason == "removed" {
                c.phase = .removed; c.text = "Removed"; c.shortText = "Removed"
            } else if reason.hasPrefix("stopped") {
                // SIGTERM/SIGINT to the engine: nothing failed, the run waits to be resumed.
                let why = (last.reason ?? "").dropFirst("stopped".count).drop { $0 == ":" || $0 == " " }
                c.phase = .stopped; c.text = why.isEmpty ? "Stopped" : "Stopped (\(why))"; c.shortText = "Stopped"
                if kind == .skein { c.hint = "skein resume \(quoted)" }
            } else {
                c.phase = .failed; c.text = "Failure"; c.shortText = "Failure"
                c.hint = "skein analyze \(quoted)"
            }
            return c
        }
        switch kind {
        case .skein:
            if !hasDatabase || last == nil {
                c.phase = .planned; c.text = "Planned (not started)"; c.shortText = "Planned"
                c.hint = "skein run \(quoted)"
            } else {
                c.phase = .stopped; c.text = "Stopped (engine not running)"; c.shortText = "Stopped"
                c.hint = "skein run \(quoted)"
            }
        case .pegasus:
            if dagmanGone, last != nil {
                c.phase = .stale; c.text = "Stale (DAGMan is gone and the run never ended)"; c.shortText = "Stale"
                c.finished = last?.timestamp
            } else if last != nil {
                c.phase = .running; c.text = "Running"; c.shortText = "Running"
                if case .otherHost(let host) = dagman { c.text = "Running (DAGMan runs on \(host): not checked from here)" }
            } else if monitordDone {
                c.phase = .unknown
            } else {
                c.phase = .running; c.text = "Running"; c.shortText = "Running"
            }
        }
        return c
    }

    /// Whether a Pegasus run's DAGMan is gone: no `monitord.done`, and either no
    /// `NAME.dag.lock` (DAGMan removes it when it ends) or a lock whose DAGMan is not alive on
    /// this machine (a `kill -9`'d DAGMan leaves its lock behind); see `DagmanLiveness`.
    public static func dagmanIsGone(directory: String) -> Bool {
        DagmanLiveness.verdict(directory: directory).isGone
    }

    /// A path as a shell word (quoted only when it needs to be).
    static func shellQuoted(_ s: String) -> String {
        let safe = s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "/._-+,:=@%".unicodeScalars.contains($0) }
        return safe && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
