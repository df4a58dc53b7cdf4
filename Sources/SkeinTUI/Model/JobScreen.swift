import SkeinText
import Foundation
import SkeinRunFormat
import SkeinReports

/// One job: its definition, its attempts, the kickstart record of an attempt field by
/// field, and its stdout and stderr in a log viewer (follow, search, wrap).
public final class JobScreen: ScreenModel {
    public enum Tab: Int, CaseIterable, Sendable {
        case definition, attempts, record, stdout, stderr

        public var title: String {
            switch self {
            case .definition: return "Definition"
            case .attempts: return "Attempts"
            case .record: return "Record"
            case .stdout: return "stdout"
            case .stderr: return "stderr"
            }
        }
        public var isLog: Bool { self == .stdout || self == .stderr }
    }

    public let kind = ScreenKind.job
    public let directory: String
    public let jobID: String
    public let runKind: RunLocation.Kind
    public var breadcrumb: String { jobID }

    public private(set) var detail: JobDetail?
    public private(set) var error: String?
    public private(set) var tab: Tab
    /// The attempt shown (index into the attempts; nil follows the latest).
    public private(set) var attemptIndex: Int?
    public var attemptsCursor = ListCursor()
    public private(set) var definitionLines: [DocLine] = []
    public private(set) var recordLines: [DocLine] = []
    public private(set) var recordError: String?
    private var recordPath: String?
    public var scroll: [Tab: Int] = [:]
    public private(set) var logs: [LogSource: LogText] = [:]
    public var logViews: [Tab: LogView] = [.stdout: LogView(), .stderr: LogView()]

    public init(directory: String, job: String, kind: RunLocation.Kind, tab: Tab = .definition, attempt: Int? = nil) {
        self.directory = directory
        self.jobID = job
        self.runKind = kind
        self.tab = tab
        self.attemptIndex = attempt.map { $0 - 1 }
    }

    public var attempt: AttemptFiles? {
        guard let d = detail, !d.attempts.isEmpty else { return nil }
        let i = min(attemptIndex ?? d.attempts.count - 1, d.attempts.count - 1)
        return d.attempts[max(0, i)]
    }

    public var attemptDetail: AttemptDetail? {
        guard let d = detail, !d.analysis.attempts.isEmpty else { return nil }
        let i = min(attemptIndex ?? d.analysis.attempts.count - 1, d.analysis.attempts.count - 1)
        return d.analysis.attempts[max(0, i)]
    }

    public var logSource: LogSource? {
        guard let a = attempt else { return nil }
        switch tab {
        case .stdout: return a.stdout
        case .stderr: return a.stderr
        default: return nil
        }
    }

    public var wanted: Set<DataKey> {
        var keys: Set<DataKey> = [.job(directory, jobID)]
        if tab == .record, let r = attempt?.record { keys.insert(.record(r)) }
        if let s = logSource { keys.insert(.log(s)) }
        return keys
    }

    public var state: DisplayState {
        guard let d = detail else { return .unready }
        let attempts = d.analysis.attempts.count
        switch d.analysis.state {
        case "done": return .done
        case "failed": return .failed
        case "running", "post": return attempts > 1 ? .retrying : .running
        case "queued", "pre": return attempts > 1 ? .retrying : .queued
        case "held": return .held
        case "futile": return .futile
        case "interrupted": return .interrupted
        case "ready": return .ready
        default: return .unready
        }
    }

    // MARK: pages

    func bodyHeight(_ app: AppModel) -> Int { Layout.jobBody(width: app.width, height: app.height).height }
    /// A log tab keeps one row for its own header.
    func logPage(_ app: AppModel) -> Int { max(1, bodyHeight(app) - 1) }
    /// The log's text columns: the width less the line numbers and the scrollbar.
    func logWidth(_ app: AppModel) -> Int { max(1, app.width - (currentLog?.gutterWidth ?? 6) - 2) }

