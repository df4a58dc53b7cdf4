import Foundation

/// Text and CSV renderings of `StatisticsReport`, in pegasus-statistics' layouts
/// (summary.txt, workflow.txt, breakdown.txt, jobs.txt) and number formats.
public enum StatisticsRenderer {
    static let summaryWidths = [15, 10, 8, 12, 10, 10, 13]
    static let summaryHeader = ["Type", "Succeeded", "Failed", "Incomplete", "Total", "Retries", "Total+Retries"]
    static let transformationWidths = [15, 5, 6, 14, 14, 21, 22, 10, 10, 11, 15, 15, 16]
    static let transformationHeader = ["Transformation", "Type", "Count", "Min (runtime)", "Max (runtime)", "Mean (runtime)", "Total (runtime)",
                                       "Min (mem)", "Max (mem)", "Mean (mem)", "Min (avg. cpu)", "Max (avg. cpu)", "Mean (avg. cpu)"]
    static let jobWidths = [35, 4, 12, 12, 6, 16, 12, 6, 12, 12, 12, 12, 15, 10, 30]
    static let jobHeader = ["Job", "Try", "Site", "Kickstart", "Mult", "Kickstart-Mult", "CPU-Time", "Post", "CondorQTime", "Resource",
                            "Runtime", "Seqexec", "Seqexec-Delay", "Exitcode", "Hostname"]

    public static func text(_ r: StatisticsReport, style: TextStyle = .plain) -> String {
        var out = ""
        out += style.bold(Text.visible(r.label)) + "  " + Text.visible(r.directory) + "  (" + style.state(r.condition.text) + ")\n"
        let rule = String(repeating: "-", count: summaryWidths.reduce(0, +))
        out += rule + "\n"
        out += row(summaryHeader, summaryWidths)
        for s in r.summary { out += row(summaryValues(s), summaryWidths) }
        out += rule + "\n\n"
        func line(_ label: String, _ value: String) -> String { Text.pad(label, 57) + ": " + value + "\n" }
        out += line("Workflow wall time", PegasusFormat.formatSeconds(r.workflowWallTime, decimal: true))
        out += line("Cumulative job wall time", PegasusFormat.formatSeconds(r.cumulativeJobWallTime))
        out += line("Cumulative job wall time as seen from submit side", PegasusFormat.formatSeconds(r.cumulativeJobWallTimeSubmitSide))
        out += line("Cumulative job badput wall time", PegasusFormat.formatSeconds(r.badputWallTime))
        out += line("Cumulative job badput wall time as seen from submit side", PegasusFormat.formatSeconds(r.badputWallTimeSubmitSide))
        if !r.integrity.isEmpty {
            out += "\n# Integrity Metrics\n"
            var byType: [(String, Int, Double)] = []
            for i in r.integrity {
                if let k = byType.firstIndex(where: { $0.0 == i.type }) { byType[k].1 += i.count; byType[k].2 += i.duration }
                else { byType.append((i.type, i.count, i.duration)) }
            }
            for (type, count, duration) in byType {
                let word = type == "check" ? "compared" : type == "compute" ? "generated" : type
                out += "\(count) files checksums \(word) with total duration of \(PegasusFormat.formatSeconds(duration, decimal: true))\n"
            }
            out += "\n# Integrity Errors\n"
            if r.integrityErrors > 0 { out += "Total:    A total of \(r.integrityErrors) integrity errors encountered in the workflow\n" }
            out += "Failures: \(r.integrityFailures) job failures had integrity errors\n"
        }
        if r.workflows.count > 1 {
            out += "\n# Workflows\n"
            let widths = [15, 11, 10, 12, 10, 10, 15, 10]
            let total = widths.reduce(0, +)
            out += row(summaryHeader + ["WF Retries"], widths)
            for w in r.workflows {
                let name = w.wfUUID.map { "\($0) (\(Text.visible(w.label)))" } ?? "All Workflows"
                out += String(repeating: "-", count: total) + "\n"
                out += name + Text.padLeft(String(w.retries), max(1, total - widths.last! + 1 - name.count)) + "\n"
                for s in w.rows { out += row(summaryValues(s), widths) }
            }
        }
        out += "\n# Transformations (runtime in seconds, memory in MB)\n"
        for g in r.transformations {
            out += "# \(g.wfUUID ?? "All") (\(Text.visible(g.label)))\n"
            out += table(transformationHeader, g.rows.map(transformationValues), transformationWidths)
        }
        if let groups = r.jobs {
            out += "\n# Jobs (one row per attempt; times in seconds)\n"
            for g in groups {
                out += "# \(g.wfUUID) (\(Text.visible(g.label)))\n"
                out += jobTable(g.rows)
            }
        }
        if r.condition.phase == .running || r.condition.phase == .stopped {
            out += "\nnote: the run is \(r.condition.text.lowercased()): these figures are not final\n"
        }
        return out
    }

