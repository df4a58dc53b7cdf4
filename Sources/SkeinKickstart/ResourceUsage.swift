import Glibc

/// A `struct rusage` as the record's `usage:` blocks show it: CPU times in seconds (printed with
/// 3 decimals), maxrss in KB (Linux's unit), the rest as counts. The job's comes from wait4,
/// the wrapper's own from getrusage(RUSAGE_SELF).
public struct ResourceUsage: Sendable, Equatable {
    public var utime: Double
    public var stime: Double
    public var maxrss: Int
    public var minflt: Int
    public var majflt: Int
    public var nswap: Int
    public var inblock: Int
    public var outblock: Int
    public var msgsnd: Int
    public var msgrcv: Int
    public var nsignals: Int
    public var nvcsw: Int
    public var nivcsw: Int

    public init(utime: Double = 0, stime: Double = 0, maxrss: Int = 0, minflt: Int = 0, majflt: Int = 0,
                nswap: Int = 0, inblock: Int = 0, outblock: Int = 0, msgsnd: Int = 0, msgrcv: Int = 0,
                nsignals: Int = 0, nvcsw: Int = 0, nivcsw: Int = 0) {
        self.utime = utime
        self.stime = stime
        self.maxrss = maxrss
        self.minflt = minflt
        self.majflt = majflt
        self.nswap = nswap
        self.inblock = inblock
        self.outblock = outblock
        self.msgsnd = msgsnd
        self.msgrcv = msgrcv
        self.nsignals = nsignals
        self.nvcsw = nvcsw
        self.nivcsw = nivcsw
    }

    public init(_ usage: rusage) {
        self.init(
            utime: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1_000_000,
            stime: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1_000_000,
            maxrss: Int(usage.ru_maxrss), minflt: Int(usage.ru_minflt), majflt: Int(usage.ru_majflt),
            nswap: Int(usage.ru_nswap), inblock: Int(usage.ru_inblock), outblock: Int(usage.ru_oublock),
            msgsnd: Int(usage.ru_msgsnd), msgrcv: Int(usage.ru_msgrcv), nsignals: Int(usage.ru_nsignals),
            nvcsw: Int(usage.ru_nvcsw), nivcsw: Int(usage.ru_nivcsw))
    }

    /// This process's own usage so far.
    public static func ofSelf() -> ResourceUsage {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return ResourceUsage(usage)
    }

    /// The lines under `usage:`, at `indent` spaces.
    func yamlLines(indent pad: Int, into out: inout YAMLOut) {
        out.key(pad, "utime")
        out.fixed(utime, 3)
        out.newline()
        out.key(pad, "stime")
        out.fixed(stime, 3)
        out.newline()
        out.line(pad, "maxrss", int: maxrss)
        out.line(pad, "minflt", int: minflt)
        out.line(pad, "majflt", int: majflt)
        out.line(pad, "nswap", int: nswap)
        out.line(pad, "inblock", int: inblock)
        out.line(pad, "outblock", int: outblock)
        out.line(pad, "msgsnd", int: msgsnd)
        out.line(pad, "msgrcv", int: msgrcv)
        out.line(pad, "nsignals", int: nsignals)
        out.line(pad, "nvcsw", int: nvcsw)
        out.line(pad, "nivcsw", int: nivcsw)
    }
}
