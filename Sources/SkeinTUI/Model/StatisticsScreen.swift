import Foundation
import SkeinReports

/// pegasus-statistics' tables for a run, and a timeline: a bar per attempt (or a row per
/// transformation) from its start for its duration, so parallelism and stragglers show.
public final class StatisticsScreen: ScreenModel {
    public enum Pane: Int, CaseIterable, Sendable { case timeline, tables }
    public enum TimelineMode: String, Sendable { case perJob = "per job", perTransformation = "per transformation" }

    public let kind = ScreenKind.statistics
    public let directory: String
    public let label: String
    public let runKind: RunLocation.Kind
    public var breadcrumb: String { "statistics" }
    public var wanted: Set<DataKey> { [.statistics(directory)] }

    public private(set) var data: StatisticsData?
    public private(set) var error: String?
    public private(set) var pane = Pane.timeline
    public private(set) var mode = TimelineMode.perJob
    public private(set) var tableLines: [DocLine] = []
    public var tableScroll = 0
    public var cursor = ListCursor()
    /// Per transformation: its name and the indices of its bars.
    public private(set) var groups: [(name: String, bars: [Int])] = []
    /// The most attempts that ran at the same moment.
    public private(set) var peakConcurrency = 0

    public init(directory: String, label: String, kind: RunLocation.Kind) {
        self.directory = directory
        self.label = label
        self.runKind = kind
    }

    public var rowCount: Int { mode == .perJob ? (data?.bars.count ?? 0) : groups.count }

    func page(_ app: AppModel) -> Int { Layout.timelineRows(width: app.width, height: app.height).height }

    public func receive(_ update: DataUpdate, app: AppModel) {
        guard update.key == .statistics(directory) else { return }
        switch update.payload {
        case .statistics(let d):
            data = d
            error = nil
            tableLines = StatisticsDocuments.tables(d.report)
            var byName: [String: [Int]] = [:]
            for (i, b) in d.bars.enumerated() { byName[b.transformation, default: []].append(i) }
            groups = byName.map { ($0.key, $0.value) }.sorted { (d.bars[$0.bars[0]].start, $0.name) < (d.bars[$1.bars[0]].start, $1.name) }
            var events: [(Double, Int)] = []
            events.reserveCapacity(d.bars.count * 2)
            for b in d.bars { events.append((b.start, 1)); events.append((b.start + b.duration, -1)) }
            events.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            var level = 0
            peakConcurrency = 0
            for e in events { level += e.1; peakConcurrency = max(peakConcurrency, level) }
            cursor.clamp(count: rowCount, page: page(app))
        case .failed(let m):
            error = m
        default:
            break
        }
    }

    public func resized(app: AppModel) { cursor.clamp(count: rowCount, page: page(app)) }

    public func availability(_ command: Command, app: AppModel) -> Availability {
        switch command {
        case .timelineMode: return pane == .timeline ? .enabled : .disabled("per job/transformation: only on the timeline (Tab)")
        case .open:
            if pane != .timeline { return .disabled("open: choose a job on the timeline (Tab)") }
            if mode != .perJob { return .disabled("open: a row per transformation is no one job (v: per job)") }
            return rowCount == 0 ? .disabled("open: no attempt yet") : .enabled
        default: return .enabled
        }
    }

    public func handle(_ command: Command, app: AppModel) -> [Effect] {
        switch command {
        case .nextPane, .previousPane:
            pane = pane == .timeline ? .tables : .timeline
            return []
        case .timelineMode:
            mode = mode == .perJob ? .perTransformation : .perJob
            cursor = ListCursor()
            app.notify("timeline \(mode.rawValue)")
            return []
        case .showFailures:
            app.push(FailuresScreen(directory: directory, label: label, kind: runKind))
            return []
        case .open:
            // The timeline row's job, on its own screen.
            guard let d = data, mode == .perJob, cursor.index < d.bars.count else { return [] }
            app.push(JobScreen(directory: directory, job: d.bars[cursor.index].job, kind: runKind))
            return []
        default:
            break
        }
        if pane == .timeline {
            _ = cursor.apply(command, count: rowCount, page: page(app))
        } else {
            let body = Layout.statisticsBody(width: app.width, height: app.height).height
            let maxScroll = max(0, tableLines.count - body)
            switch command {
            case .down: tableScroll += 1
            case .up: tableScroll -= 1
            case .pageDown, .halfPageDown: tableScroll += body / 2
            case .pageUp, .halfPageUp: tableScroll -= body / 2
            case .top: tableScroll = 0
            case .bottom: tableScroll = maxScroll
            default: break
            }
            tableScroll = min(max(0, tableScroll), maxScroll)
        }
        return []
    }

    public func mouse(_ event: MouseEvent, app: AppModel) -> [Effect] {
        switch event.kind {
        case .wheelUp: return handle(.up, app: app) + handle(.up, app: app) + handle(.up, app: app)
        case .wheelDown: return handle(.down, app: app) + handle(.down, app: app) + handle(.down, app: app)
        case .press:
            let rows = Layout.timelineRows(width: app.width, height: app.height)
            if event.y == rows.y - 2 { pane = pane == .timeline ? .tables : .timeline; return [] }
            if pane == .timeline, event.y >= rows.y, event.y < rows.maxY {
                cursor.set(cursor.top + event.y - rows.y, count: rowCount, page: rows.height)
            }
        case .release: break
        }
        return []
    }

