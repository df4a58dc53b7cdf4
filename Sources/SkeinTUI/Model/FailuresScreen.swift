import SkeinText
import Foundation
import SkeinReports

/// The analyzer's view of a run: failed jobs (and jobs failing now, with another attempt
/// running), the reason, the tail of their output; open the full log, retry. A failed
/// sub-workflow job is followed by what failed in its sub-workflow, all the way down
/// (pegasus-analyzer's `-r`), each row opening its own workflow's job.
public final class FailuresScreen: ScreenModel {
    public struct Row: Equatable, Sendable {
        public var detail: AttemptDetail
        /// Failing: failed an attempt, another one runs now.
        public var failing: Bool
        /// The workflow the job is in (its label) and that workflow's directory.
        public var workflow: String
        public var directory: String

        /// The job across the levels: a sub-workflow may repeat the id.
        public var key: String { directory + "\u{0}" + detail.job }
    }

    /// The report's failed and failing jobs, each failed sub-workflow job followed by the rows
    /// of its sub-workflow's analysis.
    static func rows(of report: AnalysisReport) -> [Row] {
        var rows: [Row] = []
        for detail in report.failedJobs {
            rows.append(Row(detail: detail, failing: false, workflow: report.label, directory: report.directory))
            for sub in report.subworkflows ?? [] where sub.job == detail.job { rows += Self.rows(of: sub.report) }
        }
        return rows + report.failingJobs.map { Row(detail: $0, failing: true, workflow: report.label, directory: report.directory) }
    }

    public let kind = ScreenKind.failures
    public let directory: String
    public let label: String
    public let runKind: RunLocation.Kind
    public var breadcrumb: String { "failures" }
    public var wanted: Set<DataKey> { [.failures(directory)] }

    public private(set) var report: AnalysisReport?
    public private(set) var error: String?
    public private(set) var rows: [Row] = []
    public var cursor = ListCursor()
    /// Which pane Tab gave the keys to: the list or the output tail.
    public private(set) var tailFocused = false
    public var tailScroll = 0
    public private(set) var marks = Set<String>()

    public init(directory: String, label: String, kind: RunLocation.Kind) {
        self.directory = directory
        self.label = label
        self.runKind = kind
    }

    public var selected: Row? { rows.isEmpty ? nil : rows[cursor.index] }

    func page(_ app: AppModel) -> Int { Layout.failuresList(width: app.width, height: app.height).height }

    public func receive(_ update: DataUpdate, app: AppModel) {
        guard update.key == .failures(directory) else { return }
        switch update.payload {
        case .failures(let r):
            let keep = selected?.key
            report = r
            error = nil
            rows = Self.rows(of: r)
            if let keep, let i = rows.firstIndex(where: { $0.key == keep }) {
                if i != cursor.index { tailScroll = 0 }
                cursor.index = i
            }
            cursor.clamp(count: rows.count, page: page(app))
        case .failed(let m):
            error = m
        default:
            break
        }
    }

    public func resized(app: AppModel) { cursor.clamp(count: rows.count, page: page(app)) }

    /// The output tail shown for the selected job: its tasks' stderr, else the job's stderr,
    /// then stdout.
    public func tailLines() -> [DocLine] {
        guard let row = selected else { return [] }
        let a = row.detail
        var lines: [DocLine] = []
        func section(_ title: String, _ text: OutputText?) {
            guard let t = text, !t.text.isEmpty else { return }
            lines.append(DocLine([.init(title, .header), .init(t.omittedLines > 0 ? "  (last \(t.lines - t.omittedLines) of \(t.lines) lines)" : "", .dim)]))
            // As the log viewer shows them: tabs expanded, other control characters as escapes.
            for l in t.text.split(separator: "\n", omittingEmptySubsequences: false) { lines.append(DocLine(Untrusted.displayLine(l))) }
            lines.append(.blank)
        }
        let tasks = a.tasks.filter { $0.seq >= 0 }
        for t in tasks { section(tasks.count > 1 ? "stderr of task \(t.seq) (\(t.transformation))" : "stderr", t.stderr) }
        if tasks.allSatisfy({ ($0.stderr?.text ?? "").isEmpty }) { section("stderr", a.jobStderr) }
        for t in tasks { section(tasks.count > 1 ? "stdout of task \(t.seq)" : "stdout", t.stdout) }
        for t in a.tasks where t.seq < 0 {
            let name = t.seq == -1 ? "PRE script" : "POST script"
            section("\(name) (\(t.executable)) output", t.stdout)
            section("\(name) stderr", t.stderr)
        }
        if lines.isEmpty { lines.append(DocLine("(no output recorded)", .dim)) }
        return lines
    }

    /// The rows actions apply to: the marked ones, else the selected one.
    func chosen() -> [Row] {
        marks.isEmpty ? (selected.map { [$0] } ?? []) : rows.filter { marks.contains($0.key) }
    }

    func targets(_ rows: [Row]? = nil) -> [(id: String, state: DisplayState, reason: String?)] {
        (rows ?? chosen()).map { ($0.detail.job, $0.failing ? DisplayState.retrying : .failed, $0.detail.reason) }
    }

