import Glibc

/// sysinfo(2): RAM, swap and load averages in one system call. Glibc's Swift module does not
/// include <sys/sysinfo.h>, and this target may not depend on a C shim, so the function is
/// declared here with the C calling convention (`@_extern(c)`) and its LP64 struct layout read
/// by offset. Not looked up with dlsym: skein-kickstart is a static executable, where dlsym
/// finds nothing. Falls back to zeros elsewhere.
struct SystemMemory {
    var ramTotal: UInt64 = 0, ramFree: UInt64 = 0, ramShared: UInt64 = 0, ramBuffer: UInt64 = 0
    var swapTotal: UInt64 = 0, swapFree: UInt64 = 0
    var load: (Double, Double, Double) = (0, 0, 0)

    /// Values in bytes (loads as plain numbers).
    static func current() -> SystemMemory {
        var result = SystemMemory()
        #if os(Linux) && (arch(x86_64) || arch(arm64))
        // struct sysinfo on LP64: long uptime; unsigned long loads[3], totalram, freeram,
        // sharedram, bufferram, totalswap, freeswap; unsigned short procs, pad; unsigned long
        // totalhigh, freehigh; unsigned int mem_unit; -> 112 bytes.
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: 128)
        guard systemInformation(buffer) == 0 else { return result }
        func word(_ index: Int) -> UInt64 { buffer.load(fromByteOffset: 8 * index, as: UInt64.self) }
        let unit = UInt64(max(1, buffer.load(fromByteOffset: 104, as: UInt32.self)))
        let scale = Double(1 << 16)  // SI_LOAD_SHIFT
        result.load = (Double(word(1)) / scale, Double(word(2)) / scale, Double(word(3)) / scale)
        result.ramTotal = word(4) * unit
        result.ramFree = word(5) * unit
        result.ramShared = word(6) * unit
        result.ramBuffer = word(7) * unit
        result.swapTotal = word(8) * unit
        result.swapFree = word(9) * unit
        #endif
        return result
    }
}

#if os(Linux) && (arch(x86_64) || arch(arm64))
/// glibc's `int sysinfo(struct sysinfo *)`.
@_extern(c, "sysinfo")
private func systemInformation(_ info: UnsafeMutableRawPointer) -> Int32
#endif
