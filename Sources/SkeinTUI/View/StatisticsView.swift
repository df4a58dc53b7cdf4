import SkeinReports

/// Statistics: a timeline of every attempt (or of each transformation) with a concurrency
/// strip above, and pegasus-statistics' tables.
enum StatisticsView {
    static func draw(_ s: StatisticsScreen, _ app: AppModel, _ buffer: inout CellBuffer, _ p: Painter) {
        let w = buffer.width
        let content = Layout.content(width: w, height: buffer.height)
        // The pane tabs.
        var x = 1
        for pane in StatisticsScreen.Pane.allCases {
            let label = pane == .timeline ? " Timeline (\(s.mode.rawValue)) " : " Tables "
            x = buffer.put(label, x: x, y: content.y, style: p.style(pane == s.pane ? .activeTab : .tab), limit: w - x) + 1
        }
        guard let d = s.data else {
            p.paragraph(s.error ?? "reading statistics ...", &buffer, Rect(x: 1, y: content.y + 2, width: w - 2, height: content.height - 2), role: s.error == nil ? .dim : .error)
            return
        }
        let span = max(0.001, d.end - d.start)
        buffer.put("span \(Format.duration(d.end - d.start)), \(Format.count(d.bars.count)) attempts", x: x + 1, y: content.y, style: p.style(.dim), limit: w - x - 1)
        if s.pane == .tables {
            JobView.document(s.tableLines, s.tableScroll, &buffer, p, Layout.statisticsBody(width: w, height: buffer.height))
            return
        }
        let rows = Layout.timelineRows(width: w, height: buffer.height)
        let labelWidth = min(30, max(12, w / 4))
        let barX = labelWidth + 2
        let barWidth = max(1, w - barX - 1)
        func column(_ t: Double) -> Int { Int(((t - d.start) / span * Double(barWidth)).rounded(.down)) }
        // Axis: a few times along the top.
        let axisY = rows.y - 2
        buffer.put("time", x: 1, y: axisY, style: p.style(.dim), limit: labelWidth)
        let ticks = max(2, barWidth / 16)
        for i in 0...ticks {
            let cx = barX + (barWidth - 1) * i / ticks
            let label = "+" + Format.duration(span * Double(i) / Double(ticks))
            let lx = min(cx, barX + barWidth - TextWidth.of(label))
            buffer.put(label, x: max(barX, lx), y: axisY, style: p.style(.dim), limit: w - lx)
        }
        // Concurrency: how many attempts run in each column.
        var running = [Int](repeating: 0, count: barWidth + 1)
        for b in d.bars {
            let a = min(barWidth - 1, max(0, column(b.start)))
            let e = min(barWidth - 1, max(a, column(b.start + b.duration)))
            running[a] += 1
            running[e + 1] -= 1
        }
        var level = 0
        var peak = 0
        var levels = [Int](repeating: 0, count: barWidth)
        for i in 0..<barWidth { level += running[i]; levels[i] = level; peak = max(peak, level) }
        buffer.put("active (max \(s.peakConcurrency))", x: 1, y: axisY + 1, style: p.style(.dim), limit: labelWidth)
        for i in 0..<barWidth where levels[i] > 0 {
            let g = p.glyphs.ramp[min(p.glyphs.ramp.count - 1, (levels[i] * p.glyphs.ramp.count - 1) / max(1, peak))]
            buffer.put(g, x: barX + i, y: axisY + 1, style: p.style(.running), limit: 1)
        }
        // Rows.
        for r in 0..<rows.height {
            let k = s.cursor.top + r
            guard k < s.rowCount else { break }
            let y = rows.y + r
            if s.mode == .perJob {
                let b = d.bars[k]
                let name = b.attempt > 1 ? "\(b.job) #\(b.attempt)" : b.job
                buffer.putField(name, x: 1, y: y, width: labelWidth, style: p.style(.text))
                let a = min(barWidth - 1, max(0, column(b.start)))
                let e = min(barWidth - 1, max(a, column(b.start + b.duration)))
                let role: ThemeRole = b.exitCode == nil ? .running : b.exitCode == 0 ? .done : .failed
                for cx in a...e { buffer.put(p.glyphs.timelineBar, x: barX + cx, y: y, style: p.style(role), limit: 1) }
                let label = " " + Format.duration(b.duration)
                if barX + e + 1 + TextWidth.of(label) < w { buffer.put(label, x: barX + e + 1, y: y, style: p.style(.dim), limit: w - barX - e - 1) }
            } else {
                let g = s.groups[k]
                buffer.putField("\(g.name) (\(g.bars.count))", x: 1, y: y, width: labelWidth, style: p.style(.text))
                var counts = [Int](repeating: 0, count: barWidth + 1)
                var failed = [Bool](repeating: false, count: barWidth)
                for i in g.bars {
                    let b = d.bars[i]
                    let a = min(barWidth - 1, max(0, column(b.start)))
                    let e = min(barWidth - 1, max(a, column(b.start + b.duration)))
                    counts[a] += 1
                    counts[e + 1] -= 1
                    if let c = b.exitCode, c != 0 { for cx in a...e { failed[cx] = true } }
                }
                var n = 0
                var top = 0
                var cols = [Int](repeating: 0, count: barWidth)
                for i in 0..<barWidth { n += counts[i]; cols[i] = n; top = max(top, n) }
                for i in 0..<barWidth where cols[i] > 0 {
                    let gl = p.glyphs.ramp[min(p.glyphs.ramp.count - 1, (cols[i] * p.glyphs.ramp.count - 1) / max(1, top))]
                    buffer.put(gl, x: barX + i, y: y, style: p.style(failed[i] ? .failed : .done), limit: 1)
                }
            }
            if k == s.cursor.index {
                p.select(&buffer, Rect(x: 0, y: y, width: labelWidth + 1, height: 1))
            }
        }
        RunView.scrollbar(s.cursor.top, rows.height, s.rowCount, &buffer, p, x: w - 1, y: rows.y)
    }
}