    /// One control request per workflow the chosen rows are in (its own directory), in the
    /// order they are listed.
    private func controls(_ action: ([(id: String, state: DisplayState, reason: String?)]) -> ControlRequest.Action?) -> [Effect] {
        var order: [String] = []
        var byDirectory: [String: [Row]] = [:]
        for row in chosen() {
            if byDirectory[row.directory] == nil { order.append(row.directory) }
            byDirectory[row.directory, default: []].append(row)
        }
        return order.compactMap { directory in
            action(targets(byDirectory[directory]!)).map { .control(ControlRequest(runDirectory: directory, action: $0)) }
        }
    }

    public func availability(_ command: Command, app: AppModel) -> Availability {
        switch command {
        case .open: return selected == nil ? .disabled("open: no failed job") : .enabled
        case .retry: return RunActions.retry(targets(), kind: runKind).0
        case .kill: return RunActions.kill(targets(), kind: runKind, engineAlive: report?.condition.engine?.alive ?? false).0
        case .mark: return selected == nil ? .disabled("mark: no job") : .enabled
        case .clearMarks: return marks.isEmpty ? .disabled("no job is marked") : .enabled
        default: return .enabled
        }
    }

    public func handle(_ command: Command, app: AppModel) -> [Effect] {
        if tailFocused {
            let tail = Layout.failuresTail(width: app.width, height: app.height).height
            let maxScroll = max(0, tailLines().count - tail)
            switch command {
            case .down: tailScroll = min(maxScroll, tailScroll + 1); return []
            case .up: tailScroll = max(0, tailScroll - 1); return []
            case .pageDown, .halfPageDown: tailScroll = min(maxScroll, tailScroll + max(1, tail / 2)); return []
            case .pageUp, .halfPageUp: tailScroll = max(0, tailScroll - max(1, tail / 2)); return []
            case .top: tailScroll = 0; return []
            case .bottom: tailScroll = maxScroll; return []
            default: break
            }
        } else {
            let before = cursor.index
            if cursor.apply(command, count: rows.count, page: page(app)) {
                if cursor.index != before { tailScroll = 0 }
                return []
            }
        }
        switch command {
        case .nextPane, .previousPane:
            tailFocused.toggle()
        case .open:
            guard let row = selected else { return [] }
            app.push(JobScreen(directory: row.directory, job: row.detail.job, kind: runKind, tab: .stderr,
                               attempt: row.failing ? nil : row.detail.attempt))
        case .mark:
            guard let row = selected else { return [] }
            if marks.contains(row.key) { marks.remove(row.key) } else { marks.insert(row.key) }
            cursor.move(1, count: rows.count, page: page(app))
            tailScroll = 0
        case .clearMarks:
            marks = []
        case .retry:
            let effects = controls { jobs in
                let (_, ids) = RunActions.retry(jobs, kind: runKind)
                return ids.isEmpty ? nil : .retry(ids)
            }
            marks = []
            return effects
        case .kill:
            let alive = report?.condition.engine?.alive ?? false
            let (_, ids) = RunActions.kill(targets(), kind: runKind, engineAlive: alive)
            let effects = controls { jobs in
                let (_, ids) = RunActions.kill(jobs, kind: runKind, engineAlive: alive)
                return ids.isEmpty ? nil : .kill(ids)
            }
            app.confirm("kill", ["Kill \(ids.joined(separator: ", "))?"], effects)
            marks = []
        case .showStatistics:
            app.push(StatisticsScreen(directory: directory, label: label, kind: runKind))
        default:
            break
        }
        return []
    }

    public func command(_ words: [String], app: AppModel) -> [Effect]? {
        switch words[0] {
        case "retry" where words.count == 1: return app.perform(.retry)
        case "kill" where words.count == 1: return app.perform(.kill)
        default: return nil
        }
    }

    public func mouse(_ event: MouseEvent, app: AppModel) -> [Effect] {
        let list = Layout.failuresList(width: app.width, height: app.height)
        let tail = Layout.failuresTail(width: app.width, height: app.height)
        if event.y >= tail.y {
            switch event.kind {
            case .wheelUp, .wheelDown:
                let delta = event.kind == .wheelUp ? -3 : 3
                tailScroll = min(max(0, tailLines().count - tail.height), max(0, tailScroll + delta))
            case .press: tailFocused = true
            case .release: break
            }
            return []
        }
        if event.kind == .press, event.y >= list.y, event.y < list.maxY { tailFocused = false }
        let selected = cursor.index
        let outcome = cursor.mouse(event, count: rows.count, list: list)
        if cursor.index != selected { tailScroll = 0 }  // the tail shows the selected job's output
        return outcome == .open ? app.perform(.open) : []
    }

    public func status(app: AppModel) -> DocLine? {
        if let error, report == nil { return DocLine(error, .error) }
        guard let r = report else { return DocLine("analysing \(directory) ...", .dim) }
        if rows.isEmpty { return DocLine(r.workflowStatus == "success" ? "the run succeeded: nothing failed" : "no failed job", .info) }
        var segments: [DocLine.Segment] = []
        if !marks.isEmpty { segments.append(.init("\(marks.count) marked  ", .marked)) }
        if let s = selected {
            let name = s.workflow == r.label ? s.detail.job : s.workflow + "/" + s.detail.job
            segments.append(.init(name + ": ", .text))
            segments.append(.init(s.detail.reason ?? "failed", s.failing ? .retrying : .error))
        }
        segments.append(.init(tailFocused ? "   (Tab: back to the list)" : "   (Tab: scroll the output)", .dim))
        return DocLine(segments)
    }
}
