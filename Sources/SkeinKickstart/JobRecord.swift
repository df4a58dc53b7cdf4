/// The `mainjob:` part of a record: one run of the job's executable. Also what the engine fills
/// from its own posix_spawn + wait4 when it runs a local job without the wrapper.
public struct JobRecord: Sendable, Equatable {
    /// Epoch seconds when the job was started (0 if it never ran, as Pegasus prints it).
    public var start: Double
    public var duration: Double
    /// nil when the job never ran.
    public var pid: Int32?
    public var usage: ResourceUsage
    public var status: ExitStatus
    /// The executable as found (`file_name` its real path), or its lookup error.
    public var executable: FileEntry
    /// The arguments after the executable (argv[1...]).
    public var arguments: [String]

    public init(start: Double, duration: Double, pid: Int32?, usage: ResourceUsage, status: ExitStatus,
                executable: FileEntry, arguments: [String]) {
        self.start = start
        self.duration = duration
        self.pid = pid
        self.usage = usage
        self.status = status
        self.executable = executable
        self.arguments = arguments
    }

    /// The block under `tag:` at `indent` spaces, as kickstart's printYAMLJobInfo writes it
    /// (duration at least 0.003 s, like kickstart; `procs:` left empty: no tracing).
    func yaml(tag: String, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent + 2)
        var out = String(repeating: " ", count: indent) + tag + ":\n"
        out += pad + "start: " + Clock.isoMillis(start) + "\n"
        out += pad + "duration: " + Format.fixed(max(duration, 0.003), 3) + "\n"
        if let pid { out += pad + "pid: " + String(pid) + "\n" }
        out += pad + "usage:\n" + usage.yamlLines(indent: indent + 4)
        out += pad + "status:\n" + status.yamlLines(indent: indent + 4)
        var executable = self.executable
        executable.key = "executable"
        out += executable.yaml(indent: indent + 2)
        out += pad + "argument_vector:\n"
        for argument in arguments { out += pad + "  - " + YAMLText.quoted(argument) + "\n" }
        out += pad + "procs:\n"
        return out
    }
}
