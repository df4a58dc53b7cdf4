import SkeinWorkflow

/// Prints diagnostics to stderr, compiler style, at most `limit` of each kind so a
/// 100,000-job workflow with one systematic mistake stays readable.
struct DiagnosticPrinter {
    var limitPerCode: Int?
    var style = Style(enabled: Terminal.colorEnabled(fd: 2))

    func print(_ diagnostics: [Diagnostic]) {
        var renderer = DiagnosticRenderer()
        var shown: [String: Int] = [:]
        var hidden: [String: Int] = [:]
        var out = ""
        for d in diagnostics.sortedForDisplay() {
            let count = shown[d.code, default: 0]
            if let limit = limitPerCode, count >= limit {
                hidden[d.code, default: 0] += 1
                continue
            }
            shown[d.code] = count + 1
            var text = renderer.render(d)
            if style.enabled {
                let label = d.severity == .error ? style.red("error:") : style.yellow("warning:")
                text = text.replacingOccurrences(of: "\(d.severity.rawValue):", with: label, options: [], range: text.range(of: "\(d.severity.rawValue):"))
            }
            out += text
        }
        for (code, n) in hidden.sorted(by: { $0.key < $1.key }) {
            out += "... and \(n) more '\(code)' problems (use --all to see every one)\n"
        }
        Terminal.writeError(out)
    }
}
