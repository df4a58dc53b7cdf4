import SkeinText
import SkeinReports

/// One run: a header with the state, counts and a progress bar; the jobs as a tree with
/// state glyph and colour, attempt, site, host and duration (more columns and a detail pane
/// on wide terminals). Only the visible rows are built.
enum RunView {
    /// The job list's columns in `width` (the list's; its last column is the scrollbar's) and
    /// what each shows. A run with sub-workflows (`workflowWidth` > 0) gets a WORKFLOW column
    /// after JOB: the tree, a filter or a sort lists jobs of every level together, and
    /// same-named jobs of two workflows are told apart there. TRANSFORMATION makes room for
    /// it (on a narrow list, HOST).
    static func columns(_ width: Int, workflowWidth: Int = 0) -> (columns: Columns, shows: [RunScreen.SortColumn]) {
        var specs: [(RunScreen.SortColumn, String, Int, Bool)]
        if width >= 100 {
            specs = [(.job, "JOB", 24, false), (.transformation, "TRANSFORMATION", 20, false), (.attempt, "ATT", 5, true), (.site, "SITE", 10, false),
                     (.host, "HOST", 14, false), (.duration, "DURATION", 8, true), (.exit, "EXIT", 4, true)]
        } else {
            specs = [(.job, "JOB", 20, false), (.attempt, "ATT", 5, true), (.site, "SITE", 8, false), (.host, "HOST", 12, false), (.duration, "DURATION", 8, true)]
        }
        if workflowWidth > 0 {
            specs.insert((.workflow, "WORKFLOW", width >= 100 ? workflowWidth : min(12, workflowWidth), false), at: 1)
            if width >= 100 { specs[2].2 = max(12, 20 - workflowWidth - 1) } else if width < 80 { specs.removeAll { $0.0 == .host } }
            // JOB keeps its minimum: WORKFLOW, then HOST, give up columns down to 10.
            var short = specs[0].2 - (width - 1 - 3 - specs.dropFirst().reduce(specs.count - 1) { $0 + $1.2 })
            for shrink in [RunScreen.SortColumn.workflow, .host] where short > 0 {
                guard let i = specs.firstIndex(where: { $0.0 == shrink }) else { continue }
                let cut = min(short, max(0, specs[i].2 - 10))
                specs[i].2 -= cut
                short -= cut
            }
        }
        return (Columns(specs.map { ($0.1, $0.2, $0.3) }, flex: 0, total: width - 1, start: 3), specs.map(\.0))
    }

    /// The WORKFLOW column's width for `d`: 0 for a run without sub-workflows.
    static func workflowWidth(_ d: RunData) -> Int {
        guard d.status.workflows.count > 1 else { return 0 }
        return min(16, max(8, d.status.workflows.map { TextWidth.of($0.label) }.max() ?? 8))
    }

    /// On a very wide list the JOB column keeps what the names (and a tree prefix) need; the
    /// rest goes to TRANSFORMATION as far as its names need, then stays blank at the end.
    static func fit(_ cols: inout Columns, shows: [RunScreen.SortColumn], _ d: RunData) {
        guard let tr = shows.firstIndex(of: .transformation) else { return }
        let needed = max(24, d.longestID + 12)
        let spare = cols.columns[0].width - needed
        guard spare > 0 else { return }
        cols.columns[0].width = needed
        let more = min(spare, max(0, d.longestTransformation + 1 - cols.columns[tr].width))
        cols.columns[tr].width += more
        for i in 1..<cols.x.count { cols.x[i] -= spare }
        for i in (tr + 1)..<cols.x.count { cols.x[i] += more }
    }