    /// The file the current tab shows (a log or the kickstart record), if it is a file.
    public var shownFile: String? {
        if tab.isLog { return logSource?.path }
        if tab == .record { return attempt?.record }
        return nil
    }

    public var currentLog: LogText? { logSource.flatMap { logs[$0] } }

    // MARK: data

    /// Why a record cannot be shown, true to the attempt: one that has ended is not "still
    /// running" because its record is empty.
    static func recordProblem(_ message: String, exitCode: Int?) -> String {
        let running = " (the attempt may still be running)"
        guard let code = exitCode, message.hasSuffix(running) else { return message }
        return String(message.dropLast(running.count)) + " (the attempt ended with exit code \(code) without writing one)"
    }

    public func receive(_ update: DataUpdate, app: AppModel) {
        switch (update.key, update.payload) {
        case (.job(let d, let id), .job(let detail)) where d == directory && id == jobID:
            self.detail = detail
            error = nil
            definitionLines = JobDocuments.definition(detail, zone: app.timeZone)
            if let i = attemptIndex, i >= detail.attempts.count { attemptIndex = nil }
            attemptsCursor.set(attemptIndex ?? detail.attempts.count - 1, count: detail.attempts.count, page: bodyHeight(app) - 1)
            if recordPath != attempt?.record { recordLines = []; recordError = nil }
        case (.job(let d, let id), .failed(let message)) where d == directory && id == jobID:
            error = message
        case (.record(let path), .record(let record)) where path == attempt?.record:
            recordPath = path
            recordLines = JobDocuments.record(record, directory: directory)
            recordError = nil
        case (.record(let path), .failed(let message)) where path == attempt?.record:
            recordPath = path
            recordLines = []
            recordError = Self.recordProblem(message, exitCode: attemptDetail?.exitCode)
        case (.log(let source), .log(let text)):
            let old = logs[source]
            logs[source] = text
            for t in [Tab.stdout, .stderr] where sourceFor(t) == source {
                var v = logViews[t] ?? LogView()
                let width = logWidth(app), page = logPage(app)
                if let target = logTargets[t], LogTarget.holds(target, text) {
                    logTargets[t] = nil
                    LogTarget.place(target, &v, text, width: width, page: page)
                } else if let old, old.windowStart != text.windowStart || old.lineOffsets.first != text.lineOffsets.first {
                    // Another part of the file: the same lines stay in view.
                    v.top = text.lineIndex(ofByte: old.byte(ofLine: v.top))
                    v.topSub = 0
                    v.match = v.match.flatMap { m in
                        let b = old.byte(ofLine: m)
                        return b >= text.windowStart && b < text.windowEnd ? text.lineIndex(ofByte: b) : nil
                    }
                }
                if v.follow && text.atEnd { v.toBottom(lines: text.lines, width: width, page: page) }
                v.top = max(0, min(v.top, text.lines.count - 1))
                logViews[t] = v
            }
        default:
            break
        }
    }

    private func sourceFor(_ t: Tab) -> LogSource? {
        guard let a = attempt else { return nil }
        return t == .stdout ? a.stdout : t == .stderr ? a.stderr : nil
    }

    public func resized(app: AppModel) {
        for t in [Tab.stdout, .stderr] {
            guard var v = logViews[t], let s = sourceFor(t), let text = logs[s] else { continue }
            if v.follow { v.toBottom(lines: text.lines, width: logWidth(app), page: logPage(app)) }
            logViews[t] = v
        }
    }

    // MARK: commands

