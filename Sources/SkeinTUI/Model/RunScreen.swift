import Foundation
import SkeinReports

/// One run: its counts and progress, and its jobs as a DAG tree (or grouped by level or
/// transformation), with marks, collapse, filter, jump to failures, and actions.
public final class RunScreen: ScreenModel {
    public enum View: String, CaseIterable, Sendable {
        case tree, level, transformation, workflow

        public var title: String {
            switch self {
            case .tree: return "tree"
            case .level: return "by level"
            case .transformation: return "by transformation"
            case .workflow: return "by workflow"
            }
        }
    }

    public let kind = ScreenKind.run
    public let directory: String
    public let label: String
    public let runKind: RunLocation.Kind
    public var breadcrumb: String { data?.status.label ?? counts?.label ?? label }
    public var wanted: Set<DataKey> { [.run(directory)] }

    public private(set) var data: RunData?
    /// A huge run's counts (read first, from the database) while its jobs are still being
    /// read: the header shows them and a loading line; `data` replaces them.
    public private(set) var counts: StatusReport?
    /// The jobs grouped by workflow (a run with sub-workflows), built when first shown.
    var byWorkflowTree: FlatTree?
    public private(set) var error: String?
    public private(set) var view = View.tree
    private var folds: [View: Folds] = [:]
    /// Visible rows: indices into the current view's `FlatTree`, ascending.
    public private(set) var rows: [Int32] = []
    public var cursor = ListCursor()
    public private(set) var filter = ""
    public private(set) var marks = Set<String>()
    /// Where each marked job was when marked (checked against its name before use): the
    /// actions find marked jobs without the index of every id, still being built at first.
    private var markedAt: [String: Int32] = [:]
    /// The job list sorted by a column (a flat list, as a filter makes it); nil: the view's order.
    public private(set) var sort: SortColumn?
    public private(set) var ascending = true
    /// The detail pane beside the list on wide terminals (`i` hides it for longer names).
    public private(set) var showDetail = true

    /// Every column of the job list can sort it (WORKFLOW: a run with sub-workflows).
    public enum SortColumn: String, CaseIterable, Sendable {
        case job, workflow, transformation, attempt, site, host, duration, exit, state
    }


    /// The commands that act on jobs: while only a huge run's counts are read, they say so.
    static let needJobs: Set<Command> = [.open, .retry, .kill, .nextFailed, .previousFailed, .nextRunning, .previousRunning, .markAll, .mark,
                                         .clearMarks, .collapse, .expand, .collapseAll, .expandAll]

    static func stillLoading(_ counts: StatusReport) -> String {
        "still loading \(Format.count(counts.totals.total)) jobs: try again in a moment"
    }

    public init(directory: String, label: String, kind: RunLocation.Kind) {
        self.directory = directory
        self.label = label
        self.runKind = kind
    }

    public var tree: FlatTree? {
        guard let d = data else { return nil }
        switch view {
        case .tree: return d.tree
        case .workflow: return byWorkflow
        case .level: return d.byLevel
        case .transformation: return d.byTransformation
        }
    }

    /// The selected row of the current view, and its job (nil on a group header).
    public var selectedRow: Int? { rows.isEmpty ? nil : Int(rows[cursor.index]) }
    public var selectedJob: Int? {
        guard let r = selectedRow, let t = tree, t.node[r] >= 0 else { return nil }
        return Int(t.node[r])
    }

    public func isCollapsed(_ row: Int) -> Bool {
        guard let t = tree, t.hasChildren(row) else { return false }
        return folds[view]?.isCollapsed(t.node[row]) ?? false
    }

    func page(_ app: AppModel) -> Int { Layout.runList(width: app.width, height: app.height, detail: showDetail).height }

    public func receive(_ update: DataUpdate, app: AppModel) {
        guard update.key == .run(directory) else { return }
        switch update.payload {
        case .run(let d):
            let keep = selectionKey()
            data = d
            counts = nil
            byWorkflowTree = nil
            error = nil
            rebuild(app, keep: keep)
        case .runCounts(let report):
            if data == nil { counts = report }
        case .failed(let message):
            error = message
        default:
            break
        }
    }

    /// What the selection is on, to find it again after a reload, a fold or a filter: a
    /// group's header, or a job by (workflow, id), since a sub-workflow may repeat an id.
    typealias SelectionKey = (node: Int32, id: String?, workflow: String?)

