/// A Pegasus kickstart invocation record (YAML schema 3.0): what ran, where, how it ended and
/// what it produced. Skein writes these so Pegasus's tools (and Skein's own provenance import)
/// read its runs like Pegasus's; `yaml()` reproduces pegasus-kickstart's layout and key names.
public struct InvocationRecord: Sendable, Equatable {
    public var version: String
    /// Epoch seconds when the wrapper started.
    public var start: Double
    public var duration: Double
    public var transformation: String?
    /// The job id (kickstart's derivation).
    public var derivation: String?
    /// The site handle.
    public var resource: String?
    public var wfLabel: String?
    public var wfStamp: String?
    public var interface: String?
    public var hostaddr: String?
    public var hostname: String?
    /// The wrapper's pid (0 leaves it out).
    public var pid: Int32
    public var uid: UInt32
    public var user: String?
    public var gid: UInt32
    public var group: String?
    public var umask: UInt32
    public var mainjob: JobRecord?
    public var jobIDs: [NamedValue]
    /// nil prints an empty `cwd:`, as kickstart does when it failed before looking.
    public var cwd: String?
    /// The wrapper's own resource usage.
    public var usage: ResourceUsage
    public var machine: Machine?
    /// In kickstart's order: -S files, -s outputs, stdin, stdout, stderr, metadata, then (on
    /// failure or -f) kickstart and logfile.
    public var files: [FileEntry]
    /// Written on failure or -f, with `limits`.
    public var environment: [NamedValue]?
    public var limits: [ResourceLimit]?

    public init(version: String = "3.0", start: Double, duration: Double, transformation: String? = nil,
                derivation: String? = nil, resource: String? = nil, wfLabel: String? = nil, wfStamp: String? = nil,
                interface: String? = nil, hostaddr: String? = nil, hostname: String? = nil, pid: Int32,
                uid: UInt32, user: String? = nil, gid: UInt32, group: String? = nil, umask: UInt32,
                mainjob: JobRecord? = nil, jobIDs: [NamedValue] = [], cwd: String? = nil,
                usage: ResourceUsage = ResourceUsage(), machine: Machine? = nil, files: [FileEntry] = [],
                environment: [NamedValue]? = nil, limits: [ResourceLimit]? = nil) {
        self.version = version
        self.start = start
        self.duration = duration
        self.transformation = transformation
        self.derivation = derivation
        self.resource = resource
        self.wfLabel = wfLabel
        self.wfStamp = wfStamp
        self.interface = interface
        self.hostaddr = hostaddr
        self.hostname = hostname
        self.pid = pid
        self.uid = uid
        self.user = user
        self.gid = gid
        self.group = group
        self.umask = umask
        self.mainjob = mainjob
        self.jobIDs = jobIDs
        self.cwd = cwd
        self.usage = usage
        self.machine = machine
        self.files = files
        self.environment = environment
        self.limits = limits
    }
}