    public func availability(_ command: Command, app: AppModel) -> Availability {
        switch command {
        case .retry:
            guard let d = detail else { return .disabled("retry: the job is still loading") }
            return RunActions.retry([(jobID, state, d.analysis.attempts.last?.reason)], kind: runKind).0
        case .kill:
            guard let d = detail else { return .disabled("kill: the job is still loading") }
            return RunActions.kill([(jobID, state, nil)], kind: runKind, engineAlive: d.analysis.condition.engine?.alive ?? false).0
        case .search, .searchNext, .searchPrevious, .wrap, .follow, .left, .right, .lineStart, .lineEnd:
            if !tab.isLog { return .disabled("\(command == .follow ? "follow" : command == .wrap ? "wrap" : "search"): open a log first (o stdout, e stderr)") }
            if (command == .searchNext || command == .searchPrevious), logViews[tab]?.search.isEmpty ?? true { return .disabled("no search yet: / to search") }
            return .enabled
        case .copyPath:
            return shownFile == nil ? .disabled("copy: this tab shows no file (o stdout, e stderr, 3 record)") : .enabled
        case .pager:
            if !tab.isLog { return .disabled("pager: open a log first (o stdout, e stderr)") }
            if logSource?.path == nil { return .disabled("pager: this output is kept in the run database, not in a file") }
            return .enabled
        case .previousAttempt, .nextAttempt:
            guard let d = detail, d.attempts.count > 1 else { return .disabled("this job has \(detail?.attempts.count ?? 0 == 1 ? "one attempt" : "no attempts")") }
            return .enabled
        case .tabRecord, .tabStdout, .tabStderr:
            return .enabled
        case .open:
            return tab == .attempts && !(detail?.attempts.isEmpty ?? true) ? .enabled : .disabled("open: choose an attempt in the Attempts tab")
        default:
            return .enabled
        }
    }

    public func handle(_ command: Command, app: AppModel) -> [Effect] {
        switch command {
        case .nextPane: setTab(Tab(rawValue: (tab.rawValue + 1) % Tab.allCases.count)!, app)
        case .previousPane: setTab(Tab(rawValue: (tab.rawValue + Tab.allCases.count - 1) % Tab.allCases.count)!, app)
        case .tabDefinition: setTab(.definition, app)
        case .tabAttempts: setTab(.attempts, app)
        case .tabRecord: setTab(.record, app)
        case .tabStdout: setTab(.stdout, app)
        case .tabStderr: setTab(.stderr, app)
        case .previousAttempt, .nextAttempt:
            guard let d = detail else { return [] }
            let current = attemptIndex ?? d.attempts.count - 1
            selectAttempt(current + (command == .nextAttempt ? 1 : -1), app)
            app.notify("attempt \((attemptIndex ?? 0) + 1) of \(d.attempts.count)")
        case .open:
            selectAttempt(attemptsCursor.index, app)
            let failed = (attemptDetail?.exitCode ?? 0) != 0
            setTab(failed ? .stderr : .stdout, app)
        case .retry:
            return [.control(ControlRequest(runDirectory: directory, action: .retry([jobID])))]
        case .kill:
            app.confirm("kill", ["Kill the job \(jobID)?", "", "It gets SIGTERM, then SIGKILL after 5 s; the attempt fails and", "is retried if its dagman.RETRY allows."],
                        [.control(ControlRequest(runDirectory: directory, action: .kill([jobID])))])
        case .showFailures:
            app.push(FailuresScreen(directory: directory, label: detail?.analysis.label ?? "", kind: runKind))
        case .showStatistics:
            app.push(StatisticsScreen(directory: directory, label: detail?.analysis.label ?? "", kind: runKind))
        case .pager:
            guard let path = logSource?.path else { return [] }
            return [.openPager(path, line: pagerLine)]
        case .copyPath:
            guard let path = shownFile else { return [] }
            return [.copy(path)]
        case .search:
            app.prompt = Prompt(kind: .search, text: "")
        case .searchNext, .searchPrevious:
            return findNext(forward: command == .searchNext, from: nil, app)
        case .wrap:
            var v = logViews[tab] ?? LogView()
            v.wrap.toggle()
            v.topSub = 0
            v.left = 0
            if v.follow, let text = currentLog { v.toBottom(lines: text.lines, width: logWidth(app), page: logPage(app)) }
            logViews[tab] = v
            app.notify("wrap \(v.wrap ? "on" : "off")")
        case .follow:
            var v = logViews[tab] ?? LogView()
            v.follow.toggle()
            logViews[tab] = v
            app.notify("follow \(v.follow ? "on: new output scrolls into view" : "off")")
            if v.follow { return move(.bottom, app) }
        case .left, .right:
            var v = logViews[tab] ?? LogView()
            if !v.wrap { v.left = max(0, v.left + (command == .right ? 8 : -8)) }
            logViews[tab] = v
        case .lineStart, .lineEnd:
            var v = logViews[tab] ?? LogView()
            guard !v.wrap, let text = currentLog else { return [] }
            if command == .lineStart {
                v.left = 0
            } else {
                let shown = text.lines[min(v.top, text.lines.count)..<min(text.lines.count, v.top + logPage(app))]
                let longest = shown.map { TextWidth.of(Untrusted.displayLine(Substring($0))) }.max() ?? 0
                v.left = max(0, longest - logWidth(app))
            }
            logViews[tab] = v
        default:
            return move(command, app)
        }
        return []
    }

