#if canImport(Glibc)
import Glibc
#endif

/// Everything needed to start one process: no shell, argv as a vector.
public struct LaunchSpec: Sendable {
    public var executable: String
    public var arguments: [String]
    /// The complete environment of the process, `NAME=value`.
    public var environment: [String]
    public var workingDirectory: String
    /// Files for stdin, stdout and stderr; nil stdin reads /dev/null. stdout and stderr are opened with
    /// `O_NOFOLLOW` (a symbolic link planted at the name is refused, not written through);
    /// names from the workflow are checked to stay in the job's folder (no `..`) when the
    /// workflow is validated and again by `WorkflowEngine` before the launch.
    public var stdin: String?
    public var stdout: String
    public var stderr: String

    public init(executable: String, arguments: [String], environment: [String], workingDirectory: String, stdin: String?, stdout: String, stderr: String) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// How a process ended, straight from `wait4`.
public struct ProcessExit: Sendable {
    public var pid: pid_t
    /// The raw wait status (`768` is exit 3), as kickstart records and provenance keep it.
    public var rawStatus: Int32
    public var usage: rusage
    /// Epoch seconds.
    public var start: Double
    public var end: Double
    /// Set when the process could not be started at all (errno of posix_spawn).
    public var spawnError: Int32?
    /// Set when Skein itself ended the process, not the job (its skein-spawner died and took
    /// it along): why, for reports. Such an attempt runs again without using up a retry.
    public var interruption: String?

    public var exitCode: Int32? {
        spawnError == nil && (rawStatus & 0x7f) == 0 ? (rawStatus >> 8) & 0xff : nil
    }

    public var signal: Int32? {
        let sig = rawStatus & 0x7f
        return spawnError == nil && sig != 0 && sig != 0x7f ? sig : nil
    }
}

enum WallClock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
