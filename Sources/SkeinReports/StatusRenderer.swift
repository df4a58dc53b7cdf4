import Foundation

/// Text renderings of `StatusReport`s: the `pegasus-status -l` table (with a progress bar
/// on a terminal), the run's condition with what to do next, and the `--jobs` table.
public enum StatusRenderer {
    /// Several runs, one block each, separated by a blank line.
    public static func text(_ reports: [StatusReport], jobs: Bool = false, style: TextStyle = .plain) -> String {
        reports.map { text($0, jobs: jobs, style: style) }.joined(separator: "\n")
    }

    /// One run.
    public static func text(_ r: StatusReport, jobs showJobs: Bool = false, style: TextStyle = .plain) -> String {
        var out = ""
        let c = r.condition
        out += style.bold(Text.visible(r.label)) + "  " + Text.visible(r.directory) + "\n"
        var line = "state: " + style.state(c.text)
        if let started = c.started {
            line += ", started \(Text.time(started))"
            if let finished = c.finished, c.phase != .running {
                line += ", ran \(Text.duration(finished - started))"
            } else if c.phase == .running {
                line += ", running for \(Text.duration(max(0, r.readAt - started)))"
            }
        }
        if c.restarts > 0 { line += ", \(Text.plural(c.restarts, "restart"))" }
        if let engine = c.engine, engine.alive, let pid = engine.pid { line += " (engine pid \(pid))" }
        out += line + "\n"
        if style.progressBar { out += progressBar(r.totals, style: style) + "\n" }
        out += "\n" + table(r, style: style)
        let t = r.totals
        var facts: [String] = []
        if r.source != "dagman.out", t.running > 0 || t.queued > 0 { facts.append("\(t.running) running" + (t.queued > t.running ? ", \(t.queued - t.running) queued" : "") + (t.held > 0 ? " (\(t.held) held)" : "")) }
        if let pending = r.pendingReasons, !pending.isEmpty {
            let reasons = pending.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            facts.append("waiting in the batch system: " + reasons.map { "\($0.value) \(Text.visible($0.key))" }.joined(separator: ", "))
        }
        if t.futile > 0 { facts.append("\(Text.plural(t.futile, "job")) will not run: a job \(t.futile == 1 ? "it depends" : "they depend") on failed") }
        for fact in facts { out += fact + "\n" }
        switch c.phase {
        case .stopped: out += style.yellow("the engine is not running") + "; resume with: \(c.hint ?? "skein run \(r.directory)")\n"
        case .planned: out += "not started; start it with: \(c.hint ?? "skein run \(r.directory)")\n"
        case .halted: if let hint = c.hint { out += "continue with: \(hint)\n" }
        case .running where c.halting == true: out += "halting: nothing new starts; continue with: \(c.hint ?? "skein resume \(r.directory)")\n"
        case .failed: if let hint = c.hint { out += "see why: \(hint)\n" }
        default: break
        }
        if showJobs, let jobs = r.jobs {
            out += "\n" + jobTable(jobs, multipleWorkflows: r.workflows.count > 1, style: style)
        }
        return out
    }

    /// The pegasus-status -l table: one row per workflow, a TOTALS row when there are
    /// sub-workflows, then "Summary: N DAG(s) total (...)".
    public static func table(_ r: StatusReport, style: TextStyle = .plain) -> String {
        let headers = ["UNREADY", "READY", "PRE", "QUEUED", "POST", "DONE", "FAILED", "%DONE"]
        var rows: [(values: [String], state: String, name: String)] = []
        for w in r.workflows {
            let indent = w.depth == 0 ? "" : String(repeating: "  ", count: w.depth - 1) + (style.unicode ? "└─ " : "`- ")
            rows.append((values(w.counts), w.state, indent + Text.visible(w.name)))
        }
        if r.workflows.count > 1 { rows.append((values(r.totals), "", "TOTALS (\(r.totals.total) jobs)")) }
        var widths = headers.map { $0.count + 1 }
        for row in rows { for (i, v) in row.values.enumerated() { widths[i] = max(widths[i], v.count + 1) } }
        let stateWidth = max(8, rows.map(\.state.count).max() ?? 0) + 2
        var out = ""
        for (i, h) in headers.enumerated() { out += Text.padLeft(h, widths[i]) }
        out += "  " + Text.pad("STATE", stateWidth) + "NAME\n"
        for row in rows {
            for (i, v) in row.values.enumerated() { out += Text.padLeft(v, widths[i]) }
            out += "  " + style.state(row.state) + String(repeating: " ", count: max(0, stateWidth - row.state.count)) + row.name + "\n"
        }
        var byState: [String: Int] = [:]
        var order: [String] = []
        for w in r.workflows {
            if byState[w.state] == nil { order.append(w.state) }
            byState[w.state, default: 0] += 1
        }
        let known = ["Success", "Failure", "Running"]
        let sorted = known.filter { byState[$0] != nil } + order.filter { !known.contains($0) }
        let n = r.workflows.count
        out += "Summary: \(n) DAG\(n == 1 ? "" : "s") total (" + sorted.map { "\($0):\(byState[$0]!)" }.joined(separator: " ") + ")\n"
        return out
    }

