import SkeinText
import Foundation
import SkeinReports

/// The list of every run: sort, filter, open, and run-level actions.
public final class RunsScreen: ScreenModel {
    public enum SortColumn: String, CaseIterable, Sendable {
        case started, label, state, progress, wall, failed, directory
    }

    public let kind = ScreenKind.runs
    public var breadcrumb: String { "Runs" }
    public var wanted: Set<DataKey> { [.runs] }

    public private(set) var runs: [RunSummary] = []
    public private(set) var loaded = false
    /// Indices into `runs`, sorted and filtered.
    public private(set) var visible: [Int] = []
    public var cursor = ListCursor()
    public private(set) var sort = SortColumn.started
    public private(set) var ascending = false
    public private(set) var filter = ""

    public init() {}

    public var selected: RunSummary? { visible.isEmpty ? nil : runs[visible[cursor.index]] }

    func page(_ app: AppModel) -> Int { Layout.runsList(width: app.width, height: app.height).height }

    public func receive(_ update: DataUpdate, app: AppModel) {
        guard update.key == .runs, case .runs(let list) = update.payload else { return }
        let keep = selected?.directory
        runs = list
        loaded = true
        rebuild(app, keep: keep)
    }

    func rebuild(_ app: AppModel, keep: String?) {
        let f = filter.lowercased()
        var idx = runs.indices.filter { i in
            f.isEmpty || runs[i].label.lowercased().contains(f) || runs[i].directory.lowercased().contains(f)
                || runs[i].stateText.lowercased().contains(f)
        }
        let now = app.now
        func less(_ a: RunSummary, _ b: RunSummary) -> Bool? {
            switch sort {
            case .started:
                if a.started != b.started { return (a.started ?? 0) < (b.started ?? 0) }
            case .label:
                if a.label != b.label { return a.label.localizedStandardCompare(b.label) == .orderedAscending }
            case .state:
                if a.stateText != b.stateText { return a.stateText < b.stateText }
            case .progress:
                if a.counts.percentDone != b.counts.percentDone { return a.counts.percentDone < b.counts.percentDone }
            case .wall:
                let wa = a.wallTime(now: now) ?? -1, wb = b.wallTime(now: now) ?? -1
                if wa != wb { return wa < wb }
            case .failed:
                if a.counts.failed != b.counts.failed { return a.counts.failed < b.counts.failed }
            case .directory:
                if a.directory != b.directory { return a.directory < b.directory }
            }
            return nil
        }
        idx.sort { i, j in
            if let l = less(runs[i], runs[j]) { return ascending ? l : !l }
            return runs[i].directory < runs[j].directory
        }
        visible = idx
        if let keep, let pos = visible.firstIndex(where: { runs[$0].directory == keep }) { cursor.index = pos }
        cursor.clamp(count: visible.count, page: page(app))
    }

    public func resized(app: AppModel) { cursor.clamp(count: visible.count, page: page(app)) }

    public func handle(_ command: Command, app: AppModel) -> [Effect] {
        if cursor.apply(command, count: visible.count, page: page(app)) { return [] }
        switch command {
        case .open:
            guard let run = selected else { return [] }
            app.push(RunScreen(directory: run.directory, label: run.label, kind: run.kind))
        case .sort:
            let all = SortColumn.allCases
            setSort(all[(all.firstIndex(of: sort)! + 1) % all.count], ascending: nil, app: app)
        case .reverseSort:
            setSort(sort, ascending: !ascending, app: app)
        case .filter:
            app.prompt = Prompt(kind: .filter, text: filter)
        case .cancel:
            // Esc on the first screen: clears the filter, and never quits.
            guard !filter.isEmpty else { return [] }
            filter = ""
            rebuild(app, keep: selected?.directory)
            app.notify("filter cleared")
        case .showFailures:
            guard let run = selected else { return [] }
            app.push(FailuresScreen(directory: run.directory, label: run.label, kind: run.kind))
        case .showStatistics:
            guard let run = selected else { return [] }
            app.push(StatisticsScreen(directory: run.directory, label: run.label, kind: run.kind))
        case .halt:
            guard let run = selected else { return [] }
            return [.control(ControlRequest(runDirectory: run.directory, action: .halt))]
        case .resume:
            guard let run = selected else { return [] }
            return [.control(ControlRequest(runDirectory: run.directory, action: .resume))]
        case .remove:
            guard let run = selected else { return [] }
            app.confirm("remove", ["Remove the run \(run.label)?", run.directory, "", "Every running job is killed and the run ends as removed."],
                        [.control(ControlRequest(runDirectory: run.directory, action: .remove))])
        default:
            break
        }
        return []
    }

