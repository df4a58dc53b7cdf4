import Glibc

/// Who and where: the header's interface/hostaddr/hostname and user/group/umask. Pegasus finds
/// the host name by reverse DNS, which can stall; Skein uses gethostname(2) instead.
public enum Host {
    /// The first interface that is up, not loopback, with an IPv4 address; else loopback.
    /// Asked with SIOCGIFCONF (a few microseconds) rather than getifaddrs, whose netlink dump
    /// of every link with its statistics costs ~0.15 ms in every wrapper process.
    public static func primaryIPv4() -> (interface: String, address: String)? {
        interfaceConfiguration() ?? linkDump()
    }

    /// SIOCGIFCONF and SIOCGIFFLAGS on a datagram socket; nil if they are not available.
    static func interfaceConfiguration() -> (interface: String, address: String)? {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let stride = MemoryLayout<ifreq>.stride
        var requests = [ifreq](repeating: ifreq(), count: 64)
        return requests.withUnsafeMutableBytes { raw -> (interface: String, address: String)? in
            var configuration = ifconf()
            configuration.ifc_len = Int32(raw.count)
            configuration.ifc_ifcu.ifcu_buf = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            guard controlDevice(fd, UInt(SIOCGIFCONF), &configuration) == 0 else { return nil }
            var loopback: (String, String)?
            for offset in Swift.stride(from: 0, to: Int(configuration.ifc_len) - stride + 1, by: stride) {
                var request = raw.load(fromByteOffset: offset, as: ifreq.self)
                // sockaddr_in: family (2 bytes), port (2), then the address.
                let address = withUnsafeBytes(of: &request.ifr_ifru.ifru_addr) { in_addr(s_addr: $0.load(fromByteOffset: 4, as: UInt32.self)) }
                let name = withUnsafeBytes(of: &request.ifr_ifrn.ifrn_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                guard controlDevice(fd, UInt(SIOCGIFFLAGS), &request) == 0 else { continue }
                let flags = Int32(request.ifr_ifru.ifru_flags)
                guard flags & Int32(IFF_UP) != 0 else { continue }
                if flags & Int32(IFF_LOOPBACK) != 0 {
                    if loopback == nil { loopback = (name, dottedQuad(address)) }
                    continue
                }
                return (name, dottedQuad(address))
            }
            return loopback
        }
    }

    /// getifaddrs(3): every address of every link.
    static func linkDump() -> (interface: String, address: String)? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var loopback: (String, String)?
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            cursor = entry.pointee.ifa_next
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            let flags = entry.pointee.ifa_flags
            guard flags & UInt32(IFF_UP) != 0 else { continue }
            let ip = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { dottedQuad($0.pointee.sin_addr) }
            let name = String(cString: entry.pointee.ifa_name)
            if flags & UInt32(IFF_LOOPBACK) != 0 {
                if loopback == nil { loopback = (name, ip) }
                continue
            }
            return (name, ip)
        }
        return loopback
    }

    public static func name() -> String? {
        var buffer = [UInt8](repeating: 0, count: 256)
        let code = buffer.withUnsafeMutableBytes { gethostname($0.baseAddress!.assumingMemoryBound(to: CChar.self), 255) }
        guard code == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The process umask. Reads it by setting and restoring, so call it before starting threads.
    public static func umask() -> UInt32 {
        let mask = Glibc.umask(0o022)
        _ = Glibc.umask(mask)
        return UInt32(mask)
    }

    private static func dottedQuad(_ address: in_addr) -> String {
        let value = UInt32(bigEndian: address.s_addr)
        return String(value >> 24) + "." + String((value >> 16) & 0xff) + "." + String((value >> 8) & 0xff) + "." + String(value & 0xff)
    }
}

/// ioctl(2) with a pointer argument. Glibc's module cannot import the variadic ioctl; declared
/// here with the C calling convention (a pointer in the first variadic slot is passed the same
/// way on x86_64 and arm64 Linux).
@_extern(c, "ioctl")
private func controlDevice(_ fd: Int32, _ request: UInt, _ argument: UnsafeMutableRawPointer) -> Int32