    func setTab(_ t: Tab, _ app: AppModel) {
        tab = t
        if t.isLog, var v = logViews[t], v.follow, let s = logSource, let text = logs[s] {
            v.toBottom(lines: text.lines, width: logWidth(app), page: logPage(app))
            logViews[t] = v
        }
    }

    func selectAttempt(_ i: Int, _ app: AppModel) {
        guard let d = detail, !d.attempts.isEmpty else { return }
        let clamped = min(max(0, i), d.attempts.count - 1)
        attemptIndex = clamped == d.attempts.count - 1 ? nil : clamped
        attemptsCursor.set(clamped, count: d.attempts.count, page: bodyHeight(app) - 1)
        recordLines = []
        recordError = nil
        recordPath = nil
        logViews = [.stdout: LogView(), .stderr: LogView()]
    }

    @discardableResult
    private func move(_ command: Command, _ app: AppModel) -> [Effect] {
        switch tab {
        case .definition, .record:
            let lines = tab == .definition ? definitionLines.count : recordLines.count
            let page = bodyHeight(app)
            var c = ListCursor(index: scroll[tab] ?? 0, top: scroll[tab] ?? 0)
            let maxTop = max(0, lines - page)
            switch command {
            case .down: c.top += 1
            case .up: c.top -= 1
            case .pageDown: c.top += page - 1
            case .pageUp: c.top -= page - 1
            case .halfPageDown: c.top += page / 2
            case .halfPageUp: c.top -= page / 2
            case .top: c.top = 0
            case .bottom: c.top = maxTop
            default: return []
            }
            scroll[tab] = min(max(0, c.top), maxTop)
        case .attempts:
            guard let d = detail else { return [] }
            if attemptsCursor.apply(command, count: d.attempts.count, page: bodyHeight(app) - 1) {
                selectAttempt(attemptsCursor.index, app)
            }
        case .stdout, .stderr:
            guard let text = currentLog else { return [] }
            var v = logViews[tab] ?? LogView()
            let page = logPage(app), width = logWidth(app)
            lastWidth = width; lastPage = page
            let path = logSource?.path
            switch command {
            case .down: v.down(1, lines: text.lines, width: width, page: page)
            case .up: v.up(1, lines: text.lines, width: width)
            case .pageDown: v.down(page - 1, lines: text.lines, width: width, page: page)
            case .pageUp: v.up(page - 1, lines: text.lines, width: width)
            case .halfPageDown: v.down(page / 2, lines: text.lines, width: width, page: page)
            case .halfPageUp: v.up(page / 2, lines: text.lines, width: width)
            case .top:
                v.follow = false
                if text.windowStart == 0 || path == nil {
                    v.top = 0; v.topSub = 0
                } else {
                    logViews[tab] = v
                    return goTo(.top, request: .at(byte: 0, line: 0))
                }
            case .bottom:
                if text.atEnd || path == nil {
                    v.toBottom(lines: text.lines, width: width, page: page)
                } else {
                    logViews[tab] = v
                    return goTo(.bottom, request: .tail)
                }
            default: return []
            }
            logViews[tab] = v
            return prefetch(text, v, page: page, down: [.down, .pageDown, .halfPageDown].contains(command))
        }
        return []
    }

