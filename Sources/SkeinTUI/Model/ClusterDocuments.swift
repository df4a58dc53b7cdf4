import SkeinReports
import SkeinRunFormat

/// A clustered job on the Job screen. Definition tab: its tasks in order, each with what it
/// runs and the files it reads and writes, as a plain job's definition shows them. Record
/// tab: the cluster's summary line first, then each task under it as "Task N of M: <id>"
/// with its record and its output (stdout and stderr as the record holds them; the files
/// are in its Files list).
enum ClusterDocuments {
    /// The Definition tab's "Tasks" section; empty for a job that is its own task.
    static func definition(_ tasks: [TaskDefinition]) -> [DocLine] {
        guard !tasks.isEmpty else { return [] }
        var lines: [DocLine] = [.blank, DocLine([.init("Tasks", .header), .init("  \(tasks.count), run in this order in one slot", .dim)])]
        for task in tasks {
            var title: [DocLine.Segment] = [.init("  Task \(task.seq): ", .dim), .init(task.id ?? "?")]
            if let t = task.transformation { title.append(.init("  " + t, .dim)) }
            lines.append(DocLine(title))
            lines.append(.field("  executable", task.executable ?? "-"))
            if task.arguments.isEmpty {
                lines.append(.field("  arguments", "(none)"))
            } else {
                for (i, arg) in task.arguments.enumerated() { lines.append(.field(i == 0 ? "  arguments" : "", Format.shellWord(arg))) }
            }
            for (name, value) in [("stdin", task.stdin), ("stdout", task.stdout), ("stderr", task.stderr)] {
                if let v = value { lines.append(.field("  " + name, v)) }
            }
            if let inputs = task.inputs { lines.append(.field("  inputs", inputs.isEmpty ? "-" : inputs.joined(separator: "  "))) }
            if let outputs = task.outputs { lines.append(.field("  outputs", outputs.isEmpty ? "-" : outputs.joined(separator: "  "))) }
        }
        return lines
    }

    static func isCluster(_ r: KickstartRecord) -> Bool { r.clusterSummary != nil || !r.clusterTasks.isEmpty }

    /// "Cluster: 3 tasks run, 2 succeeded, 1 failed" (or that it did not finish).
    static func summary(_ r: KickstartRecord) -> [DocLine] {
        guard isCluster(r) else { return [] }
        guard let s = r.clusterSummary else {
            return [DocLine([.init("Cluster", .header), .init("  \(r.clusterTasks.count) task(s) ended; no summary line: it did not finish", .failed)]), .blank]
        }
        let ok = s.succeeded
        return [
            DocLine([.init("Cluster", .header), .init("  " + (s["stat"] ?? "?"), ok ? .done : .failed)]),
            .field("tasks run", "\(s["tasks"] ?? "?"): \(s["succeeded"] ?? "?") succeeded, \(s["failed"] ?? "?") failed"),
            .field("duration", (s["duration"] ?? "?") + " s"),
            .field("start", s["start"] ?? "-"),
            .blank,
        ]
    }

    /// The heading of invocation `n` in a cluster record; nil for a job's own record.
    static func title(_ r: KickstartRecord, _ n: Int) -> String? {
        guard isCluster(r) else { return nil }
        let inv = r.invocations[n]
        let number = n < r.clusterTasks.count ? r.clusterTasks[n]["id"] ?? "\(n + 1)" : "\(n + 1)"
        return "Task \(number): \(inv.derivation ?? "?")" + (inv.transformation.map { " (\($0))" } ?? "")
    }

    /// A cluster task's stdout as its record holds it (its stderr is shown already).
    static func output(_ r: KickstartRecord, _ inv: KickstartRecord.Invocation) -> [DocLine] {
        guard isCluster(r), let out = inv.stdoutData, !out.isEmpty else { return [] }
        var lines: [DocLine] = [.blank, .heading("stdout (in the record)")]
        for l in out.split(separator: "\n", omittingEmptySubsequences: false).prefix(50) { lines.append(DocLine("  " + l)) }
        return lines
    }
}