    /// CSV: the same tables, each preceded by a `# name` line, separated by blank lines.
    public static func csv(_ r: StatisticsReport) -> String {
        var out = "# summary\n"
        out += csvRow(["Workflow_Id", "Dax_Label"] + summaryHeader + ["WF_Retries"])
        for w in r.workflows {
            for s in w.rows { out += csvRow([w.wfUUID ?? "ALL", w.wfUUID == nil ? "" : w.label] + summaryValues(s) + [String(w.retries)]) }
        }
        out += "\n# summary-time\n" + csvRow(["stat_type", "time_seconds"])
        func num(_ v: Double?) -> String { v.map { PegasusFormat.python($0, digits: 6) } ?? "" }
        out += csvRow(["workflow_wall_time", num(r.workflowWallTime)])
        out += csvRow(["workflow_cumulative_job_wall_time", num(r.cumulativeJobWallTime)])
        out += csvRow(["cumulative_job_walltime_from_submit_side", num(r.cumulativeJobWallTimeSubmitSide)])
        out += csvRow(["workflow_cumulative_badput_time", num(r.badputWallTime)])
        out += csvRow(["cumulative_job_badput_walltime_from_submit_side", num(r.badputWallTimeSubmitSide)])
        if !r.integrity.isEmpty {
            out += "\n# integrity\n" + csvRow(["Type", "File Type", "Count", "Total Duration"])
            for i in r.integrity { out += csvRow([i.type, i.fileType ?? "", String(i.count), String(format: "%.3f", i.duration)]) }
        }
        out += "\n# breakdown\n" + csvRow(["Workflow_Id", "Dax_Label"] + transformationHeader)
        for g in r.transformations {
            for t in g.rows { out += csvRow([g.wfUUID ?? "ALL", g.label] + transformationValues(t)) }
        }
        if let groups = r.jobs {
            out += "\n# jobs\n" + csvRow(["Workflow_Id", "Dax_Label"] + jobHeader)
            var buffer = TextBuffer(capacity: groups.reduce(0) { $0 + $1.rows.count } * 120)
            for g in groups {
                let prefix = csvField(g.wfUUID) + "," + csvField(g.label) + ","
                for j in g.rows {
                    buffer.append(prefix)
                    for (i, v) in jobValues(j).enumerated() {
                        if i > 0 { buffer.bytes.append(0x2C) }
                        buffer.append(csvField(v))
                    }
                    buffer.bytes.append(0x0A)
                }
            }
            out += buffer.string
        }
        return out
    }

    static func summaryValues(_ s: SummaryRow) -> [String] {
        [s.type, String(s.succeeded), String(s.failed), String(s.incomplete), String(s.total), String(s.retries), String(s.totalPlusRetries)]
    }

    static func transformationValues(_ t: TransformationRow) -> [String] {
        func mem(_ kb: Double?) -> String { kb.flatMap { $0 == 0 ? nil : PegasusFormat.python($0 / 1024) } ?? "-" }
        func cpu(_ f: Double?) -> String { f.flatMap { $0 == 0 ? nil : PegasusFormat.python($0 * 100, digits: 2) + "%" } ?? "-" }
        return [Text.visible(t.transformation), t.type, String(t.count), PegasusFormat.fstr(t.min), PegasusFormat.fstr(t.max), PegasusFormat.fstr(t.mean),
                PegasusFormat.fstr(t.total), mem(t.minMemoryKB), mem(t.maxMemoryKB), mem(t.meanMemoryKB), cpu(t.minCPU), cpu(t.maxCPU), cpu(t.meanCPU)]
    }

    static func jobValues(_ j: JobAttemptStatistics) -> [String] {
        [j.job, String(j.attempt), j.site ?? "-", PegasusFormat.fstr(j.kickstart), String(j.multiplier), PegasusFormat.fstr(j.kickstartMultiplied),
         PegasusFormat.fstr(j.cpuTime), PegasusFormat.fstr(j.post), PegasusFormat.fstr(j.queueTime), PegasusFormat.fstr(j.resourceDelay),
         PegasusFormat.fstr(j.runtime), PegasusFormat.fstr(j.seqexec), PegasusFormat.fstr(j.seqexecDelay), j.exitCode.map(String.init) ?? "None",
         j.host ?? "None"]
    }

    /// jobs.txt's table, with its values formatted once into one flat array.
    static func jobTable(_ rows: [JobAttemptStatistics]) -> String {
        let columns = jobHeader.count
        var cells: [String] = []
        cells.reserveCapacity(rows.count * columns)
        var widths = jobWidths
        for j in rows {
            let values = jobValues(j)
            for (i, v) in values.enumerated() {
                let n = v.utf8.count
                if n > widths[i] { widths[i] = v.count }
                cells.append(v)
            }
        }
        widths = widths.map { $0 + 1 }
        var out = TextBuffer(capacity: (rows.count + 1) * widths.reduce(0, +))
        out.row(jobHeader, widths)
        var k = 0
        for _ in rows {
            for i in 0..<columns {
                let v = cells[k + i]
                out.append(v)
                if i < columns - 1 { out.blanks(widths[i] - v.count) }
            }
            out.bytes.append(0x0A)
            k += columns
        }
        return out.string
    }

    /// Fixed-width columns, left-justified, trailing blanks trimmed.
    static func row(_ values: [String], _ widths: [Int]) -> String {
        var s = ""
        for (i, v) in values.enumerated() { s += i == values.count - 1 ? v : Text.pad(v, i < widths.count ? widths[i] : v.count + 1) }
        return s + "\n"
    }

    /// pegasus-statistics' breakdown tables: each column as wide as its default or its
    /// widest value, plus one.
    static func table(_ header: [String], _ rows: [[String]], _ defaults: [Int]) -> String {
        var widths = defaults
        for r in rows { for (i, v) in r.enumerated() where v.count > widths[i] { widths[i] = v.count } }
        widths = widths.map { $0 + 1 }
        var out = TextBuffer(capacity: (rows.count + 1) * widths.reduce(0, +))
        out.row(header, widths)
        for r in rows { out.row(r, widths) }
        return out.string
    }

    static func csvRow(_ values: [String]) -> String { values.map(csvField).joined(separator: ",") + "\n" }

    static func csvField(_ s: String) -> String {
        let s = Text.visible(s)
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