    /// Where each log tab goes when the part of the file it asked for arrives.
    var logTargets: [Tab: LogTarget] = [:]
    /// The window start a neighbouring window was already asked for (once per window).
    private var prefetched: [Tab: Int] = [:]

    /// Asks for the part of the file holding `target`; the view goes there when it arrives.
    private func goTo(_ target: LogTarget, request: LogWindowRequest) -> [Effect] {
        guard let path = logSource?.path else { return [] }
        if let text = currentLog, LogTarget.holds(target, text) {
            var v = logViews[tab] ?? LogView()
            LogTarget.place(target, &v, text, width: lastWidth, page: lastPage)
            logViews[tab] = v
            return []
        }
        logTargets[tab] = target
        return [.moveLog(path: path, to: request)]
    }

    /// Near either edge of a huge log's window, the window around the view is asked for, so
    /// paging goes on through the whole file with no wait at the edge.
    private func prefetch(_ text: LogText, _ v: LogView, page: Int, down: Bool) -> [Effect] {
        guard let path = logSource?.path, text.truncated else { return [] }
        let nearEnd = down && !text.atEnd && v.top + 3 * page >= text.lines.count
        let nearStart = !down && text.windowStart > 0 && v.top < 2 * page
        guard nearEnd || nearStart, prefetched[tab] != text.windowStart else { return [] }
        prefetched[tab] = text.windowStart
        return [.moveLog(path: path, to: .at(byte: text.byte(ofLine: v.top), line: text.firstLine.map { $0 + v.top }))]
    }

    /// The width and page of the last layout (for placing a view outside a key's handling).
    private var lastWidth = 80, lastPage = 20

    /// `:N`: line N of the log (loading the part of the file that holds it).
    func goToLine(_ n: Int, _ app: AppModel) -> [Effect] {
        guard let text = currentLog else { return [] }
        lastWidth = logWidth(app); lastPage = logPage(app)
        var v = logViews[tab] ?? LogView()
        v.follow = false
        logViews[tab] = v
        let line = max(0, min(n - 1, (text.totalLines ?? Int.max) - 1))
        if logSource?.path == nil || !text.truncated {
            LogTarget.place(.line(line, match: false), &v, text, width: lastWidth, page: lastPage)
            logViews[tab] = v
            return []
        }
        if let index = text.index, !index.complete, line > index.lines {
            app.notify("line \(Format.count(n)): indexing has counted \(Format.count(index.lines)) lines so far (\(Int(index.fraction * 100))%); going there when it gets that far")
        }
        return goTo(.line(line, match: false), request: .line(line))
    }

    /// The line (1-based) of the last match found by a whole-file search: P opens the pager there.
    public var pagerLine: Int?

    /// The background search of the file ended: the match is shown in place, the part of
    /// the file that holds it loaded first if need be.
    public func fileSearchEnded(_ outcome: FileSearch.Outcome, pattern: String, app: AppModel) -> [Effect] {
        switch outcome {
        case .found(let m):
            guard tab.isLog, let text = currentLog else { return [] }
            lastWidth = logWidth(app); lastPage = logPage(app)
            pagerLine = m.line
            let number = m.line ?? (m.byte >= text.windowStart && m.byte < text.windowEnd ? text.number(text.lineIndex(ofByte: m.byte)) : nil)
            app.notify("/\(pattern): line \(number.map(Format.count) ?? "?")\(m.wrapped ? " (search wrapped)" : "")")
            var v = logViews[tab] ?? LogView()
            v.follow = false
            logViews[tab] = v
            return goTo(.byte(m.byte, match: true), request: .at(byte: m.byte, line: m.line.map { $0 - 1 }))
        case .notFound: app.notify("not found in the whole file: \(pattern)", error: true)
        case .cancelled: app.notify("search stopped")
        case .failed(let why): app.notify(why, error: true)
        }
        return []
    }

