import SkeinText
import Foundation
import SkeinReports

/// One job: a summary line, the tab bar, and the tab (definition, attempts, the kickstart
/// record, stdout, stderr).
enum JobView {
    static func draw(_ s: JobScreen, _ app: AppModel, _ buffer: inout CellBuffer, _ p: Painter) {
        let w = buffer.width
        let content = Layout.content(width: w, height: buffer.height)
        let body = Layout.jobBody(width: w, height: buffer.height)
        // Summary.
        let state = s.state
        var x = buffer.put(state.glyph(p.glyphs) + " ", x: 1, y: content.y, style: p.style(state.role), limit: 2)
        x = buffer.put(s.jobID, x: x, y: content.y, style: p.style(.header), limit: w / 2)
        if let d = s.detail {
            x = buffer.put("  " + d.analysis.state, x: x, y: content.y, style: p.style(state.role), limit: w - x)
            if let a = s.attemptDetail {
                var parts = ["attempt " + Format.attempt(a.attempt, of: d.analysis.maxAttempts)]
                if let site = a.site { parts.append(site) }
                if let host = a.host { parts.append(host) }
                if let code = a.exitCode { parts.append("exit \(code)") }
                if let dur = a.duration { parts.append(Format.duration(dur)) }
                x = buffer.put("  " + parts.joined(separator: " \(p.glyphs.dot) "), x: x, y: content.y, style: p.style(.dim), limit: w - x)
                if let reason = a.reason, (a.exitCode ?? 0) != 0 || d.analysis.state == "failed" {
                    buffer.put("  " + reason, x: x, y: content.y, style: p.style(.error), limit: w - x)
                }
            }
        }
        // Tabs.
        let ty = Layout.jobTabsRow(width: w, height: buffer.height)
        x = 1
        for t in JobScreen.Tab.allCases {
            let label = " " + JobScreen.tabLabel(t)
            x = buffer.put(label, x: x, y: ty, style: p.style(t == s.tab ? .activeTab : .tab), limit: w - x)
            x = buffer.put(" ", x: x, y: ty, style: p.style(t == s.tab ? .activeTab : .tab), limit: 1) + 1
        }
        if let d = s.detail, d.attempts.count > 1 {
            let label = "attempt \((s.attemptIndex ?? d.attempts.count - 1) + 1) of \(d.attempts.count)  [ ]"
            buffer.put(label, x: max(x + 2, w - TextWidth.of(label) - 1), y: ty, style: p.style(.dim), limit: w - x)
        }
        guard let detail = s.detail else {
            p.paragraph(s.error ?? "reading \(s.jobID) ...", &buffer, Rect(x: 1, y: body.y + 1, width: w - 2, height: body.height - 1), role: s.error == nil ? .dim : .error)
            return
        }
        switch s.tab {
        case .definition: document(s.definitionLines, s.scroll[.definition] ?? 0, &buffer, p, body)
        case .record:
            if let e = s.recordError {
                buffer.put(e, x: 1, y: body.y + 1, style: p.style(.error), limit: w - 2)
            } else if s.attempt?.record == nil {
                buffer.put("this attempt has no kickstart record", x: 1, y: body.y + 1, style: p.style(.dim), limit: w - 2)
            } else if s.recordLines.isEmpty {
                buffer.put("reading the record ...", x: 1, y: body.y + 1, style: p.style(.dim), limit: w - 2)
            } else {
                document(s.recordLines, s.scroll[.record] ?? 0, &buffer, p, body)
            }
        case .attempts: attempts(s, detail, app, &buffer, p, body)
        case .stdout, .stderr: log(s, &buffer, p, body)
        }
    }

    static func document(_ lines: [DocLine], _ scroll: Int, _ buffer: inout CellBuffer, _ p: Painter, _ rect: Rect) {
        for i in 0..<rect.height {
            let k = scroll + i
            guard k < lines.count else { break }
            p.draw(lines[k], &buffer, x: rect.x + 1, y: rect.y + i, width: rect.width - 2)
        }
        RunView.scrollbar(scroll, rect.height, lines.count, &buffer, p, x: rect.maxX - 1, y: rect.y)
    }

    static func attempts(_ s: JobScreen, _ d: JobDetail, _ app: AppModel, _ buffer: inout CellBuffer, _ p: Painter, _ rect: Rect) {
        let cols = Columns([("#", 3, true), ("STARTED", 19, false), ("DURATION", 8, true), ("EXIT", 5, true), ("SITE", 10, false),
                            ("HOST", 14, false), ("REASON", 10, false)], flex: 6, total: rect.width, start: 1)
        cols.header(&buffer, y: rect.y, style: p.style(.header), limit: rect.maxX)
        let list = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        for row in 0..<list.height {
            let k = s.attemptsCursor.top + row
            guard k < d.analysis.attempts.count else { break }
            let a = d.analysis.attempts[k]
            let y = list.y + row
            let failed = (a.exitCode ?? 0) != 0
            cols.cell(0, "\(a.attempt)", &buffer, y: y, style: p.style(.text), limit: list.maxX)
            cols.cell(1, Format.timestamp(a.started, zone: app.timeZone), &buffer, y: y, style: p.style(.text), limit: list.maxX)
            cols.cell(2, Format.duration(a.duration), &buffer, y: y, style: p.style(.text), limit: list.maxX)
            cols.cell(3, a.exitCode.map(String.init) ?? "-", &buffer, y: y, style: p.style(a.exitCode == nil ? .running : failed ? .failed : .done), limit: list.maxX)
            cols.cell(4, a.site ?? "-", &buffer, y: y, style: p.style(.text), limit: list.maxX)
            cols.cell(5, a.host ?? "-", &buffer, y: y, style: p.style(.text), limit: list.maxX)
            cols.cell(6, a.reason ?? (a.exitCode == nil ? "running" : "succeeded"), &buffer, y: y, style: p.style(failed ? .error : .dim), limit: list.maxX)
            if k == s.attemptsCursor.index { p.select(&buffer, Rect(x: 0, y: y, width: list.width, height: 1)) }
        }
        if d.analysis.attempts.isEmpty {
            buffer.put("No attempt yet (the job has not started).", x: 2, y: list.y + 1, style: p.style(.dim), limit: list.width - 4)
        } else if list.height > d.analysis.attempts.count + 2 {
            buffer.put("Enter opens the attempt's output; 3 shows its kickstart record.", x: 2, y: list.y + d.analysis.attempts.count + 1, style: p.style(.dim), limit: list.width - 4)
        }
    }