    private func selectionKey() -> SelectionKey? {
        guard let r = selectedRow, let t = tree else { return nil }
        return key(t.node[r])
    }

    private func key(_ n: Int32) -> SelectionKey {
        guard n >= 0, let d = data else { return (n, nil, nil) }
        return (n, d.jobs[Int(n)].id, d.jobs[Int(n)].workflow)
    }

    /// Recomputes the visible rows (collapse or filter), keeping the selection on its job.
    /// Costs what the visible rows cost: folded subtrees are skipped by their sizes, and
    /// the selection's row is looked up, not searched for.
    func rebuild(_ app: AppModel, keep: SelectionKey?) {
        guard let t = tree, let d = data else { rows = []; return }
        var out: [Int32] = []
        if !filter.isEmpty {
            let f = filter.lowercased()
            let byStateOnly = f.hasPrefix("state:")
            let state = DisplayState(rawValue: byStateOnly ? String(f.dropFirst(6)) : f)
            // workflow:NAME (wf:NAME): the jobs of the workflows whose label holds NAME.
            let workflows = ["workflow:", "wf:"].first { f.hasPrefix($0) }.map { prefix in
                Set(d.status.workflows.map(\.label).filter { $0.lowercased().contains(f.dropFirst(prefix.count)) })
            }
            let hit = byStateOnly || workflows != nil ? [] : d.matching(Array(f.utf8))
            for i in 0..<t.count {
                let n = t.node[i]
                guard n >= 0, t.flags[i] & FlatTree.reference == 0 else { continue }
                let j = Int(n)
                if let workflows {
                    if workflows.contains(d.jobs[j].workflow) { out.append(Int32(i)) }
                } else if d.display[j] == state || (!byStateOnly && hit[j]) {
                    out.append(Int32(i))
                }
            }
        } else {
            out = (folds[view] ?? Folds()).visibleRows(t)
        }
        if let sort { out = sorted(out, by: sort, t, d, now: app.now) }
        rows = out
        if let keep, let found = visibleIndex(of: keep, t, d) { cursor.index = found }
        cursor.clamp(count: rows.count, page: page(app))
    }

    /// Where the kept selection shows now: its job's full row, else a reference to it.
    private func visibleIndex(of keep: SelectionKey, _ t: FlatTree, _ d: RunData) -> Int? {
        var node = keep.node
        if node >= 0, let id = keep.id {
            // The same index after a reload, unless the jobs moved; then by (workflow, id).
            if Int(node) >= d.jobs.count || d.jobs[Int(node)].id != id
                || (keep.workflow != nil && d.jobs[Int(node)].workflow != keep.workflow) {
                guard let j = Self.job(id, workflow: keep.workflow, in: d) else { return nil }
                node = j
            }
        }
        let row = t.row(of: node)
        if row >= 0 {
            if sort == nil {
                let k = lowerBound(Int32(row))
                if k < rows.count, rows[k] == Int32(row) { return k }
            } else if let k = rows.firstIndex(of: Int32(row)) {
                return k
            }
        }
        return node >= 0 ? rows.firstIndex { t.node[Int($0)] == node } : nil
    }

