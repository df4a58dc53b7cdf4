import Glibc

/// The machine block's `procs_*` and `task_*` counters: processes and threads on the node by
/// state, with their summed virtual and resident size. Counting them reads every
/// /proc/PID/status and /proc/PID/task/TID/status, milliseconds on a busy node, so the wrapper
/// collects them only for full records (failed jobs, or -f), where they help explain a failure.
public struct ProcessTable: Sendable, Equatable {
    public struct Counts: Sendable, Equatable {
        public var total = 0
        /// By state, in Pegasus's order: running, sleeping, waiting (D), stopped, zombie, other.
        public var states: [Int] = [0, 0, 0, 0, 0, 0]
        /// KB.
        public var vmsize: UInt64 = 0
        public var rss: UInt64 = 0

        public init(total: Int = 0, states: [Int] = [0, 0, 0, 0, 0, 0], vmsize: UInt64 = 0, rss: UInt64 = 0) {
            self.total = total
            self.states = states
            self.vmsize = vmsize
            self.rss = rss
        }
    }

    public var processes: Counts
    public var tasks: Counts

    public init(processes: Counts, tasks: Counts) {
        self.processes = processes
        self.tasks = tasks
    }

    static let stateNames = ["running", "sleeping", "waiting", "stopped", "zombie", "other"]

    public static func current() -> ProcessTable {
        var table = ProcessTable(processes: Counts(), tasks: Counts())
        for pid in numericEntries("/proc") {
            table.processes.total += 1
            for tid in numericEntries("/proc/" + pid + "/task") {
                table.tasks.total += 1
                add("/proc/" + pid + "/task/" + tid + "/status", to: &table.tasks)
            }
            add("/proc/" + pid + "/status", to: &table.processes)
        }
        return table
    }

    private static func numericEntries(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let first = name.utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") { names.append(name) }
        }
        return names
    }

    private static func add(_ path: String, to counts: inout Counts) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return }
        for line in String(decoding: bytes[0..<count], as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("State:") {
                let state = line.dropFirst(6).first { $0 != " " && $0 != "\t" }
                let index = ["R": 0, "S": 1, "D": 2, "T": 3, "Z": 4][state ?? "?"] ?? 5
                counts.states[index] += 1
            } else if line.hasPrefix("VmSize:") {
                counts.vmsize += kilobytes(line.dropFirst(7))
            } else if line.hasPrefix("VmRSS:") {
                counts.rss += kilobytes(line.dropFirst(6))
            }
        }
    }

    private static func kilobytes(_ text: Substring) -> UInt64 {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let number = fields.first.flatMap({ UInt64($0) }) else { return 0 }
        switch fields.dropFirst().first?.first {
        case "M": return number * 1024
        case "G": return number * 1024 * 1024
        case "B": return number / 1024
        default: return number
        }
    }

    /// Pegasus's lines: totals, non-zero states, and (for processes only) sizes.
    func yamlLines(indent: Int, into out: inout YAMLOut) {
        out.text(yamlLines(indent: indent))
    }

    func yamlLines(indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var out = pad + "procs_total: " + String(processes.total) + "\n"
        for (index, name) in Self.stateNames.enumerated() where processes.states[index] > 0 {
            out += pad + "procs_" + name + ": " + String(processes.states[index]) + "\n"
        }
        out += pad + "procs_vmsize: " + String(processes.vmsize) + "\n" + pad + "procs_rss: " + String(processes.rss) + "\n"
        out += pad + "task_total: " + String(tasks.total) + "\n"
        for (index, name) in Self.stateNames.enumerated() where tasks.states[index] > 0 {
            out += pad + "task_" + name + ": " + String(tasks.states[index]) + "\n"
        }
        return out
    }
}
