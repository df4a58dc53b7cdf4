import Foundation
import SkeinYAML

/// A kickstart invocation record (`<id>.out.AAA`, Pegasus's YAML form, which Skein and
/// skein-kickstart write): the one reader, for the engine (how a remote attempt ended) and
/// the TUI's inspector. A clustered job's record holds one invocation per task.
public struct KickstartRecord: Sendable, Equatable {
    public struct FileInfo: Sendable, Equatable {
        /// The record's key: an output's name, or stdin / stdout / stderr / metadata ...
        public var name: String
        public var lfn: String?
        public var path: String?
        public var size: Int?
        public var sha256: String?
        public var output: Bool
    }

    public struct Invocation: Sendable, Equatable {
        public var transformation: String?
        public var derivation: String?
        public var resource: String?
        public var hostname: String?
        public var hostaddr: String?
        public var user: String?
        public var start: String?
        public var duration: Double?
        public var cwd: String?
        public var pid: Int?
        /// The main job.
        public var rawStatus: Int?
        public var exitCode: Int?
        public var signal: Int?
        public var failure: String?
        public var mainStart: String?
        public var mainDuration: Double?
        /// The main job's own process id (the top-level `pid` is the wrapper's).
        public var mainPID: Int?
        public var utime: Double?
        public var stime: Double?
        public var maxrssKB: Int?
        public var executable: String?
        public var arguments: [String]
        public var files: [FileInfo]
        public var stdoutData: String?
        public var stderrData: String?
        public var machine: [(String, String)]

        public var cpu: Double? {
            if utime == nil && stime == nil { return nil }
            return (utime ?? 0) + (stime ?? 0)
        }

        /// "exit code 3", "killed by signal 9", "failed to start: ...".
        public var outcome: String {
            if let failure { return "failed to start: \(failure)" }
            if let signal { return "killed by signal \(signal)" }
            if let exitCode { return exitCode == 0 ? "exit code 0 (success)" : "exit code \(exitCode)" }
            if let raw = rawStatus { return "raw status \(raw)" }
            return "no status recorded"
        }

        public static func == (a: Invocation, b: Invocation) -> Bool {
            a.transformation == b.transformation && a.start == b.start && a.rawStatus == b.rawStatus && a.files == b.files
                && a.arguments == b.arguments && a.hostname == b.hostname && a.duration == b.duration
        }
    }

    public var path: String
    public var invocations: [Invocation]
    /// A clustered job's `[cluster-task …]` lines, one per task run, in order.
    public var clusterTasks: [ClusterLine] = []
    /// A clustered job's `[cluster-summary …]` line (nil for a job that is one task).
    public var clusterSummary: ClusterLine?

