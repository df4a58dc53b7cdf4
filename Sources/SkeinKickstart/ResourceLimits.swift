import Glibc

/// The record's `limits:` block (getrlimit for resources 0-15), written on failure or with -f
/// so a job killed by a limit can be diagnosed. Names as pegasus-kickstart prints them; it has
/// no name for 5 (RSS) and 15 (RTTIME) on Linux and prints `RESOURCE_N`.
public struct ResourceLimit: Sendable, Equatable {
    public var name: String
    /// nil means unlimited.
    public var soft: UInt64?
    public var hard: UInt64?

    public init(name: String, soft: UInt64?, hard: UInt64?) {
        self.name = name
        self.soft = soft
        self.hard = hard
    }

    static let names = [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RESOURCE_5",
        "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
        "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RESOURCE_15",
    ]

    /// This process's limits, in kickstart's order.
    public static func current() -> [ResourceLimit] {
        names.enumerated().compactMap { index, name in
            var limit = rlimit()
            guard getrlimit(__rlimit_resource_t(Int32(index)), &limit) == 0 else { return nil }
            func value(_ v: rlim_t) -> UInt64? { v == rlim_t.max ? nil : UInt64(v) }
            return ResourceLimit(name: name, soft: value(limit.rlim_cur), hard: value(limit.rlim_max))
        }
    }

    func yamlLines(indent pad: Int, into out: inout YAMLOut) {
        for (suffix, value) in [("_soft: " as StaticString, soft), ("_hard: ", hard)] {
            out.spaces(pad)
            out.text(name)
            out.raw(suffix)
            if let value { out.int(value) } else { out.raw("unlimited") }
            out.newline()
        }
    }
}