    static func draw(_ s: RunScreen, _ app: AppModel, _ buffer: inout CellBuffer, _ p: Painter) {
        let w = buffer.width
        let content = Layout.content(width: w, height: buffer.height)
        let list = Layout.runList(width: w, height: buffer.height, detail: s.showDetail)
        if s.data == nil, let report = s.counts {
            header(report, loadSeconds: 0, app, &buffer, p, y: content.y, width: w)
            buffer.put(loadingLine(report), x: 3, y: list.y + 1, style: p.style(.dim), limit: list.width - 4)
            return
        }
        guard let d = s.data, let t = s.tree else {
            p.paragraph(s.error ?? "reading \(s.directory) ...", &buffer, Rect(x: 1, y: content.y + 1, width: w - 2, height: content.height - 1), role: s.error == nil ? .dim : .error)
            return
        }
        header(s, d, app, &buffer, p, y: content.y, width: w)
        var (cols, shows) = columns(list.width, workflowWidth: workflowWidth(d))
        if list.width >= 100 { fit(&cols, shows: shows, d) }
        if let sort = s.sort, let i = shows.firstIndex(of: sort) { cols.markSorted(i, s.ascending ? p.glyphs.up : p.glyphs.down) }
        let ownWorkflow = d.status.workflows.first?.label
        cols.header(&buffer, y: list.y - 1, style: p.style(.header), limit: list.maxX)
        buffer.put(s.view == .tree ? "" : "(\(s.view.title))", x: cols.x[0] + 4, y: list.y - 1, style: p.style(.dim), limit: cols.columns[0].width - 4)
        if d.jobs.isEmpty {
            let why = d.status.source == "dagman.out" ? "no run database: counts are DAGMan's progress lines, jobs are not listed" : "no jobs"
            buffer.put(why, x: 3, y: list.y + 1, style: p.style(.dim), limit: list.width - 4)
        }
        for row in 0..<list.height {
            let k = s.cursor.top + row
            guard k < s.rows.count else { break }
            let r = Int(s.rows[k])
            let y = list.y + row
            let n = t.node[r]
            if n < 0 {
                // A group header.
                let fold = s.isCollapsed(r) ? p.glyphs.collapsed : p.glyphs.expanded
                let title = t.groupTitles[Int(-n - 1)]
                var x = buffer.put(fold + " ", x: 1, y: y, style: p.style(.dim), limit: 2)
                x = buffer.put(title, x: x, y: y, style: p.style(.header), limit: list.maxX - x)
                groupCounts(t, r, d, &buffer, p, x: x + 2, y: y, limit: list.maxX)
            } else {
                let j = Int(n)
                let job = d.jobs[j]
                let state = d.display[j]
                if s.marks.contains(s.name(j, d)) { buffer.put(p.glyphs.mark, x: 0, y: y, style: p.style(.marked), limit: 1) }
                buffer.put(state.glyph(p.glyphs), x: 1, y: y, style: p.style(state.role), limit: 1)
                // The name with its tree prefix.
                let prefix = treePrefix(s, t, r, p.glyphs, limit: cols.columns[0].width / 2)
                var x = buffer.put(prefix, x: cols.x[0], y: y, style: p.style(.border), limit: cols.columns[0].width)
                let nameLimit = cols.x[0] + cols.columns[0].width - x
                if t.isReference(r) {
                    let shown = CellBuffer.prefix(Untrusted.visible(job.id), columns: max(0, nameLimit - 2))
                    x = buffer.put(shown, x: x, y: y, style: p.style(.dim), limit: nameLimit)
                    buffer.put(" " + p.glyphs.shared, x: x, y: y, style: p.style(.dim), limit: cols.x[0] + cols.columns[0].width - x)
                } else {
                    buffer.putField(job.id, x: x, y: y, width: nameLimit, style: p.style(state == .failed ? .failed : .text))
                }
                for c in 1..<shows.count {
                    let cell: (String, ThemeRole)
                    switch shows[c] {
                    case .workflow: cell = (job.workflow, job.workflow == ownWorkflow ? .dim : .text)
                    case .transformation: cell = (d.transformation[j], .dim)
                    case .attempt: cell = (Format.attempt(job.attempt, of: job.maxAttempts), job.attempt > 1 ? .retrying : .text)
                    case .site: cell = (job.site ?? "-", job.site == nil ? .dim : .text)
                    case .host: cell = (job.host ?? "-", job.host == nil ? .dim : .text)
                    case .duration: cell = (Format.duration(d.duration(j, now: app.now)), state.isActive ? .running : .text)
                    case .exit: cell = (job.exitCode.map(String.init) ?? "-", (job.exitCode ?? 0) != 0 ? .failed : .dim)
                    case .job, .state: continue
                    }
                    // A reference row names its job; the rest shows where it first appears.
                    if t.isReference(r), shows[c] != .workflow, shows[c] != .transformation { break }
                    cols.cell(c, cell.0, &buffer, y: y, style: p.style(cell.1), limit: list.maxX)
                }
            }
            if k == s.cursor.index { p.select(&buffer, Rect(x: 0, y: y, width: list.width, height: 1)) }
        }
        scrollbar(s.cursor.top, list.height, s.rows.count, &buffer, p, x: list.maxX - 1, y: list.y)
        if Layout.detailWidth(w, shown: s.showDetail) > 0 { detail(s, d, app, &buffer, p, Rect(x: list.maxX, y: content.y + 2, width: w - list.maxX, height: content.height - 2)) }
    }

