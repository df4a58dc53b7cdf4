import SkeinReports

/// The runs list: label, state, a progress bar, done / running / waiting / failed, start
/// and wall time (and, on wide terminals, the kind and the directory).
enum RunsView {
    static func columns(_ width: Int) -> Columns {
        if width >= 110 {
            return Columns([("LABEL", 14, false), ("KIND", 7, false), ("STATE", 8, false), ("PROGRESS", 21, false), ("DONE", 6, true),
                            ("RUN", 5, true), ("WAIT", 6, true), ("FAIL", 5, true), ("STARTED", 11, false), ("WALL", 7, true),
                            ("DIRECTORY", 20, false)], flex: 10, total: width - 1, start: 1)
        }
        return Columns([("LABEL", 10, false), ("STATE", 8, false), ("PROGRESS", 15, false), ("DONE", 5, true), ("RUN", 4, true),
                        ("WAIT", 5, true), ("FAIL", 4, true), ("STARTED", 11, false), ("WALL", 7, true)], flex: 0, total: width - 1, start: 1)
    }

    static func draw(_ s: RunsScreen, _ app: AppModel, _ buffer: inout CellBuffer, _ p: Painter) {
        let w = buffer.width
        let list = Layout.runsList(width: w, height: buffer.height)
        let wide = w >= 110
        var cols = columns(w)
        if wide {
            // The label keeps what it needs (up to 30); the directory takes the rest.
            let longest = min(30, max(10, s.runs.map { TextWidth.of($0.label) }.max() ?? 10))
            let extra = max(0, longest - cols.columns[0].width)
            let give = min(extra, cols.columns[10].width - 20)
            if give > 0 {
                cols.columns[0].width += give
                cols.columns[10].width -= give
                for i in 1..<cols.x.count { cols.x[i] += give }
            }
        }
        var title = "RUNS"
        if !s.runs.isEmpty { title += " (\(s.visible.count == s.runs.count ? "\(s.runs.count)" : "\(s.visible.count)/\(s.runs.count)"))" }
        cols.columns[0].title = title
        let sortMark = s.sortMarker(glyphs: p.glyphs)
        if let (i, mark) = sortMark.map({ ($0.0, $0.1) }) { cols.markSorted(wide ? i : (i >= 1 ? i - 1 : i), mark) }
        cols.header(&buffer, y: list.y - 1, style: p.style(.header), limit: w)
        for row in 0..<list.height {
            let k = s.cursor.top + row
            guard k < s.visible.count else { break }
            let r = s.runs[s.visible[k]]
            let y = list.y + row
            var c = 0
            func next(_ text: String, _ role: ThemeRole) { cols.cell(c, text, &buffer, y: y, style: p.style(role), limit: w); c += 1 }
            next(r.label, .text)
            if wide { next(r.kind.rawValue, r.kind == .pegasus ? .dim : .text) }
            next(r.stateText, r.error != nil ? .error : p.conditionRole(r.condition))
            // Progress: the bar and the percentage.
            let pw = cols.columns[c].width
            if r.error == nil && r.counts.total > 0 {
                p.bar(r.counts, &buffer, x: cols.x[c], y: y, width: pw - 5)
                buffer.putField(String(format: "%3.0f%%", r.counts.percentDone.rounded(.down)), x: cols.x[c] + pw - 4, y: y, width: 4, style: p.style(.text), alignRight: true)
            }
            c += 1
            let zeroDim: (Int, ThemeRole) -> ThemeRole = { $0 == 0 ? .dim : $1 }
            next(Format.count(r.counts.done), zeroDim(r.counts.done, .done))
            next(Format.count(r.active), zeroDim(r.active, .running))
            next(Format.count(r.waiting), zeroDim(r.waiting, .queued))
            next(Format.count(r.counts.failed), zeroDim(r.counts.failed, .failed))
            next(Format.time(r.started, now: app.now, zone: app.timeZone), .text)
            next(Format.duration(r.wallTime(now: app.now)), .text)
            if wide { next(r.directory, .dim) }
            if k == s.cursor.index { p.select(&buffer, Rect(x: 0, y: y, width: w, height: 1)) }
        }
        if s.visible.isEmpty {
            let text = !s.loaded ? "reading the run registry..." : s.runs.isEmpty ? "No runs yet." : "No run matches '\(s.filter)'."
            buffer.put(text, x: 2, y: list.y + 1, style: p.style(.dim), limit: w - 4)
            if s.loaded && s.runs.isEmpty {
                buffer.put("Start one:  skein run WORKFLOW.yml", x: 2, y: list.y + 3, style: p.style(.text), limit: w - 4)
                buffer.put("Or open a run or Pegasus submit directory:  skein tui DIR   (or :open DIR here)", x: 2, y: list.y + 4, style: p.style(.text), limit: w - 4)
            }
        }
    }
}

extension RunsScreen {
    /// The column the list is sorted by (an index of the wide layout) and its arrow.
    func sortMarker(glyphs: Glyphs) -> (Int, String)? {
        let index: Int
        switch sort {
        case .label: index = 0
        case .state: index = 2
        case .progress: index = 3
        case .failed: index = 7
        case .started: index = 8
        case .wall: index = 9
        case .directory: index = 10
        }
        return (index, ascending ? glyphs.up : glyphs.down)
    }
}