    func setSort(_ column: SortColumn, ascending asc: Bool?, app: AppModel) {
        sort = column
        // Names read best A→Z; numbers and times biggest (newest) first.
        ascending = asc ?? (column == .label || column == .directory || column == .state)
        rebuild(app, keep: selected?.directory)
        app.notify("sorted by \(column.rawValue), \(ascending ? "ascending" : "descending")")
    }

    public func availability(_ command: Command, app: AppModel) -> Availability {
        switch command {
        case .open, .showFailures, .showStatistics:
            return selected == nil ? .disabled("\(command == .open ? "open" : "show"): no run selected") : .enabled
        case .halt:
            guard let r = selected else { return .disabled("halt: no run selected") }
            return RunActions.halt(kind: r.kind, condition: r.condition)
        case .resume:
            guard let r = selected else { return .disabled("resume: no run selected") }
            return RunActions.resume(kind: r.kind, condition: r.condition)
        case .remove:
            guard let r = selected else { return .disabled("remove: no run selected") }
            return RunActions.remove(kind: r.kind, condition: r.condition)
        default:
            return .enabled
        }
    }

    public func promptChanged(_ prompt: Prompt, app: AppModel) {
        filter = prompt.text
        rebuild(app, keep: selected?.directory)
    }

    public func promptAccepted(_ prompt: Prompt, app: AppModel) -> [Effect] {
        filter = prompt.text
        rebuild(app, keep: selected?.directory)
        return []
    }

    public func command(_ words: [String], app: AppModel) -> [Effect]? {
        switch words[0] {
        case "sort":
            guard words.count >= 2, let column = SortColumn(rawValue: words[1].lowercased()) else {
                app.notify("usage: :sort \(SortColumn.allCases.map(\.rawValue).joined(separator: "|")) [asc|desc]", error: true)
                return []
            }
            let asc: Bool? = words.count >= 3 ? words[2].lowercased().hasPrefix("asc") : nil
            setSort(column, ascending: asc, app: app)
            return []
        case "filter":
            filter = words.dropFirst().joined(separator: " ")
            rebuild(app, keep: selected?.directory)
            return []
        case "halt", "resume", "remove":
            let c: Command = words[0] == "halt" ? .halt : words[0] == "resume" ? .resume : .remove
            return app.perform(c)
        default:
            return nil
        }
    }

    public func mouse(_ event: MouseEvent, app: AppModel) -> [Effect] {
        let list = Layout.runsList(width: app.width, height: app.height)
        return cursor.mouse(event, count: visible.count, list: list) == .open ? app.perform(.open) : []
    }

    public func status(app: AppModel) -> DocLine? {
        if !loaded { return DocLine("reading the run registry...", .dim) }
        if runs.isEmpty {
            return DocLine("no runs yet: start one with `skein run WORKFLOW`, or open a directory with :open DIR", .dim)
        }
        guard let r = selected else { return DocLine("no run matches the filter '\(filter)'", .dim) }
        if let e = r.error { return DocLine(Untrusted.visible(r.directory) + ": " + e, .error) }
        var text = r.directory
        if let hint = r.condition?.hint, r.condition?.phase != .running { text += "   next: " + hint }
        if !filter.isEmpty { text = "filter '\(filter)': \(visible.count) of \(runs.count)   " + text }
        return DocLine(text, .dim)
    }
}