    /// The first visible index whose row is not below `row` (visible rows ascend unless sorted).
    private func lowerBound(_ row: Int32) -> Int {
        var lo = 0, hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if rows[mid] < row { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    public func resized(app: AppModel) { cursor.clamp(count: rows.count, page: page(app)) }

    /// `rows` (or, unfiltered, every job of the view once) ordered by `column`; ties keep
    /// the view's order.
    private func sorted(_ rows: [Int32], by column: SortColumn, _ t: FlatTree, _ d: RunData, now: Double) -> [Int32] {
        let jobs = filter.isEmpty ? (0..<Int32(t.count)).filter { t.node[Int($0)] >= 0 && !t.isReference(Int($0)) } : rows
        func job(_ r: Int32) -> Int { Int(t.node[Int(r)]) }
        func text(_ j: Int) -> String {
            switch column {
            case .job: return d.jobs[j].id
            case .workflow: return d.jobs[j].workflow
            case .transformation: return d.transformation[j]
            case .site: return d.jobs[j].site ?? ""
            case .host: return d.jobs[j].host ?? ""
            case .state: return d.display[j].rawValue
            default: return ""
            }
        }
        func number(_ j: Int) -> Double {
            switch column {
            case .attempt: return Double(d.jobs[j].attempt)
            case .duration: return d.duration(j, now: now) ?? -1
            case .exit: return d.jobs[j].exitCode.map(Double.init) ?? -.infinity
            default: return 0
            }
        }
        let numeric = [SortColumn.attempt, .duration, .exit].contains(column)
        let keyed = jobs.map { r -> (Int32, String, Double) in (r, numeric ? "" : text(job(r)), numeric ? number(job(r)) : 0) }
        let asc = ascending
        return keyed.sorted { a, b in
            if numeric, a.2 != b.2 { return asc ? a.2 < b.2 : a.2 > b.2 }
            if !numeric, a.1 != b.1 {
                let less = a.1.localizedStandardCompare(b.1) == .orderedAscending
                return asc ? less : !less
            }
            return a.0 < b.0
        }.map(\.0)
    }

    /// Sorts the job list by `column` (nil: back to the view's order). Names read best A→Z;
    /// numbers biggest first.
    public func setSort(_ column: SortColumn?, ascending asc: Bool?, app: AppModel) {
        let keep = selectionKey()
        sort = column
        if let column { ascending = asc ?? ![SortColumn.attempt, .duration, .exit].contains(column) }
        rebuild(app, keep: keep)
        if let column { app.notify("sorted by \(column.rawValue), \(ascending ? "ascending" : "descending") (:sort none: the \(view.title) again)") }
        else { app.notify("sort: off (\(view.title))") }
    }

    /// The jobs actions apply to: the marked ones, else the selected one; each by its name
    /// (`workflow/id` for a job of a sub-workflow, as marks keep them).
    public func targets() -> [(id: String, state: DisplayState, reason: String?)] {
        guard let d = data else { return [] }
        if !marks.isEmpty {
            return marks.sorted().compactMap { marked in
                // Where it was when marked, if still so; else looked up (the id index).
                let at = markedAt[marked].map(Int.init).flatMap { $0 < d.jobs.count && name($0, d) == marked ? $0 : nil }
                return (at ?? job(named: marked, d)).map { (marked, d.display[$0], d.jobs[$0].reason) }
            }
        }
        guard let j = selectedJob else { return [] }
        return [(name(j, d), d.display[j], d.jobs[j].reason)]
    }

    public func availability(_ command: Command, app: AppModel) -> Availability {
        let loadedData = data
        if data == nil, let counts, Self.needJobs.contains(command) { return .disabled(Self.stillLoading(counts)) }
        switch command {
        case .open:
            return selectedRow == nil ? .disabled("open: no job selected") : .enabled
        case .retry:
            return RunActions.retry(targets(), kind: runKind).0
        case .kill:
            return RunActions.kill(targets(), kind: runKind, engineAlive: loadedData?.engineAlive ?? false).0
        case .halt:
            return RunActions.halt(kind: runKind, condition: loadedData?.status.condition)
        case .resume:
            return RunActions.resume(kind: runKind, condition: loadedData?.status.condition)
        case .remove:
            return RunActions.remove(kind: runKind, condition: loadedData?.status.condition)
        case .nextFailed, .previousFailed:
            guard let d = loadedData else { return .disabled("no jobs yet") }
            return d.status.totals.failed > 0 ? .enabled : .disabled("no job has failed in this run")
        case .nextRunning, .previousRunning:
            guard let d = loadedData else { return .disabled("no jobs yet") }
            return d.display.contains { $0 == .running || $0 == .retrying } ? .enabled : .disabled("no job is running now")
        case .markAll:
            return rows.isEmpty ? .disabled("mark: no job shown") : .enabled
        case .toggleDetail:
            return app.width >= 150 ? .enabled : .disabled("the detail pane shows from 150 columns (now \(app.width))")
        case .mark:
            return selectedJob == nil ? .disabled("mark: select a job (not a group)") : .enabled
        case .clearMarks:
            return marks.isEmpty ? .disabled("no job is marked") : .enabled
        case .collapse, .expand, .collapseAll, .expandAll:
            if sort != nil { return .disabled("the sorted list is flat: :sort none to fold") }
            return filter.isEmpty ? .enabled : .disabled("the filtered list is flat: clear the filter (/ then Esc) to fold")
        default:
            return .enabled
        }
    }

    public func handle(_ command: Command, app: AppModel) -> [Effect] {
        if cursor.apply(command, count: rows.count, page: page(app)) { return [] }
        guard let d = data, let t = tree else {
            // The keys that need the jobs wait for them (a filter or a sort typed now applies then).
            if let counts { app.notify(Self.stillLoading(counts)) }
            return []
        }
        switch command {
        case .open:
            guard let r = selectedRow else { return [] }
            if t.node[r] < 0 {
                toggle(r, app)
            } else {
                let (screen, note) = SubWorkflowNavigation.open(Int(t.node[r]), in: d, directory: directory, kind: runKind)
                app.push(screen)
                if let note { app.notify(note) }
            }
        case .collapse:
            guard let r = selectedRow else { return [] }
            if t.hasChildren(r) && !isCollapsed(r) {
                toggle(r, app)
            } else if t.parentRow[r] >= 0 {
                select(row: Int(t.parentRow[r]), app)
            }
        case .expand:
            guard let r = selectedRow else { return [] }
            if isCollapsed(r) { toggle(r, app) } else if t.hasChildren(r) { cursor.move(1, count: rows.count, page: page(app)) }
        case .collapseAll:
            folds[view] = Folds(all: true)
            rebuild(app, keep: topLevelSelection())
        case .expandAll:
            folds[view] = Folds()
            rebuild(app, keep: selectionKey())
        case .nextFailed, .previousFailed:
            jumpTo({ $0 == .failed }, what: "failed", forward: command == .nextFailed, app)
        case .nextRunning, .previousRunning:
            jumpTo({ $0 == .running || $0 == .retrying }, what: "running", forward: command == .nextRunning, app)
        case .markAll:
            // Every job the list shows (a filter narrows it); all marked already: unmark them.
            var at: [String: Int32] = [:]
            for r in rows where t.node[Int(r)] >= 0 { at[name(Int(t.node[Int(r)]), d)] = t.node[Int(r)] }
            let shown = Set(at.keys)
            markedAt.merge(at) { _, new in new }
            if shown.isSubset(of: marks) {
                marks.subtract(shown)
                app.notify("unmarked \(Format.count(shown.count)) job\(shown.count == 1 ? "" : "s")")
            } else {
                marks.formUnion(shown)
                app.notify("marked \(Format.count(shown.count)) job\(shown.count == 1 ? "" : "s") (u clears)")
            }
        case .toggleDetail:
            showDetail.toggle()
            cursor.clamp(count: rows.count, page: page(app))
            app.notify("detail pane \(showDetail ? "shown" : "hidden (i shows it)")")
        case .cycleView:
            let all = View.allCases.filter { $0 != .workflow || isHierarchical }
            setView(all[(all.firstIndex(of: view)! + 1) % all.count], app)
        case .filter:
            app.prompt = Prompt(kind: .filter, text: filter)
        case .sort:
            // Off, then each column in turn, then off again.
            let all = SortColumn.allCases.filter { $0 != .workflow || isHierarchical }
            let next = sort.map { all.firstIndex(of: $0)! + 1 } ?? 0
            setSort(next < all.count ? all[next] : nil, ascending: nil, app: app)
        case .reverseSort:
            guard let sort else { app.notify("sort: no column chosen (s, or :sort COLUMN)", error: true); return [] }
            setSort(sort, ascending: !ascending, app: app)
        case .mark:
            guard let j = selectedJob else { return [] }
            let id = name(j, d)
            if marks.contains(id) { marks.remove(id) } else { marks.insert(id); markedAt[id] = Int32(j) }
            cursor.move(1, count: rows.count, page: page(app))
        case .clearMarks:
            marks = []
        case .retry:
            let (_, ids) = RunActions.retry(targets(), kind: runKind)
            let skipped = targets().count - ids.count
            if skipped > 0 { app.notify("retry: \(ids.count) failed job(s); \(skipped) skipped (not failed)") }
            marks = []
            return controls(ids) { .retry($0) }
        case .kill:
            let (_, ids) = RunActions.kill(targets(), kind: runKind, engineAlive: d.engineAlive)
            let list = ids.count <= 6 ? ids.joined(separator: ", ") : ids.prefix(5).joined(separator: ", ") + " and \(ids.count - 5) more"
            app.confirm("kill", ["Kill \(ids.count == 1 ? "the job" : "\(ids.count) jobs") \(list)?", "",
                                 "Each gets SIGTERM, then SIGKILL after 5 s; the attempt fails and", "is retried if its dagman.RETRY allows."],
                        controls(ids) { .kill($0) })
            marks = []
        case .halt:
            return [.control(ControlRequest(runDirectory: directory, action: .halt))]
        case .resume:
            return [.control(ControlRequest(runDirectory: directory, action: .resume))]
        case .remove:
            app.confirm("remove", ["Remove the run \(d.status.label)?", directory, "", "Every running job is killed and the run ends as removed."],
                        [.control(ControlRequest(runDirectory: directory, action: .remove))])
        case .showFailures:
            app.push(FailuresScreen(directory: directory, label: d.status.label, kind: runKind))
        case .showStatistics:
            app.push(StatisticsScreen(directory: directory, label: d.status.label, kind: runKind))
        default:
            break
        }
        return []
    }

    private func topLevelSelection() -> SelectionKey? {
        guard var r = selectedRow, let t = tree else { return nil }
        while t.parentRow[r] >= 0 { r = Int(t.parentRow[r]) }
        return key(t.node[r])
    }

    private func toggle(_ row: Int, _ app: AppModel) {
        guard let t = tree else { return }
        let n = t.node[row]
        var f = folds[view] ?? Folds()
        f.toggle(n)
        folds[view] = f
        rebuild(app, keep: key(n))
    }

    /// Selects a row of the view (a binary search: visible rows ascend).
    func select(row: Int, _ app: AppModel) {
        let lo = lowerBound(Int32(row))
        if lo < rows.count, Int(rows[lo]) == row { cursor.set(lo, count: rows.count, page: page(app)) }
    }

    public func setView(_ v: View, _ app: AppModel) {
        let keepJob = selectedJob.map { key(Int32($0)) }
        view = v
        rebuild(app, keep: keepJob)
        app.notify("view: \(v.title)")
    }

    /// Selects the next (or previous) job in a state `wanted` accepts, unfolding what hides it.
    private func jumpTo(_ wanted: (DisplayState) -> Bool, what: String, forward: Bool, _ app: AppModel) {
        guard let t = tree, let d = data, t.count > 0 else { return }
        let start = selectedRow ?? -1
        func matches(_ i: Int) -> Bool { t.node[i] >= 0 && !t.isReference(i) && wanted(d.display[Int(t.node[i])]) }
        if !filter.isEmpty || sort != nil {  // a flat list: walk its rows
            let n = rows.count
            guard n > 0 else { app.notify("the list shows no job", error: true); return }
            for step in 1...n {
                let k = ((cursor.index + (forward ? step : -step)) % n + n) % n
                if matches(Int(rows[k])) { cursor.set(k, count: n, page: page(app)); return }
            }
            app.notify("no \(what) job in the list shown", error: true)
            return
        }
        let n = t.count
        for step in 1...n {
            let i = ((start + (forward ? step : -step)) % n + n) % n
            guard matches(i) else { continue }
            // Unfold its ancestors so it shows.
            var p = Int(t.parentRow[i])
            var f = folds[view] ?? Folds()
            var changed = false
            while p >= 0 {
                if f.isCollapsed(t.node[p]) { f.toggle(t.node[p]); changed = true }
                p = Int(t.parentRow[p])
            }
            if changed {
                folds[view] = f
                rebuild(app, keep: nil)
            }
            select(row: i, app)
            let job = d.jobs[Int(t.node[i])]
            app.notify("\(name(Int(t.node[i]), d)): \(job.reason ?? what)")
            return
        }
    }

    public func promptChanged(_ prompt: Prompt, app: AppModel) {
        let keep = selectionKey()
        filter = prompt.text
        rebuild(app, keep: keep)
    }

    public func promptAccepted(_ prompt: Prompt, app: AppModel) -> [Effect] {
        promptChanged(prompt, app: app)
        return []
    }

    public func command(_ words: [String], app: AppModel) -> [Effect]? {
        switch words[0] {
        case "retry", "kill":
            let isRetry = words[0] == "retry"
            if words.count == 1 { return app.perform(isRetry ? .retry : .kill) }
            guard let d = data else { return [] }
            let ids = Array(words.dropFirst())
            // A sub-workflow's job by its name: workflow/id.
            let unknown = ids.filter { job(named: $0, d) == nil }
            if !unknown.isEmpty { app.notify("\(words[0]): no such job in this run: \(unknown.joined(separator: ", "))", error: true); return [] }
            let jobs = ids.map { id in (id: id, state: d.display[job(named: id, d)!], reason: d.jobs[job(named: id, d)!].reason) }
            let (availability, ok) = isRetry ? RunActions.retry(jobs, kind: runKind) : RunActions.kill(jobs, kind: runKind, engineAlive: d.engineAlive)
            if case .disabled(let why) = availability { app.notify(why, error: true); return [] }
            if isRetry { return controls(ok) { .retry($0) } }
            app.confirm("kill", ["Kill \(ok.joined(separator: ", "))?"], controls(ok) { .kill($0) })
            return []
        case "halt": return app.perform(.halt)
        case "resume": return app.perform(.resume)
        case "remove": return app.perform(.remove)
        case "view":
            let name = words.count > 1 ? words[1].lowercased() : ""
            guard let v = View.allCases.first(where: { $0.rawValue.hasPrefix(name) && !name.isEmpty }) else {
                app.notify("usage: :view tree|level|transformation|workflow", error: true)
                return []
            }
            setView(v, app)
            return []
        case "filter":
            promptChanged(Prompt(kind: .filter, text: words.dropFirst().joined(separator: " ")), app: app)
            return []
        case "sort":
            let name = words.count > 1 ? words[1].lowercased() : ""
            if ["none", "off", "tree", "view"].contains(name) { setSort(nil, ascending: nil, app: app); return [] }
            let aliases = ["att": "attempt", "attempts": "attempt", "wall": "duration", "time": "duration", "exitcode": "exit", "code": "exit",
                           "name": "job", "id": "job", "tr": "transformation", "wf": "workflow"]
            guard let column = SortColumn(rawValue: aliases[name] ?? name) else {
                app.notify("usage: :sort \(SortColumn.allCases.map(\.rawValue).joined(separator: "|"))|none [asc|desc]", error: true)
                return []
            }
            let asc: Bool? = words.count >= 3 ? words[2].lowercased().hasPrefix("asc") : nil
            setSort(column, ascending: asc, app: app)
            return []
        default:
            return nil
        }
    }

    public func mouse(_ event: MouseEvent, app: AppModel) -> [Effect] {
        let list = Layout.runList(width: app.width, height: app.height, detail: showDetail)
        return cursor.mouse(event, count: rows.count, list: list) == .open ? app.perform(.open) : []
    }

    public func status(app: AppModel) -> DocLine? {
        if let error, data == nil { return DocLine(error, .error) }
        if data == nil, let counts { return DocLine("reading the \(Format.count(counts.totals.total)) jobs of \(directory) ...", .dim) }
        guard let d = data else { return DocLine("reading \(directory) ...", .dim) }
        var segments: [DocLine.Segment] = []
        if !marks.isEmpty { segments.append(.init("\(marks.count) marked  ", .marked)) }
        if !filter.isEmpty { segments.append(.init("filter '\(filter)': \(rows.count) job\(rows.count == 1 ? "" : "s")  ", .dim)) }
        if let j = selectedJob {
            let job = d.jobs[j]
            if d.display[j] == .held {
                // Held is a state of its own: since when, and the batch system's whole reason.
                segments.append(.init(name(j, d) + ": ", .text))
                let since = job.heldSince.map { " since " + Format.time($0, now: app.now, zone: app.timeZone) } ?? ""
                segments.append(.init("held\(since): " + (job.reason ?? "no reason given"), .held))
            } else if let reason = job.reason {
                segments.append(.init(name(j, d) + ": ", .text))
                segments.append(.init(reason, d.display[j] == .failed ? .error : .dim))
            } else {
                segments.append(.init(name(j, d), .text))
                let p = d.parents[j].count, c = d.children[j].count
                segments.append(.init("  \(p) parent\(p == 1 ? "" : "s"), \(c) child\(c == 1 ? "" : "ren")", .dim))
            }
        } else if let r = selectedRow, let t = tree {
            segments.append(.init("\(t.groupTitles[Int(-t.node[r] - 1)]): \(t.size[r] - 1) jobs", .dim))
        }
        if let error { segments.append(.init("  (last reload failed: \(error))", .error)) }
        return DocLine(segments)
    }
}