    @discardableResult
    private func findNext(forward: Bool, from: Int?, _ app: AppModel) -> [Effect] {
        guard let text = currentLog, var v = logViews[tab], !v.search.isEmpty else { return [] }
        if text.truncated, let path = logSource?.path {
            // Only part of a huge log is loaded: search the file itself, in the background.
            let current = from.map { forward ? $0 - 1 : $0 + 1 } ?? (v.match ?? v.top)
            let ranges: [FileSearch.Range]
            if forward {
                let start = text.byte(ofLine: current + 1)
                ranges = [.init(start: start, end: text.size, firstLine: text.firstLine.map { $0 + current + 1 }), .init(start: 0, end: start, firstLine: 0)]
            } else {
                let end = text.byte(ofLine: current)
                ranges = [.init(start: 0, end: end, firstLine: 0), .init(start: end, end: text.size, firstLine: text.firstLine.map { $0 + current })]
            }
            app.fileSearch = v.search
            app.notify("searching the whole log for '\(v.search)' ... (Esc stops)")
            return [.searchFile(path: path, pattern: v.search, ranges: ranges, last: !forward)]
        }
        let start = from ?? ((v.match ?? v.top) + (forward ? 1 : -1))
        guard let (line, wrapped) = LogView.find(v.search, in: text.lines, from: start, forward: forward) else {
            v.match = nil
            logViews[tab] = v
            app.notify("not found: \(v.search)", error: true)
            return []
        }
        v.match = line
        v.reveal(line, lines: text.lines, width: logWidth(app), page: logPage(app))
        logViews[tab] = v
        pagerLine = text.number(line)
        let total = text.lines.reduce(0) { $0 + ($1.range(of: v.search, options: .caseInsensitive) != nil ? 1 : 0) }
        app.notify("/\(v.search): line \(Format.count((text.firstLine ?? 0) + line + 1)), \(total) matching line\(total == 1 ? "" : "s")\(wrapped ? " (search wrapped)" : "")")
        return []
    }

    public func promptAccepted(_ prompt: Prompt, app: AppModel) -> [Effect] {
        guard prompt.kind == .search, tab.isLog else { return [] }
        var v = logViews[tab] ?? LogView()
        v.search = prompt.text
        v.match = nil
        logViews[tab] = v
        return prompt.text.isEmpty ? [] : findNext(forward: true, from: v.top, app)
    }

    public func command(_ words: [String], app: AppModel) -> [Effect]? {
        switch words[0] {
        case "retry": return app.perform(.retry)
        case "kill": return app.perform(.kill)
        case let word where Int(word) != nil && tab.isLog:
            return goToLine(Int(word)!, app)
        case "attempt":
            if words.count == 2, let n = Int(words[1]) { selectAttempt(n - 1, app); return [] }
            app.notify("usage: :attempt N", error: true)
            return []
        default: return nil
        }
    }

    public func mouse(_ event: MouseEvent, app: AppModel) -> [Effect] {
        switch event.kind {
        case .wheelUp: return (0..<3).flatMap { _ in move(.up, app) }
        case .wheelDown: return (0..<3).flatMap { _ in move(.down, app) }
        case .press:
            if event.y == Layout.jobTabsRow(width: app.width, height: app.height) {
                var x = 1
                for t in Tab.allCases {
                    let w = TextWidth.of(JobScreen.tabLabel(t)) + 1
                    if event.x >= x && event.x < x + w { setTab(t, app); return [] }
                    x += w + 1
                }
            } else if tab == .attempts, let d = detail {
                let body = Layout.jobBody(width: app.width, height: app.height)
                let i = attemptsCursor.top + event.y - body.y - 1
                if event.y > body.y, i >= 0, i < d.attempts.count {
                    if i == attemptsCursor.index { return app.perform(.open) }
                    selectAttempt(i, app)
                }
            }
        case .release: break
        }
        return []
    }

