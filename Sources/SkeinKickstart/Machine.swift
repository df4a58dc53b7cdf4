import Glibc

/// The record's `machine:` block: where the job ran. Gathered cheaply (uname, one sysinfo call,
/// the first 4 KiB of /proc/cpuinfo) because it is collected for every job; Pegasus's
/// `procs_*`/`task_*` counters (a walk over all of /proc) are optional, see ProcessTable.
public struct Machine: Sendable, Equatable {
    public var pageSize: Int
    public var system: String
    public var nodename: String
    public var release: String
    public var machine: String
    /// KB, as Pegasus prints them.
    public var ramTotal: UInt64, ramFree: UInt64, ramShared: UInt64, ramBuffer: UInt64
    public var swapTotal: UInt64, swapFree: UInt64
    public var cpuCount: Int
    /// MHz of the first CPU.
    public var cpuSpeed: Int
    public var cpuVendor: String
    public var cpuModel: String
    public var load1: Double, load5: Double, load15: Double
    /// nil leaves the `procs_*`/`task_*` lines out.
    public var processes: ProcessTable?

    public init(pageSize: Int, system: String, nodename: String, release: String, machine: String,
                ramTotal: UInt64, ramFree: UInt64, ramShared: UInt64, ramBuffer: UInt64,
                swapTotal: UInt64, swapFree: UInt64, cpuCount: Int, cpuSpeed: Int,
                cpuVendor: String, cpuModel: String, load1: Double, load5: Double, load15: Double,
                processes: ProcessTable? = nil) {
        self.pageSize = pageSize
        self.system = system
        self.nodename = nodename
        self.release = release
        self.machine = machine
        self.ramTotal = ramTotal
        self.ramFree = ramFree
        self.ramShared = ramShared
        self.ramBuffer = ramBuffer
        self.swapTotal = swapTotal
        self.swapFree = swapFree
        self.cpuCount = cpuCount
        self.cpuSpeed = cpuSpeed
        self.cpuVendor = cpuVendor
        self.cpuModel = cpuModel
        self.load1 = load1
        self.load5 = load5
        self.load15 = load15
        self.processes = processes
    }

    /// This machine now; `withProcesses` also counts processes and threads (slow, see ProcessTable).
    public static func current(withProcesses: Bool = false) -> Machine {
        var names = utsname()
        uname(&names)
        let memory = SystemMemory.current()
        let cpu = CPUInfo.first()
        return Machine(
            pageSize: sysconf(Int32(_SC_PAGESIZE)),
            system: field(&names.sysname).lowercased(), nodename: field(&names.nodename),
            release: field(&names.release), machine: field(&names.machine),
            ramTotal: memory.ramTotal / 1024, ramFree: memory.ramFree / 1024,
            ramShared: memory.ramShared / 1024, ramBuffer: memory.ramBuffer / 1024,
            swapTotal: memory.swapTotal / 1024, swapFree: memory.swapFree / 1024,
            cpuCount: sysconf(Int32(_SC_NPROCESSORS_ONLN)), cpuSpeed: cpu.mhz,
            cpuVendor: cpu.vendor, cpuModel: cpu.model,
            load1: memory.load.0, load5: memory.load.1, load15: memory.load.2,
            processes: withProcesses ? ProcessTable.current() : nil)
    }

    private static func field<T>(_ tuple: inout T) -> String {
        withUnsafeBytes(of: &tuple) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The lines under `machine:`, at `indent` spaces.
    func yamlLines(indent pad: Int, into out: inout YAMLOut) {
        out.line(pad, "page-size", int: pageSize)
        for (key, value) in [("uname_system" as StaticString, system), ("uname_nodename", nodename), ("uname_release", release), ("uname_machine", machine)] {
            out.key(pad, key)
            out.plain(value)
            out.newline()
        }
        out.line(pad, "ram_total", int: ramTotal)
        out.line(pad, "ram_free", int: ramFree)
        out.line(pad, "ram_shared", int: ramShared)
        out.line(pad, "ram_buffer", int: ramBuffer)
        out.line(pad, "swap_total", int: swapTotal)
        out.line(pad, "swap_free", int: swapFree)
        out.line(pad, "cpu_count", int: cpuCount)
        out.line(pad, "cpu_speed", int: cpuSpeed)
        for (key, value) in [("cpu_vendor" as StaticString, cpuVendor), ("cpu_model", cpuModel)] {
            out.key(pad, key)
            out.plain(value)
            out.newline()
        }
        for (key, value) in [("load_min1" as StaticString, load1), ("load_min5", load5), ("load_min15", load15)] {
            out.key(pad, key)
            out.fixed(value, 2)
            out.newline()
        }
        processes?.yamlLines(indent: pad, into: &out)
    }
}

/// Vendor, model and MHz of the first CPU from the start of /proc/cpuinfo. Only 4 KiB is read:
/// the kernel builds that file per CPU, and reading all of it is slow on big nodes. Parsed by
/// byte, as it runs in every wrapper process.
enum CPUInfo {
    static func first() -> (vendor: String, model: String, mhz: Int) {
        var vendor = "", model = "", mhz = 0
        let fd = open("/proc/cpuinfo", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return (vendor, model, mhz) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return (vendor, model, mhz) }
        var lineStart = 0
        var processors = 0
        for index in 0...count where index == count || bytes[index] == UInt8(ascii: "\n") {
            defer { lineStart = index + 1 }
            guard let colon = bytes[lineStart..<index].firstIndex(of: UInt8(ascii: ":")) else { continue }
            let key = trimmed(bytes[lineStart..<colon])
            let value = trimmed(bytes[(colon + 1)..<index])
            if key.elementsEqual("processor".utf8) {
                processors += 1
                if processors > 1 { break }  // the first CPU is complete
            } else if key.elementsEqual("vendor_id".utf8) {
                vendor = String(decoding: value.prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
            } else if key.elementsEqual("model name".utf8) {
                model = collapsingBlanks(value)
            } else if key.elementsEqual("cpu MHz".utf8) {
                mhz = Int(((Double(String(decoding: value, as: UTF8.self)) ?? 0) + 0.5).rounded(.down))
            }
        }
        return (vendor, model, mhz)
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isBlank(first) { slice.removeFirst() }
        while let last = slice.last, isBlank(last) { slice.removeLast() }
        return slice
    }

    /// Runs of blanks become one space (pegasus-kickstart does the same to the model name).
    private static func collapsingBlanks(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            if isBlank(byte) {
                if out.last != 0x20 { out.append(0x20) }
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
