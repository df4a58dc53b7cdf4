import Foundation
import SkeinReports

/// Draws a whole frame from the model: the title bar, the top screen, the status line, the
/// key hints, and an overlay. Pure: model in, cells out.
public enum Renderer {
    public static let minimumWidth = 40
    public static let minimumHeight = 10

    public static func render(_ app: AppModel, into buffer: inout CellBuffer, theme: Theme, glyphs: Glyphs) {
        let p = Painter(theme: theme, glyphs: glyphs)
        buffer.clear(p.style(.text))
        let w = buffer.width, h = buffer.height
        guard w >= minimumWidth, h >= minimumHeight else {
            buffer.put("terminal too small: \(w)x\(h)", x: 0, y: 0, style: p.style(.error), limit: w)
            buffer.put("Skein needs \(minimumWidth)x\(minimumHeight); q quits", x: 0, y: 1, style: p.style(.text), limit: w)
            return
        }
        titleBar(app, &buffer, p)
        switch app.top {
        case let s as RunsScreen: RunsView.draw(s, app, &buffer, p)
        case let s as RunScreen: RunView.draw(s, app, &buffer, p)
        case let s as JobScreen: JobView.draw(s, app, &buffer, p)
        case let s as FailuresScreen: FailuresView.draw(s, app, &buffer, p)
        case let s as StatisticsScreen: StatisticsView.draw(s, app, &buffer, p)
        default: break
        }
        statusLine(app, &buffer, p)
        footer(app, &buffer, p)
        switch app.overlay {
        case .help(let scroll)?: help(app, scroll, &buffer, p)
        case .confirm(let c)?: confirm(c, &buffer, p)
        case nil: break
        }
    }

    static func titleBar(_ app: AppModel, _ buffer: inout CellBuffer, _ p: Painter) {
        let w = buffer.width
        let title = p.style(.title)
        buffer.fill(Rect(x: 0, y: 0, width: w, height: 1), style: title)
        let clock = Format.time(app.now, now: app.now, zone: app.timeZone)
        var right = clock
        if app.screens.count > 1, let status = runState(app, dot: p.glyphs.dot) { right = status + "  " + clock }
        let rightX = w - TextWidth.of(right) - 1
        let sep = p.glyphs.ascii ? " > " : " › "
        let trail = app.screens.map(\.breadcrumb)
        var text = " skein" + sep + trail.joined(separator: sep)
        if TextWidth.of(text) > rightX - 1 {
            // Keep the end of the trail: that is where the user is.
            text = " " + String(p.glyphs.ellipsis) + sep + trail.suffix(2).joined(separator: sep)
        }
        buffer.put(text, x: 0, y: 0, style: title, limit: max(0, rightX - 1))
        buffer.put(right, x: max(0, rightX), y: 0, style: title, limit: w)
    }

    /// "Running · engine 1234" for the run the stack is in.
    static func runState(_ app: AppModel, dot: String) -> String? {
        guard let run = app.screens.compactMap({ $0 as? RunScreen }).first, let status = run.data?.status ?? run.counts else { return nil }
        let c = status.condition
        if status.kind == .pegasus { return c.shortText + " \(dot) read-only" }
        if c.engine?.alive == true { return c.shortText + (c.engine?.pid.map { " \(dot) engine \($0)" } ?? "") }
        return c.shortText
    }

    static func statusLine(_ app: AppModel, _ buffer: inout CellBuffer, _ p: Painter) {
        let y = buffer.height - 2
        let w = buffer.width
        if let prompt = app.prompt {
            var x = buffer.put(prompt.leader, x: 0, y: y, style: p.style(.key), limit: w)
            x = buffer.put(prompt.text, x: x, y: y, style: p.style(.text), limit: w - x - 1)
            buffer.put(p.glyphs.ascii ? "_" : "▏", x: x, y: y, style: p.style(.key), limit: 1)
            if prompt.kind == .command && prompt.text.isEmpty {
                buffer.put("  retry JOB · kill JOB · theme NAME · sort COLUMN · view tree|level · open DIR · q", x: x + 1, y: y, style: p.style(.dim), limit: w - x - 1)
            }
            return
        }
        if let m = app.currentMessage {
            buffer.put(m.text, x: 0, y: y, style: p.style(m.isError ? .error : .info), limit: w)
            return
        }
        if let s = app.top.status(app: app) { p.draw(s, &buffer, x: 0, y: y, width: w) }
    }

    static func footer(_ app: AppModel, _ buffer: inout CellBuffer, _ p: Painter) {
        let y = buffer.height - 1
        let w = buffer.width
        buffer.fill(Rect(x: 0, y: y, width: w, height: 1), style: p.style(.text))
        for (x, h) in app.footerLayout(ascii: p.glyphs.ascii) {
            buffer.put(h.key, x: x, y: y, style: p.style(h.enabled ? .key : .disabled), limit: w - x)
            let lx = x + TextWidth.of(h.key) + 1
            buffer.put(h.label, x: lx, y: y, style: p.style(h.enabled ? .text : .disabled), limit: max(0, w - lx))
        }
    }

    static func help(_ app: AppModel, _ scroll: Int, _ buffer: inout CellBuffer, _ p: Painter) {
        let w = min(buffer.width - 4, 100), h = buffer.height - 4
        let rect = Rect(x: (buffer.width - w) / 2, y: 2, width: w, height: h)
        let inner = p.box(&buffer, rect, title: "Help \(p.glyphs.dot) \(app.top.kind.title)   Esc closes")
        let lines = app.helpLines(ascii: p.glyphs.ascii)
        for i in 0..<inner.height {
            let k = scroll + i
            guard k < lines.count else { break }
            p.draw(lines[k], &buffer, x: inner.x, y: inner.y + i, width: inner.width)
        }
        if lines.count > inner.height {
            let more = "\(min(lines.count, scroll + inner.height))/\(lines.count)"
            buffer.put(" " + more + " ", x: rect.maxX - TextWidth.of(more) - 4, y: rect.maxY - 1, style: p.style(.dim), limit: 20)
        }
    }

    static func confirm(_ c: Confirmation, _ buffer: inout CellBuffer, _ p: Painter) {
        let width = min(buffer.width - 4, max(44, (c.lines.map { TextWidth.of($0) }.max() ?? 0) + 6))
        let height = c.lines.count + 4
        let rect = Rect(x: (buffer.width - width) / 2, y: max(1, (buffer.height - height) / 2), width: width, height: height)
        let inner = p.box(&buffer, rect, title: c.title.capitalized + "?")
        for (i, line) in c.lines.enumerated() {
            buffer.put(line, x: inner.x, y: inner.y + i, style: p.style(i == 0 ? .header : .text), limit: inner.width)
        }
        let y = inner.y + c.lines.count + 1
        var x = buffer.put("y", x: inner.x, y: y, style: p.style(.key), limit: 1)
        x = buffer.put(" yes, \(c.title)    ", x: x, y: y, style: p.style(.text), limit: inner.maxX - x)
        x = buffer.put("n", x: x, y: y, style: p.style(.key), limit: 1)
        buffer.put(" / Esc no", x: x, y: y, style: p.style(.text), limit: inner.maxX - x)
    }
}