    static func values(_ c: StateCounts) -> [String] {
        [c.unready, c.ready, c.pre, c.queued, c.post, c.done, c.failed].map(String.init) + [String(format: "%.2f", c.percentDone)]
    }

    /// "[██████████░░░░░░░░░░]  60.00 %  3/5 done, 1 failed, 1 running".
    public static func progressBar(_ c: StateCounts, style: TextStyle, width: Int? = nil) -> String {
        let cells = max(10, min(50, (width ?? style.width) - 40))
        let total = max(c.total, 1)
        func n(_ k: Int) -> Int { Int((Double(k) / Double(total) * Double(cells)).rounded(.down)) }
        let done = n(c.done), failed = c.failed > 0 ? max(1, n(c.failed)) : 0
        let active = (c.queued + c.post + c.pre) > 0 ? max(1, n(c.queued + c.post + c.pre)) : 0
        let rest = max(0, cells - done - failed - active)
        let (full, empty) = style.unicode ? ("█", "░") : ("#", ".")
        var bar = style.green(String(repeating: full, count: done))
        bar += style.red(String(repeating: full, count: failed))
        bar += style.yellow(String(repeating: style.unicode ? "▒" : "=", count: active))
        bar += style.dim(String(repeating: empty, count: rest))
        var text = "[\(bar)] \(String(format: "%6.2f", c.percentDone)) %  \(c.done)/\(c.total) done"
        if c.failed > 0 { text += ", \(c.failed) failed" }
        if c.queued > 0 { text += ", \(c.running) running" }
        return text
    }

    /// The `--jobs` table: JOB STATE ATTEMPT SITE HOST DURATION EXIT REASON.
    public static func jobTable(_ jobs: [JobStatus], multipleWorkflows: Bool = false, style: TextStyle = .plain) -> String {
        var head = ["JOB", "STATE", "ATTEMPT", "SITE", "HOST", "DURATION", "EXIT"]
        if multipleWorkflows { head.insert("WORKFLOW", at: 0) }
        var rows: [[String]] = []
        rows.reserveCapacity(jobs.count)
        var reasons: [String] = []
        reasons.reserveCapacity(jobs.count)
        for j in jobs {
            var row = [Text.visible(j.id), j.state.rawValue, "\(j.attempt)/\(j.maxAttempts)", j.site ?? "-", j.host ?? "-",
                       j.attempt == 0 ? "-" : Text.duration(j.duration), j.exitCode.map(String.init) ?? "-"]
            if multipleWorkflows { row.insert(j.workflow, at: 0) }
            rows.append(row)
            reasons.append(j.reason.map(Text.visible) ?? "")
        }
        var widths = head.map(\.count)
        for row in rows { for (i, v) in row.enumerated() where v.count > widths[i] { widths[i] = v.count } }
        let stateColumn = multipleWorkflows ? 2 : 1
        var out = TextBuffer(capacity: (jobs.count + 1) * (widths.reduce(0, +) + 2 * widths.count + 8))
        out.row(head + ["REASON"], widths + [0], separator: 2)
        for (k, row) in rows.enumerated() {
            for (i, v) in row.enumerated() {
                if i > 0 { out.blanks(2) }
                if i == stateColumn { out.append(style.state(v)); out.blanks(widths[i] - v.count) }
                else if i == row.count - 1 && reasons[k].isEmpty { out.append(v) }
                else { out.append(v); out.blanks(widths[i] - v.count) }
            }
            if !reasons[k].isEmpty { out.blanks(2); out.append(reasons[k]) }
            out.bytes.append(0x0A)
        }
        return out.string
    }
}