    public static func tabLabel(_ t: Tab) -> String { "\(t.rawValue + 1) \(t.title)" }

    public func status(app: AppModel) -> DocLine? {
        if let error, detail == nil { return DocLine(error, .error) }
        guard detail != nil else { return DocLine("reading \(jobID) ...", .dim) }
        switch tab {
        case .stdout, .stderr:
            guard let s = logSource else { return nil }
            switch s {
            case .file(let p):
                if let index = currentLog?.index, !index.complete {
                    // Indexing a huge log: keys work meanwhile; line numbers come with it.
                    return DocLine([.init("indexing lines: \(Int(index.fraction * 100))% (\(Format.count(index.lines)) so far)  ", .text), .init(p, .dim)])
                }
                return .path(p)
            case .text: return DocLine("\(tab.title) of attempt \((attemptDetail?.attempt).map(String.init) ?? "?"), as the run database holds it", .dim)
            case .none(let why): return DocLine(why, .dim)
            }
        case .record:
            return attempt?.record.map { .path($0) } ?? DocLine("no record", .dim)
        default:
            if let a = attemptDetail, let reason = a.reason, (a.exitCode ?? 0) != 0 {
                return DocLine([.init("attempt \(a.attempt): ", .text), .init(reason, .error)])
            }
            return .path(directory)
        }
    }
}

/// The Job screen's documents, built once per load (they are view models: text and roles).
enum JobDocuments {
    static func definition(_ d: JobDetail, zone: TimeZone) -> [DocLine] {
        let a = d.analysis
        let def = d.definition
        var lines: [DocLine] = []
        lines.append(DocLine([.init(a.job, .header), .init("  \(def.kind)" + (d.kind == .pegasus ? "  (Pegasus run: read-only)" : ""), .dim)]))
        lines.append(.field("state", a.state, role: DisplayState(rawValue: a.state == "done" ? "done" : a.state)?.role ?? .text))
        lines.append(.field("attempts", "\(a.attempts.count) made, \(a.maxAttempts) allowed"))
        if let t = def.transformation { lines.append(.field("transformation", t)) }
        lines.append(.field("executable", def.executable ?? "-"))
        if def.arguments.isEmpty {
            lines.append(.field("arguments", "(none)"))
        } else {
            for (i, arg) in def.arguments.enumerated() { lines.append(.field(i == 0 ? "arguments" : "", Format.shellWord(arg))) }
        }
        lines.append(.field("site", (def.site ?? "-") + (def.executor.map { $0 == "local" ? "" : "  (executor \($0))" } ?? "")))
        if let w = def.workingDirectory { lines.append(.field("working dir", w)) }
        if let r = def.retries { lines.append(.field("retries", "\(r)")) }
        if let w = def.maxWalltime { lines.append(.field("max walltime", Format.duration(w))) }
        if let p = def.priority, p != 0 { lines.append(.field("priority", "\(p)")) }
        if let c = def.category { lines.append(.field("category", c)) }
        for (name, value) in [("stdin", def.stdin), ("stdout", def.stdout), ("stderr", def.stderr)] { if let v = value { lines.append(.field(name, v)) } }
        lines.append(.field("inputs", def.inputs.isEmpty ? "-" : def.inputs.joined(separator: "  ")))
        lines.append(.field("outputs", def.outputs.isEmpty ? "-" : def.outputs.joined(separator: "  ")))
        lines.append(.field("parents", a.parents.isEmpty ? "-" : a.parents.joined(separator: "  ")))
        lines.append(.field("children", a.children.isEmpty ? "-" : a.children.joined(separator: "  ")))
        lines += ClusterDocuments.definition(def.tasks)
        if !def.profiles.isEmpty {
            lines.append(.blank)
            lines.append(.heading("Profiles"))
            for (k, v) in def.profiles { lines.append(.field(k, v, width: 28)) }
        }
        if !def.environment.isEmpty {
            lines.append(.blank)
            lines.append(.heading("Environment"))
            for (k, v) in def.environment { lines.append(.field(k, v, width: 28)) }
        }
        return lines
    }

