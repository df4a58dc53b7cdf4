import SkeinRunFormat

/// A clustered job's record on the Job screen's Record tab: the cluster's summary line
/// first, then each task under it as "Task N of M: <id>" with its record and its output
/// (stdout and stderr as the record holds them; the files are in its Files list).
enum ClusterDocuments {
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
