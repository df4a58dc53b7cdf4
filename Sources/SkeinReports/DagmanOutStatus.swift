import Foundation

/// Status from DAGMan's `.dag.dagman.out` files, for Pegasus submit directories that have
/// no stampede database: the last progress table of each DAG (Done, Pre, Queued, Post,
/// Ready, Un-Ready, Failed, and Futile in newer HTCondor), its DAG status and exit line,
/// read the way `pegasus-status` reads them.
enum DagmanOutStatus {
    struct Parsed {
        var counts = StateCounts()
        var sawProgress = false
        var dagStatus: Int?
        var exitStatus: Int?
    }

    static func parse(_ text: String) -> Parsed {
        var p = Parsed()
        var total: Int?
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 3, fields[0].count == 8, fields[0].filter({ $0 == "/" }).count == 2 else { continue }
            if fields.count >= 5, fields[2] == "DAG", fields[3] == "status:" {
                p.dagStatus = Int(fields[4])
            } else if fields.count >= 6, fields[2] == "Of", fields[4] == "nodes", fields[5].hasPrefix("total") {
                total = Int(fields[3])
            } else if fields.count >= 9, fields[2...].allSatisfy({ Int($0) != nil }) {
                let v = fields[2...].compactMap { Int($0) }
                var c = StateCounts()
                c.done = v[0]; c.pre = v[1]; c.queued = v[2]; c.post = v[3]; c.ready = v[4]; c.unready = v[5]; c.failed = v[6]
                if v.count >= 8 { c.futile = v[7] }
                c.total = total ?? (c.done + c.pre + c.queued + c.post + c.ready + c.unready + c.failed + c.futile)
                p.counts = c
                p.sawProgress = true
            } else if let r = line.range(of: "EXITING WITH STATUS ") {
                p.exitStatus = Int(line[r.upperBound...].trimmingCharacters(in: .whitespaces))
            }
        }
        return p
    }

    /// pegasus-status's DAG state: a non-zero DAG status or exit is a failure; an exit of 0,
    /// or 100 % done, a success; anything else is running.
    static func state(_ p: Parsed) -> String {
        if let exit = p.exitStatus { return exit == 0 ? "Success" : "Failure" }
        if let status = p.dagStatus, status != 0 { return "Failure" }
        if p.sawProgress && p.counts.percentDone == 100 { return "Success" }
        return "Running"
    }

    static func report(_ location: RunLocation, now: Double) throws -> StatusReport {
        var workflows: [WorkflowStatus] = []
        for (i, file) in location.dagmanOutFiles.enumerated() {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) ?? String(contentsOfFile: file, encoding: .isoLatin1) else { continue }
            let parsed = parse(text)
            let name = ((file as NSString).lastPathComponent as NSString).replacingOccurrences(of: ".dagman.out", with: "")
            let depth = i == 0 ? 0 : max(1, file.dropFirst(location.directory.count).filter { $0 == "/" }.count / 2)
            workflows.append(WorkflowStatus(wfUUID: nil, name: name, label: name.replacingOccurrences(of: ".dag", with: ""),
                                            depth: depth, state: state(parsed), counts: parsed.counts))
        }
        guard let root = workflows.first else { throw ReportError.noDatabase(location.directory) }
        var condition = RunCondition(phase: .running, text: "Running", shortText: "Running", hint: nil, engine: nil,
                                     started: nil, finished: nil, restarts: 0, status: nil, reason: nil)
        switch root.state {
        case "Success": condition.phase = .succeeded; condition.text = "Success"; condition.shortText = "Success"
        case "Failure": condition.phase = .failed; condition.text = "Failure"; condition.shortText = "Failure"
        default: break
        }
        let totals = workflows.map(\.counts).reduce(StateCounts(), +)
        var notes = location.notes
        if location.database != nil { notes.append("no run database: counts are DAGMan's last progress lines") }
        return StatusReport(directory: location.directory, kind: .pegasus, label: location.label, wfUUID: location.wfUUID,
                            source: "dagman.out", database: nil, condition: condition, workflows: workflows, totals: totals,
                            jobs: nil, notes: notes, readAt: now)
    }
}