    static func record(_ r: KickstartRecord, directory: String) -> [DocLine] {
        var lines: [DocLine] = ClusterDocuments.summary(r)
        let path = r.path.hasPrefix(directory + "/") ? String(r.path.dropFirst(directory.count + 1)) : r.path
        for (n, inv) in r.invocations.enumerated() {
            if n > 0 { lines.append(.blank) }
            lines.append(DocLine([.init(ClusterDocuments.title(r, n) ?? "Invocation \(n + 1) of \(r.invocations.count)", .header), .init("  " + path, .dim)]))
            let failed = inv.failure != nil || inv.signal != nil || (inv.exitCode ?? 0) != 0
            lines.append(.field("outcome", inv.outcome, role: failed ? .failed : .done))
            if let raw = inv.rawStatus { lines.append(.field("raw status", "\(raw)")) }
            lines.append(.field("start", inv.mainStart ?? inv.start ?? "-"))
            lines.append(.field("duration", inv.mainDuration.map { String(format: "%.3f s", $0) } ?? inv.duration.map { String(format: "%.3f s", $0) } ?? "-"))
            if let cpu = inv.cpu {
                lines.append(.field("cpu", String(format: "%.3f s (user %.3f, system %.3f)", cpu, inv.utime ?? 0, inv.stime ?? 0)))
            }
            lines.append(.field("max rss", Format.kib(inv.maxrssKB)))
            lines.append(.field("host", (inv.hostname ?? "-") + (inv.hostaddr.map { "  (\($0))" } ?? "")))
            if let u = inv.user { lines.append(.field("user", u)) }
            if let s = inv.resource { lines.append(.field("site", s)) }
            lines.append(.field("cwd", inv.cwd ?? "-"))
            if let t = inv.transformation { lines.append(.field("transformation", t)) }
            lines.append(.field("executable", inv.executable ?? "-"))
            for (i, arg) in inv.arguments.enumerated() { lines.append(.field(i == 0 ? "argv" : "", Format.shellWord(arg))) }
            if !inv.files.isEmpty {
                lines.append(.blank)
                lines.append(.heading("Files"))
                let nameWidth = min(28, max(6, inv.files.map { $0.name.count }.max() ?? 6))
                for f in inv.files {
                    let name = f.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                    let size = Format.bytes(f.size).padding(toLength: 10, withPad: " ", startingAt: 0)
                    var segments: [DocLine.Segment] = [.init("  " + name + "  ", f.output ? .text : .dim), .init(size + "  ")]
                    segments.append(.init(f.sha256.map { "sha256 " + $0 } ?? "", .dim))
                    if let p = f.path { segments.append(.init("  " + p, .dim)) }
                    lines.append(DocLine(segments))
                }
            }
            if let e = inv.stderrData, !e.isEmpty {
                lines.append(.blank)
                lines.append(.heading("stderr (in the record)"))
                for l in e.split(separator: "\n", omittingEmptySubsequences: false).prefix(50) { lines.append(DocLine("  " + l)) }
            }
            lines += ClusterDocuments.output(r, inv)
            if !inv.machine.isEmpty {
                lines.append(.blank)
                lines.append(.heading("Machine"))
                for (k, v) in inv.machine { lines.append(.field(k, v, width: 18)) }
            }
        }
        return lines
    }
}
