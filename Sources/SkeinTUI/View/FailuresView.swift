import SkeinReports

/// The analyzer view: failed and failing jobs with their reason, and the tail of the
/// selected job's output.
enum FailuresView {
    static func draw(_ s: FailuresScreen, _ app: AppModel, _ buffer: inout CellBuffer, _ p: Painter) {
        let w = buffer.width
        let content = Layout.content(width: w, height: buffer.height)
        guard let r = s.report else {
            p.paragraph(s.error ?? "analysing \(s.directory) ...", &buffer, Rect(x: 1, y: content.y + 1, width: w - 2, height: content.height - 1), role: s.error == nil ? .dim : .error)
            return
        }
        // Summary line, pegasus-analyzer's numbers.
        var x = buffer.put(r.label, x: 1, y: content.y, style: p.style(.header), limit: w / 3)
        x = buffer.put("  " + r.condition.text, x: x, y: content.y, style: p.style(p.conditionRole(r.condition)), limit: w - x)
        let summary = "  \(r.total) jobs: \(r.succeeded) succeeded, \(r.failed) failed, \(r.failingJobs.count) failing, \(r.held) held, \(r.unsubmitted) unsubmitted"
        buffer.put(summary, x: x, y: content.y, style: p.style(.dim), limit: w - x)
        let list = Layout.failuresList(width: w, height: buffer.height)
        let longest = s.rows.map { TextWidth.of($0.detail.job) }.max() ?? 16
        let jobWidth = min(max(16, longest), max(16, w / 3))
        // Rows of sub-workflows (pegasus-analyzer's -r): a WORKFLOW column tells same-named jobs apart.
        let workflows = s.rows.contains { $0.workflow != r.label } ? min(16, max(8, s.rows.map { TextWidth.of($0.workflow) }.max() ?? 8)) : 0
        var specs = [("JOB", jobWidth, false), ("TYPE", 9, false), ("ATTEMPT", 7, true), ("EXIT", 5, true), ("HOST", 12, false), ("REASON", 20, false)]
        if workflows > 0 { specs.insert(("WORKFLOW", workflows, false), at: 1) }
        let cols = Columns(specs, flex: specs.count - 1, total: w, start: 3)
        let shift = workflows > 0 ? 1 : 0
        cols.header(&buffer, y: list.y - 1, style: p.style(.header), limit: w)
        if s.rows.isEmpty {
            buffer.put(r.workflowStatus == "success" ? "Nothing failed." : "No failed job (yet).", x: 3, y: list.y + 1, style: p.style(.info), limit: w - 4)
        }
        for row in 0..<list.height {
            let k = s.cursor.top + row
            guard k < s.rows.count else { break }
            let item = s.rows[k]
            let a = item.detail
            let y = list.y + row
            if s.marks.contains(item.key) { buffer.put(p.glyphs.mark, x: 0, y: y, style: p.style(.marked), limit: 1) }
            let state: DisplayState = item.failing ? .retrying : .failed
            buffer.put(state.glyph(p.glyphs), x: 1, y: y, style: p.style(state.role), limit: 1)
            cols.cell(0, a.job, &buffer, y: y, style: p.style(.text), limit: w)
            if shift > 0 { cols.cell(1, item.workflow, &buffer, y: y, style: p.style(item.workflow == r.label ? .dim : .text), limit: w) }
            cols.cell(1 + shift, a.type, &buffer, y: y, style: p.style(.dim), limit: w)
            cols.cell(2 + shift, Format.attempt(a.attempt, of: a.maxAttempts), &buffer, y: y, style: p.style(.text), limit: w)
            cols.cell(3 + shift, a.exitCode.map(String.init) ?? "-", &buffer, y: y, style: p.style(.failed), limit: w)
            cols.cell(4 + shift, a.host ?? "-", &buffer, y: y, style: p.style(.text), limit: w)
            cols.cell(5 + shift, (item.failing ? "(retrying) " : "") + (a.reason ?? "-"), &buffer, y: y, style: p.style(item.failing ? .retrying : .error), limit: w)
            if k == s.cursor.index { p.select(&buffer, Rect(x: 0, y: y, width: w, height: 1)) }
        }
        // The output tail.
        let tail = Layout.failuresTail(width: w, height: buffer.height)
        var title = "output"
        if let sel = s.selected { title = "output of \(sel.detail.job), attempt \(sel.detail.attempt)" + (s.tailFocused ? "  (Tab: back)" : "  (Enter: full log)") }
        p.rule(&buffer, y: tail.y - 1, x: 0, width: w, title: title)
        let lines = s.tailLines()
        for i in 0..<tail.height {
            let k = s.tailScroll + i
            guard k < lines.count else { break }
            p.draw(lines[k], &buffer, x: 1, y: tail.y + i, width: w - 2)
        }
        RunView.scrollbar(s.tailScroll, tail.height, lines.count, &buffer, p, x: w - 1, y: tail.y)
    }
}