    /// `2026-11-21T08:06:43.023+00:00` as epoch seconds.
    public static func epoch(_ text: String) -> Double? {
        // Records are read by the hundred thousand (a clustered run): the form kickstart
        // writes is parsed by hand; anything else goes to the formatter.
        if let fast = fastEpoch(text) { return fast }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)?.timeIntervalSince1970
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]`, or nil.
    static func fastEpoch(_ text: String) -> Double? {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var value = 0
            for i in at..<at + count {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                value = value * 10 + Int(b[i] - 48)
            }
            return value
        }
        guard b.count >= 19, b[4] == 45, b[7] == 45, b[10] == 84, b[13] == 58, b[16] == 58,
              let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
              let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2), (1...12).contains(month) else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 46 {
            i += 1
            var scale = 0.1
            while i < b.count, b[i] >= 48, b[i] <= 57 { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
        }
        var offset = 0
        if i < b.count, b[i] == 90 {
            i += 1
        } else if i + 6 == b.count, b[i] == 43 || b[i] == 45, b[i + 3] == 58, let h = digits(i + 1, 2), let m = digits(i + 4, 2) {
            offset = (h * 3600 + m * 60) * (b[i] == 45 ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Double(days * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }

    /// Parses a record file; a record still being written (or not YAML) is an error to show.
    public static func read(_ path: String) throws -> KickstartRecord {
        guard let data = FileManager.default.contents(atPath: path) else { throw RunFormatError("cannot read \(path)") }
        if data.isEmpty { throw RunFormatError("\(path) is empty (the attempt may still be running)") }
        return try parse([UInt8](data), path: path)
    }

    public static func parse(_ bytes: [UInt8], path: String) throws -> KickstartRecord {
        // A clustered job's record: YAML invocations with `[cluster-…]` lines between them,
        // which are not YAML (monitord splits them off the same way).
        var yaml = bytes
        var clusterLines: [ClusterLine] = []
        if bytes.starts(with: Array("[cluster-".utf8)) || bytes.starts(with: Array("[seqexec-".utf8)) || containsClusterLine(bytes) {
            yaml = []
            yaml.reserveCapacity(bytes.count)
            // As monitord: a record starts at `- invocation:` and takes the lines that can be
            // YAML (indented, a list item, empty); anything else (a batch system's epilogue)
            // is skipped.
            var inRecord = false
            for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                if line.first == UInt8(ascii: "["), let parsed = ClusterLine.parse(Substring(decoding: line, as: UTF8.self)) {
                    clusterLines.append(parsed)
                    inRecord = false
                    continue
                }
                if line.starts(with: Array("- invocation:".utf8)) { inRecord = true }
                guard inRecord, line.isEmpty || line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "-") else { continue }
                yaml += line
                yaml.append(UInt8(ascii: "\n"))
            }
        }
        let summary = clusterLines.last { $0.isSummary }
        let tasks = clusterLines.filter { !$0.isSummary }
        if yaml.allSatisfy({ $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: " ") }), summary != nil {
            return KickstartRecord(path: path, invocations: [], clusterTasks: tasks, clusterSummary: summary)
        }
        let root: YAMLNode?
        do { root = try YAMLParser.parse(yaml, secondDocument: .ignore).root } catch { throw RunFormatError("\(path): not a kickstart record (line \(error.mark.line): \(error.message))") }
        var records: [YAMLMapping] = []
        switch root {
        case .sequence(let s)?:
            for item in s.items { if case .mapping(let m) = item { records.append(m) } }
        case .mapping(let m)?:
            records.append(m)
        default:
            break
        }
        if records.isEmpty && summary == nil { throw RunFormatError("\(path): no invocation in the record") }
        return KickstartRecord(path: path, invocations: records.map(invocation), clusterTasks: tasks, clusterSummary: summary)
    }

    /// Whether a line of `bytes` begins with `[cluster-` or `[seqexec-`.
    private static func containsClusterLine(_ bytes: [UInt8]) -> Bool {
        let open = UInt8(ascii: "["), newline = UInt8(ascii: "\n")
        var i = bytes.startIndex
        while let j = bytes[i...].firstIndex(of: newline) {
            let next = j + 1
            if next < bytes.count, bytes[next] == open,
               bytes[next...].starts(with: Array("[cluster-".utf8)) || bytes[next...].starts(with: Array("[seqexec-".utf8)) { return true }
            i = next
        }
        return false
    }

    static func text(_ node: YAMLNode?) -> String? {
        if case .scalar(let s)? = node, !s.isNull { return s.value }
        return nil
    }

    static func mapping(_ node: YAMLNode?) -> YAMLMapping? {
        if case .mapping(let m)? = node { return m }
        return nil
    }

    static func invocation(_ r: YAMLMapping) -> Invocation {
        var inv = Invocation(transformation: text(r["transformation"]), derivation: text(r["derivation"]), resource: text(r["resource"]),
                             hostname: text(r["hostname"]), hostaddr: text(r["hostaddr"]), user: text(r["user"]), start: text(r["start"]),
                             duration: text(r["duration"]).flatMap(Double.init), cwd: text(r["cwd"]), pid: text(r["pid"]).flatMap { Int($0) },
                             rawStatus: nil, exitCode: nil, signal: nil, failure: nil, mainStart: nil, mainDuration: nil, mainPID: nil,
                             utime: nil, stime: nil, maxrssKB: nil, executable: nil, arguments: [], files: [], stdoutData: nil,
                             stderrData: nil, machine: [])
        if let main = mapping(r["mainjob"]) {
            inv.mainStart = text(main["start"])
            inv.mainDuration = text(main["duration"]).flatMap(Double.init)
            inv.mainPID = text(main["pid"]).flatMap { Int($0) }
            if let status = mapping(main["status"]) {
                inv.rawStatus = text(status["raw"]).flatMap { Int($0) }
                inv.exitCode = text(status["regular_exitcode"]).flatMap { Int($0) }
                inv.signal = text(status["signalled_signal"]).flatMap { Int($0) }
                if let f = text(status["failure_error"]) { inv.failure = f }
                if inv.exitCode == nil, inv.signal == nil, let raw = inv.rawStatus {
                    if raw & 127 != 0 { inv.signal = raw & 127 } else { inv.exitCode = raw >> 8 }
                }
            }
            if let u = mapping(main["usage"]) {
                inv.utime = text(u["utime"]).flatMap(Double.init)
                inv.stime = text(u["stime"]).flatMap(Double.init)
                inv.maxrssKB = text(u["maxrss"]).flatMap { Int($0) }
            }
            if let exe = mapping(main["executable"]) { inv.executable = text(exe["file_name"]) }
            if case .sequence(let args)? = main["argument_vector"] { inv.arguments = args.items.compactMap { text($0) ?? "" } }
        }
        if let files = mapping(r["files"]) {
            for entry in files.entries {
                guard case .mapping(let f) = entry.value else { continue }
                let name = entry.key.value
                let info = FileInfo(name: name, lfn: text(f["lfn"]), path: text(f["file_name"]) ?? text(f["temporary_name"]),
                                    size: text(f["size"]).flatMap { Int($0) }, sha256: text(f["sha256"]),
                                    output: (text(f["output"]) ?? "").lowercased() == "true")
                if name == "stdout", let d = text(f["data"]) { inv.stdoutData = d }
                if name == "stderr", let d = text(f["data"]) { inv.stderrData = d }
                inv.files.append(info)
            }
        }
        if let machine = mapping(r["machine"]) {
            for entry in machine.entries { if let v = text(entry.value) { inv.machine.append((entry.key.value, v)) } }
        }
        return inv
    }
}
