/// The lines pegasus-cluster (and skein-kickstart's cluster mode) writes among a clustered
/// job's invocation records: `[cluster-task id=1, start="…", duration=0.521, status=0,
/// line=1, pid=18543, app="/bin/true"]` after each task and one `[cluster-summary stat="ok",
/// lines=3, tasks=3, succeeded=3, failed=0, extra=0, duration=1.143, start="…", pid=…,
/// app="…"]` at the end. monitord and pegasus-exitcode read the same lines.
public struct ClusterLine: Sendable, Equatable {
    /// `cluster-task` or `cluster-summary` (`seqexec-…` in old records).
    public var kind: String
    /// The `key=value` pairs in order, quotes removed.
    public var fields: [(String, String)]

    public subscript(_ key: String) -> String? { fields.first { $0.0 == key }?.1 }

    public var isSummary: Bool { kind.hasSuffix("-summary") }

    /// The summary's verdict: `stat="ok"` and no failed task.
    public var succeeded: Bool { self["stat"] == "ok" && (self["failed"].flatMap { Int($0) } ?? 0) == 0 }

    public static func == (a: ClusterLine, b: ClusterLine) -> Bool {
        a.kind == b.kind && a.fields.map(\.0) == b.fields.map(\.0) && a.fields.map(\.1) == b.fields.map(\.1)
    }

    /// Parses one line beginning with `[cluster-` or `[seqexec-` (anything after `]` is
    /// ignored); nil for other lines.
    public static func parse(_ line: Substring) -> ClusterLine? {
        guard line.hasPrefix("[cluster-") || line.hasPrefix("[seqexec-") else { return nil }
        var rest = line.dropFirst()
        let kind = String(rest.prefix { $0 != " " && $0 != "]" })
        rest = rest.dropFirst(kind.count)
        var fields: [(String, String)] = []
        while true {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let first = rest.first, first != "]" else { break }
            let key = String(rest.prefix { $0 != "=" && $0 != "]" })
            rest = rest.dropFirst(key.count)
            guard rest.first == "=" else { break }
            rest = rest.dropFirst()
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                while let c = rest.first, c != "\"" {
                    if c == "\\", rest.count > 1 { rest = rest.dropFirst() }
                    value.append(rest.first!)
                    rest = rest.dropFirst()
                }
                rest = rest.dropFirst()
            } else {
                value = String(rest.prefix { $0 != "," && $0 != "]" && $0 != " " })
                rest = rest.dropFirst(value.count)
            }
            fields.append((key, value))
        }
        return ClusterLine(kind: kind, fields: fields)
    }
}
