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
    func yaml(tag: String, indent: Int) -> String { YAMLOut.string { yaml(tag: tag, indent: indent, into: &$0) } }

    func yaml(tag: String, indent: Int, into out: inout YAMLOut) {
        let pad = indent + 2
        out.spaces(indent)
        out.text(tag)
        out.raw(":\n")
        out.key(pad, "start")
        Clock.appendISOMillis(start, to: &out.bytes)
        out.newline()
        out.key(pad, "duration")
        out.fixed(max(duration, 0.003), 3)
        out.newline()
        if let pid { out.line(pad, "pid", int: pid) }
        out.spaces(pad)
        out.raw("usage:\n")
        usage.yamlLines(indent: indent + 4, into: &out)
        out.spaces(pad)
        out.raw("status:\n")
        status.yamlLines(indent: indent + 4, into: &out)
        var executable = self.executable
        executable.key = "executable"
        executable.yaml(indent: indent + 2, into: &out)
        out.spaces(pad)
        out.raw("argument_vector:\n")
        for argument in arguments {
            out.spaces(pad)
            out.raw("  - ")
            out.quoted(argument)
            out.newline()
        }
        out.spaces(pad)
        out.raw("procs:\n")
    }
}
