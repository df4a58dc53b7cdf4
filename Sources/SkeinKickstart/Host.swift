import Glibc

/// Who and where: the header's interface/hostaddr/hostname and user/group/umask. Pegasus finds
/// the host name by reverse DNS, which can stall; Skein uses gethostname(2) instead.
public enum Host {
    /// The first interface that is up, not loopback, with an IPv4 address; else loopback.
    public static func primaryIPv4() -> (interface: String, address: String)? {
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