    public func status(app: AppModel) -> DocLine? {
        if let error, data == nil { return DocLine(error, .error) }
        guard let d = data else { return DocLine("reading statistics of \(directory) ...", .dim) }
        if pane == .tables { return DocLine("pegasus-statistics' tables; Tab: the timeline", .dim) }
        if rowCount == 0 { return DocLine("no attempt has started yet", .dim) }
        let i = min(cursor.index, rowCount - 1)
        if mode == .perJob {
            let b = d.bars[i]
            let outcome = b.exitCode.map { $0 == 0 ? "succeeded" : "failed (exit \($0))" } ?? "running"
            return DocLine("\(b.job) attempt \(b.attempt): started +\(Format.duration(b.start - d.start)), ran \(Format.duration(b.duration)), \(outcome)", .dim)
        }
        let g = groups[i]
        let total = g.bars.reduce(0.0) { $0 + d.bars[$1].duration }
        return DocLine("\(g.name): \(g.bars.count) attempts, \(Format.duration(total)) in all, mean \(Format.duration(total / Double(max(1, g.bars.count))))", .dim)
    }
}

enum StatisticsDocuments {
    static func tables(_ r: StatisticsReport) -> [DocLine] {
        var lines: [DocLine] = []
        func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
            let w = TextWidth.of(s)
            if w >= n { return s }
            return right ? String(repeating: " ", count: n - w) + s : s + String(repeating: " ", count: n - w)
        }
        lines.append(.heading("Summary"))
        lines.append(DocLine("  " + pad("Type", 14) + pad("Succeeded", 11, right: true) + pad("Failed", 9, right: true) + pad("Incomplete", 12, right: true)
                             + pad("Total", 9, right: true) + pad("Retries", 9, right: true) + pad("Total+Retries", 15, right: true), .dim))
        for row in r.summary {
            lines.append(DocLine([
                .init("  " + pad(row.type, 14)),
                .init(pad(Format.count(row.succeeded), 11, right: true), .done),
                .init(pad(Format.count(row.failed), 9, right: true), row.failed > 0 ? .failed : .text),
                .init(pad(Format.count(row.incomplete), 12, right: true) + pad(Format.count(row.total), 9, right: true)
                      + pad(Format.count(row.retries), 9, right: true) + pad(Format.count(row.totalPlusRetries), 15, right: true)),
            ]))
        }
        lines.append(.blank)
        lines.append(.heading("Wall times"))
        lines.append(.field("workflow", PegasusFormat.formatSeconds(r.workflowWallTime, decimal: true), width: 36))
        lines.append(.field("cumulative job wall time", PegasusFormat.formatSeconds(r.cumulativeJobWallTime), width: 36))
        lines.append(.field("  as seen from the submit side", PegasusFormat.formatSeconds(r.cumulativeJobWallTimeSubmitSide), width: 36))
        lines.append(.field("badput (failed attempts)", PegasusFormat.formatSeconds(r.badputWallTime), width: 36))
        lines.append(.field("  as seen from the submit side", PegasusFormat.formatSeconds(r.badputWallTimeSubmitSide), width: 36))
        if !r.integrity.isEmpty || r.integrityErrors > 0 {
            lines.append(.blank)
            lines.append(.heading("Integrity"))
            for i in r.integrity { lines.append(.field("\(i.type) \(i.fileType ?? "")", "\(i.count) files, \(PegasusFormat.formatSeconds(i.duration))", width: 24)) }
            lines.append(.field("errors", "\(r.integrityErrors) (\(r.integrityFailures) failed jobs)", role: r.integrityErrors > 0 ? .failed : .text, width: 24))
        }
        for group in r.transformations {
            lines.append(.blank)
            lines.append(.heading("Transformations" + (r.transformations.count > 1 ? " (\(group.label))" : "")))
            lines.append(DocLine("  " + pad("Transformation", 34) + pad("Type", 11) + pad("Count", 8, right: true) + pad("Min", 10, right: true)
                                 + pad("Max", 10, right: true) + pad("Mean", 10, right: true) + pad("Total", 11, right: true)
                                 + pad("Mean RSS", 11, right: true) + pad("CPU", 7, right: true), .dim))
            for t in group.rows {
                let cpu = t.meanCPU.map { String(format: "%.0f%%", $0 * 100) } ?? "-"
                lines.append(DocLine([
                    .init("  " + pad(t.transformation, 34)),
                    .init(pad(t.type, 11), t.type == "failed" ? .failed : .dim),
                    .init(pad(Format.count(t.count), 8, right: true) + pad(Format.duration(t.min), 10, right: true) + pad(Format.duration(t.max), 10, right: true)
                          + pad(Format.duration(t.mean), 10, right: true) + pad(Format.duration(t.total), 11, right: true)
                          + pad(Format.kib(t.meanMemoryKB.map { Int($0) }), 11, right: true) + pad(cpu, 7, right: true)),
                ]))
            }
        }
        if r.workflows.count > 1 {
            lines.append(.blank)
            lines.append(.heading("Workflows"))
            for w in r.workflows {
                let jobs = w.rows.first { $0.type == "Jobs" }
                lines.append(.field(w.label, jobs.map { "\($0.succeeded) succeeded, \($0.failed) failed, \($0.incomplete) incomplete, \(w.retries) restarts" } ?? "-", width: 30))
            }
        }
        return lines
    }
}