    static func groupCounts(_ t: FlatTree, _ r: Int, _ d: RunData, _ buffer: inout CellBuffer, _ p: Painter, x: Int, y: Int, limit: Int) {
        var counts: [DisplayState: Int] = [:]
        let g = Int(-t.node[r] - 1)
        if g < t.groupStates.count {
            // Counted when the layout was built: a group of 100,000 jobs is not walked per frame.
            for (k, state) in DisplayState.allCases.enumerated() where t.groupStates[g][k] > 0 { counts[state] = Int(t.groupStates[g][k]) }
        } else {
            let end = r + Int(t.size[r])
            for i in (r + 1)..<end { counts[d.display[Int(t.node[i])], default: 0] += 1 }
        }
        let n = Int(t.size[r]) - 1
        var cx = buffer.put("\(n) job\(n == 1 ? "" : "s")", x: x, y: y, style: p.style(.dim), limit: limit - x)
        for state in [DisplayState.done, .running, .retrying, .queued, .failed, .futile] {
            guard let n = counts[state], n > 0 else { continue }
            cx = buffer.put("  " + state.glyph(p.glyphs) + " \(n)", x: cx, y: y, style: p.style(state.role), limit: limit - cx)
        }
    }

    /// "│ ├─▾ " for a row at depth 2 with children; deep rows keep their last levels.
    static func treePrefix(_ s: RunScreen, _ t: FlatTree, _ r: Int, _ g: Glyphs, limit: Int) -> String {
        if s.sort != nil { return "" }
        if s.view != .tree || !s.filter.isEmpty {
            if t.depth[r] == 0 { return "" }
            return "  "
        }
        let depth = Int(t.depth[r])
        let fold = t.hasChildren(r) ? (s.isCollapsed(r) ? g.collapsed : g.expanded) : (depth == 0 ? " " : g.hline)
        if depth == 0 { return fold + " " }
        var pieces: [String] = [t.isLast(r) ? g.treeLast : g.treeBranch]
        var a = Int(t.parentRow[r])
        let maxLevels = max(1, (limit - 2) / 2)
        while a >= 0, t.depth[a] > 0, pieces.count < maxLevels {
            pieces.append(t.isLast(a) ? g.treeBlank : g.treePipe)
            a = Int(t.parentRow[a])
        }
        var prefix = pieces.reversed().joined()
        if pieces.count < depth { prefix = g.ellipsis + " " + pieces.reversed().dropFirst().joined() }
        return prefix + fold + " "
    }

    /// What the list shows while a huge run's jobs are read (its counts are already in the header).
    static func loadingLine(_ report: StatusReport) -> String {
        "loading \(Format.count(report.totals.total)) jobs and their DAG\u{2026} (the counts above are read; keys wait for the jobs)"
    }

    static func header(_ s: RunScreen, _ d: RunData, _ app: AppModel, _ buffer: inout CellBuffer, _ p: Painter, y: Int, width w: Int) {
        header(d.status, loadSeconds: d.loadSeconds, app, &buffer, p, y: y, width: w)
    }

    static func header(_ status: StatusReport, loadSeconds: Double, _ app: AppModel, _ buffer: inout CellBuffer, _ p: Painter, y: Int, width w: Int) {
        let c = status.condition
        var x = buffer.put(status.label, x: 1, y: y, style: p.style(.header), limit: w / 3)
        x = buffer.put("  " + c.text, x: x, y: y, style: p.style(p.conditionRole(c)), limit: w - x)
        if status.kind == .pegasus { x = buffer.put("  read-only (Pegasus)", x: x, y: y, style: p.style(.dim), limit: w - x) }
        if let started = c.started {
            let end = c.phase == .running ? app.now : (c.finished ?? app.now)
            x = buffer.put("  started \(Format.time(started, now: app.now, zone: app.timeZone)), \(Format.duration(end - started))", x: x, y: y, style: p.style(.dim), limit: w - x)
        }
        if loadSeconds > 0.2 { x = buffer.put(String(format: "  (read in %.2fs)", loadSeconds), x: x, y: y, style: p.style(.dim), limit: w - x) }
        x = buffer.put("  ", x: x, y: y, style: p.style(.dim), limit: w - x)
        buffer.putPath(status.directory, x: x, y: y, style: p.style(.dim), limit: w - x)
        // Progress and counts.
        let counts = status.totals
        let narrow = w < 100
        let gap = narrow ? " " : "  "
        let barWidth = narrow ? 12 : min(40, max(10, w / 4))
        p.bar(counts, &buffer, x: 1, y: y + 1, width: barWidth)
        x = buffer.put(String(format: " %3.0f%%", counts.percentDone.rounded(.down)), x: 1 + barWidth, y: y + 1, style: p.style(.text), limit: 6)
        let parts: [(DisplayState, Int, String)] = [
            (.done, counts.done, "done"), (.running, max(0, counts.queued - counts.held) + counts.pre + counts.post, "running"), (.held, counts.held, "held"),
            (.queued, counts.ready, "ready"), (.unready, counts.unready, "waiting"), (.failed, counts.failed, "failed"),
            (.futile, counts.futile, "futile"),
        ]
        for (state, n, name) in parts where n > 0 || state == .done || state == .failed || state == .running {
            x = buffer.put(gap + state.glyph(p.glyphs) + " ", x: x, y: y + 1, style: p.style(n == 0 ? .dim : state.role), limit: w - x)
            x = buffer.put("\(Format.count(n)) \(name)", x: x, y: y + 1, style: p.style(n == 0 ? .dim : .text), limit: w - x)
        }
        let total = gap + "of \(Format.count(counts.total))"
        if x + TextWidth.of(total) <= w { x = buffer.put(total, x: x, y: y + 1, style: p.style(.dim), limit: w - x) }
        // Why submitted jobs still wait in the batch system, most common reason first.
        if let pending = status.pendingReasons, !pending.isEmpty {
            let reasons = pending.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\(Format.count($0.value)) \($0.key)" }.joined(separator: ", ")
            buffer.put(gap + "pending in Slurm: " + reasons, x: x, y: y + 1, style: p.style(.held), limit: w - x)
        }
    }

