import Glibc

/// Starting a job the way both skein-kickstart and the engine's local executor do: posix_spawn
/// (no fork of a big parent, no shell), argv as a vector, stdio from given descriptors, a process
/// group of its own so a kill reaches the whole tree, then wait4 for status and rusage at once.
public enum LocalSpawn {
    public struct Options: Sendable {
        /// Descriptors to install as the job's 0, 1, 2; nil inherits the caller's.
        public var stdin: Int32?
        public var stdout: Int32?
        public var stderr: Int32?
        /// Put the job in a new process group whose id is its pid.
        public var newProcessGroup: Bool
        /// Directory to start in (posix_spawn_file_actions_addchdir_np, glibc 2.29+).
        public var workdir: String?
        /// Signals reset to their default action in the job (its signal mask is always emptied).
        public var defaultSignals: [Int32]

        public init(stdin: Int32? = nil, stdout: Int32? = nil, stderr: Int32? = nil, newProcessGroup: Bool = true,
                    workdir: String? = nil, defaultSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT]) {
            self.stdin = stdin
            self.stdout = stdout
            self.stderr = stderr
            self.newProcessGroup = newProcessGroup
            self.workdir = workdir
            self.defaultSignals = defaultSignals
        }
    }

    /// The file to execute for `name`: as given if it contains a slash, else the first
    /// executable regular file of that name in `searchPath` (PATH; empty entries mean ".").
    public static func resolve(_ name: String, searchPath: String? = NamedValue.variable("PATH")) throws(SystemError) -> String {
        guard !name.isEmpty else { throw SystemError(ENOENT) }
        if name.contains("/") {
            try checkExecutable(name)
            return name
        }
        var denied = false
        let path = searchPath ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in Self.pathEntries(path) {
            let candidate = (directory.isEmpty ? "." : directory) + "/" + name
            do {
                try checkExecutable(candidate)
                return candidate
            } catch {
                if error.code == EACCES { denied = true }
            }
        }
        throw SystemError(denied ? EACCES : ENOENT)
    }

    /// PATH's entries, empty ones kept (scanned by byte: cheaper to start than String.split).
    static func pathEntries(_ path: String) -> [String] {
        var entries: [String] = []
        var current: [UInt8] = []
        for byte in path.utf8 {
            if byte == UInt8(ascii: ":") {
                entries.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(byte)
            }
        }
        entries.append(String(decoding: current, as: UTF8.self))
        return entries
    }

    /// Throws unless `path` is a regular file this process may execute.
    public static func checkExecutable(_ path: String) throws(SystemError) {
        let info = try FileStat.of(path)
        guard info.isRegularFile else { throw SystemError(EACCES) }
        guard access(path, X_OK) == 0 else { throw SystemError(errno) }
    }

    /// Starts `path` with `arguments` (argv, argv[0] included) and the current environment.
    public static func spawn(path: String, arguments: [String], options: Options = Options()) throws(SystemError) -> pid_t {
        let argv = arguments.map { strdup($0) }
        defer { argv.forEach { free($0) } }
        return try spawn(path: path, argv: argv, options: options)
    }

    /// Starts `path` with a C argument vector (no terminating nil needed) and the environment.
    public static func spawn(path: String, argv: [UnsafeMutablePointer<CChar>?], options: Options = Options()) throws(SystemError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (source, target) in [(options.stdin, Int32(0)), (options.stdout, 1), (options.stderr, 2)] {
            guard let source, source != target else { continue }
            posix_spawn_file_actions_adddup2(&actions, source, target)
        }
        if let workdir = options.workdir {
            guard let addchdir = addChdir else { throw SystemError(ENOSYS) }
            let code = workdir.withCString { addchdir(&actions, $0) }
            guard code == 0 else { throw SystemError(code) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if options.newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in options.defaultSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var vector = argv
        vector.append(nil)
        var pid: pid_t = 0
        let code = vector.withUnsafeMutableBufferPointer { buffer in
            posix_spawn(&pid, path, &actions, &attributes, buffer.baseAddress!, environ)
        }
        guard code == 0 else { throw SystemError(code) }
        return pid
    }

    /// Waits for `pid` (retrying on EINTR): its raw wait status and resource usage.
    public static func wait(_ pid: pid_t) -> (status: Int32, usage: rusage) {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            if errno != EINTR { return (-1, usage) }
        }
        return (status, usage)
    }

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// Not in Glibc's Swift module; looked up at run time.
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()
}
