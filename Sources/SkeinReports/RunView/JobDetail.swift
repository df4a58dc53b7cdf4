/// Where one output of an attempt is: a file (read and followed as it grows), text the
/// database holds (Pegasus keeps a task's stdout in the kickstart record), or nothing (and why).
public enum LogSource: Hashable, Sendable {
    case file(String)
    case text(String)
    case none(String)

    public var path: String? { if case .file(let p) = self { return p }; return nil }
}

/// One attempt's files: its kickstart record and where its stdout and stderr are.
public struct AttemptFiles: Sendable, Equatable {
    public var attempt: Int
    public var record: String?
    public var stdout: LogSource
    public var stderr: LogSource

    public init(attempt: Int, record: String?, stdout: LogSource, stderr: LogSource) {
        self.attempt = attempt; self.record = record; self.stdout = stdout; self.stderr = stderr
    }
}

/// A job's definition: what the plan says it runs (Skein), or what the database recorded
/// (Pegasus). Profiles and environment are sorted name/value pairs, in the order shown.
public struct JobDefinition: Sendable, Equatable {
    public var kind: String
    public var transformation: String?
    public var executable: String?
    public var arguments: [String]
    public var site: String?
    public var executor: String?
    public var workingDirectory: String?
    public var retries: Int?
    public var maxWalltime: Double?
    public var priority: Int?
    public var category: String?
    public var inputs: [String]
    public var outputs: [String]
    public var stdin: String?, stdout: String?, stderr: String?
    public var profiles: [(String, String)]
    public var environment: [(String, String)]

    public static func == (a: JobDefinition, b: JobDefinition) -> Bool {
        a.kind == b.kind && a.executable == b.executable && a.arguments == b.arguments && a.site == b.site
            && a.inputs == b.inputs && a.outputs == b.outputs && a.profiles.map { $0.0 + "=" + $0.1 } == b.profiles.map { $0.0 + "=" + $0.1 }
    }
}

/// Everything known about one job: pegasus-analyzer's view of it (every attempt, its
/// tasks, states and files), its definition, and each attempt's files.
public struct JobDetail: Sendable, Equatable {
    public var analysis: JobAnalysis
    public var definition: JobDefinition
    public var attempts: [AttemptFiles]
    public var kind: RunLocation.Kind
    public var directory: String
}
