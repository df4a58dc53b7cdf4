import Glibc

/// A key and its text: environment variables and batch-system job ids in a record.
public struct NamedValue: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// This process's environment, sorted by the whole `NAME=value` bytes as kickstart does.
    public static func environment() -> [NamedValue] {
        var entries: [[UInt8]] = []
        var cursor = environ
        while let entry = cursor.pointee {
            entries.append(Array(UnsafeRawBufferPointer(start: entry, count: strlen(entry))))
            cursor += 1
        }
        entries.sort { $0.lexicographicallyPrecedes($1) }
        return entries.compactMap { bytes in
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            return NamedValue(String(decoding: bytes[..<equals], as: UTF8.self),
                              String(decoding: bytes[(equals + 1)...], as: UTF8.self))
        }
    }

    /// The `jobids:` entries kickstart derives from the environment: Condor and GRAM ids, then
    /// the first batch system found (lrmtype + lrm).
    public static func jobIDs() -> [NamedValue] {
        var ids: [NamedValue] = []
        if let condor = variable("CONDOR_JOBID") { ids.append(NamedValue("condor", condor)) }
        if let gram = variable("GLOBUS_GRAM_JOB_CONTACT") { ids.append(NamedValue("gram", gram)) }
        let systems = [("SLURM_JOBID", "slurm"), ("COBALT_JOBID", "cobalt"), ("JOB_ID", "sge"),
                       ("LSB_JOBID", "lsf"), ("PBS_JOBID", "pbs")]
        for (name, type) in systems {
            if let id = variable(name) {
                ids.append(NamedValue("lrmtype", type))
                ids.append(NamedValue("lrm", id))
                break
            }
        }
        return ids
    }

    /// getenv(3) as a String.
    public static func variable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