    static func log(_ s: JobScreen, _ buffer: inout CellBuffer, _ p: Painter, _ rect: Rect) {
        let v = s.logViews[s.tab] ?? LogView()
        // Header: what, how much, modes.
        let dot = " \(p.glyphs.dot) "
        var header = "\(s.tab.title)"
        if let a = s.attemptDetail { header += dot + "attempt \(a.attempt)" }
        let text = s.currentLog
        if let t = text {
            if let total = t.totalLines {
                header += dot + "\(Format.count(total)) line\(total == 1 ? "" : "s")"
            } else if let index = t.index {
                header += dot + "counting lines \(Int(index.fraction * 100))%"
            } else {
                header += dot + "\(Format.count(t.lines.count)) line\(t.lines.count == 1 ? "" : "s")"
            }
            if case .file = t.source { header += dot + Format.bytes(t.size) }
        }
        var modes: [String] = []
        if v.follow { modes.append("follow") }
        if v.wrap { modes.append("wrap") }
        if !v.search.isEmpty { modes.append("/" + v.search) }
        if v.left > 0 { modes.append("col \(v.left + 1)") }
        if !modes.isEmpty { header += dot + modes.joined(separator: dot) }
        p.rule(&buffer, y: rect.y, x: rect.x, width: rect.width, title: header)
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        guard let t = text else {
            let why: String
            if s.attempt == nil { why = "the job has not run yet: no output" }
            else if case .none(let reason)? = s.logSource { why = reason } else { why = "reading ..." }
            buffer.put(why, x: 1, y: body.y, style: p.style(.dim), limit: body.width - 2)
            return
        }
        if let e = t.error, t.lines.isEmpty {
            buffer.put(e, x: 1, y: body.y, style: p.style(.dim), limit: body.width - 2)
            return
        }
        if t.lines.isEmpty {
            buffer.put("(empty)", x: 1, y: body.y, style: p.style(.dim), limit: body.width - 2)
            return
        }
        let gutter = t.gutterWidth
        let textX = body.x + gutter + 1
        // The last column is the scrollbar's.
        let textWidth = max(1, body.width - gutter - 2)
        var line = v.top, sub = v.topSub
        var y = body.y
        let pattern = v.search
        while y < body.maxY, line < t.lines.count {
            let shown = Untrusted.displayLine(Substring(t.lines[line]))
            if sub == 0 || !v.wrap {
                let number = t.number(line).map(String.init) ?? ""
                buffer.putField(number, x: body.x, y: y, width: gutter, style: p.style(line == v.match ? .match : .dim), alignRight: true)
            }
            let piece: String
            if v.wrap {
                piece = slice(shown, from: sub * textWidth, columns: textWidth)
            } else {
                piece = slice(shown, from: v.left, columns: textWidth)
            }
            let style = p.style(.text)
            buffer.put(piece, x: textX, y: y, style: style, limit: textWidth)
            if !pattern.isEmpty { highlight(pattern, in: piece, &buffer, x: textX, y: y, limit: textWidth, style: p.style(.match)) }
            y += 1
            if v.wrap && (sub + 1) * textWidth < TextWidth.of(shown) { sub += 1 } else { line += 1; sub = 0 }
        }
        if t.truncated {
            // Where the view is in the whole file, not in the loaded part.
            let perLine = max(1, (t.windowEnd - t.windowStart) / max(1, t.lines.count))
            let total = t.totalLines ?? t.size / perLine
            let top = t.firstLine.map { $0 + v.top } ?? t.byte(ofLine: v.top) / perLine
            RunView.scrollbar(top, body.height, max(total, top + 1), &buffer, p, x: body.maxX - 1, y: body.y)
        } else {
            RunView.scrollbar(v.top, body.height, t.lines.count, &buffer, p, x: body.maxX - 1, y: body.y)
        }
    }

    /// `columns` columns of `text` starting at column `from`.
    static func slice(_ text: String, from: Int, columns: Int) -> String {
        if from == 0 { return CellBuffer.prefix(text, columns: columns) }
        var skipped = 0
        var index = text.startIndex
        while index < text.endIndex, skipped < from {
            skipped += TextWidth.of(text[index])
            index = text.index(after: index)
        }
        return CellBuffer.prefix(String(text[index...]), columns: columns)
    }

    static func highlight(_ pattern: String, in piece: String, _ buffer: inout CellBuffer, x: Int, y: Int, limit: Int, style: Style) {
        var search = piece.startIndex..<piece.endIndex
        while let r = piece.range(of: pattern, options: .caseInsensitive, range: search) {
            let start = TextWidth.of(String(piece[piece.startIndex..<r.lowerBound]))
            let width = TextWidth.of(String(piece[r]))
            buffer.restyle(Rect(x: x + start, y: y, width: min(width, limit - start), height: 1)) { _ in style }
            search = r.upperBound..<piece.endIndex
            if r.isEmpty { break }
        }
    }
}