    static func scrollbar(_ top: Int, _ page: Int, _ count: Int, _ buffer: inout CellBuffer, _ p: Painter, x: Int, y: Int) {
        guard count > page, page > 2 else { return }
        let thumb = max(1, page * page / count)
        let pos = min(page - thumb, Int(Double(top) / Double(max(1, count - page)) * Double(page - thumb)))
        for i in 0..<page {
            let on = i >= pos && i < pos + thumb
            buffer.put(on ? p.glyphs.barFull : p.glyphs.vline, x: x, y: y + i, style: p.style(on ? .border : .dim), limit: 1)
        }
    }

    static func detail(_ s: RunScreen, _ d: RunData, _ app: AppModel, _ buffer: inout CellBuffer, _ p: Painter, _ rect: Rect) {
        for yy in rect.y..<rect.maxY { buffer.put(p.glyphs.vline, x: rect.x, y: yy, style: p.style(.border), limit: 1) }
        let x = rect.x + 2, width = rect.width - 3
        var y = rect.y
        func line(_ name: String, _ value: String, _ role: ThemeRole = .text) {
            guard y < rect.maxY else { return }
            buffer.put(name, x: x, y: y, style: p.style(.dim), limit: 12)
            buffer.putField(value, x: x + 12, y: y, width: max(0, width - 12), style: p.style(role))
            y += 1
        }
        guard let j = s.selectedJob else {
            buffer.put("select a job", x: x, y: y, style: p.style(.dim), limit: width)
            return
        }
        let job = d.jobs[j]
        let state = d.display[j]
        buffer.put(state.glyph(p.glyphs) + " ", x: x, y: y, style: p.style(state.role), limit: 2)
        buffer.putField(job.id, x: x + 2, y: y, width: width - 2, style: p.style(.header))
        y += 2
        line("state", state.rawValue, state.role)
        if d.status.workflows.count > 1 { line("workflow", job.workflow) }
        line("transform", d.transformation[j].isEmpty ? "-" : d.transformation[j])
        line("attempt", job.attempt == 0 ? "-" : "\(job.attempt) of \(max(job.attempt, job.maxAttempts))")
        line("site", job.site ?? "-")
        line("host", job.host ?? "-")
        if let st = job.started { line("started", Format.time(st, now: app.now, zone: app.timeZone)) }
        if state == .held { line("held since", Format.time(job.heldSince, now: app.now, zone: app.timeZone), .held) }
        line("duration", Format.duration(d.duration(j, now: app.now)))
        line("exit", job.exitCode.map(String.init) ?? "-", (job.exitCode ?? 0) != 0 ? .failed : .text)
        if let reason = job.reason {
            y += 1
            guard y < rect.maxY else { return }
            buffer.put("reason", x: x, y: y, style: p.style(.dim), limit: width)
            y += 1
            var rest = Untrusted.visible(reason)
            while !rest.isEmpty, y < rect.maxY {
                let chunk = CellBuffer.prefix(rest, columns: width)
                buffer.put(chunk, x: x, y: y, style: p.style(state == .failed ? .error : state == .held ? .held : .text), limit: width)
                rest = String(rest.dropFirst(max(1, chunk.count)))
                y += 1
            }
        }
        y += 1
        let parents = d.parents[j].prefix(8).map { d.jobs[Int($0)].id }
        let children = d.children[j].prefix(8).map { d.jobs[Int($0)].id }
        line("parents", parents.isEmpty ? "-" : parents.joined(separator: " ") + (d.parents[j].count > 8 ? " +\(d.parents[j].count - 8)" : ""))
        line("children", children.isEmpty ? "-" : children.joined(separator: " ") + (d.children[j].count > 8 ? " +\(d.children[j].count - 8)" : ""))
    }
}
