/// Where one output of an attempt is: a file (read and followed as it grows), text the
/// database holds (Pegasus keeps a task's stdout in the kickstart record), or nothing (and why).
public enum LogSource: Codable, Hashable, Sendable {
    case file(String)
    case text(String)
    case none(String)

    public var path: String? { if case .file(let p) = self { return p }; return nil }
}

/// One attempt's files: its kickstart record and where its stdout and stderr are.
public struct AttemptFiles: Codable, Sendable, Equatable {
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
public struct JobDefinition: Codable, Sendable, Equatable {
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
    /// A clustered job's tasks, in the order they run (empty for a job that is its own task).
    public var tasks: [TaskDefinition] = []

    enum CodingKeys: String, CodingKey {
        case kind, transformation, executable, arguments, site, executor, workingDirectory, retries, maxWalltime, priority, category
        case inputs, outputs, stdin, stdout, stderr, profiles, environment, tasks
    }

    /// Pairs travel as `{"name": ..., "value": ...}` objects, in order.
    struct Pair: Codable { var name: String; var value: String }

    public init(kind: String, transformation: String?, executable: String?, arguments: [String], site: String?, executor: String?,
                workingDirectory: String?, retries: Int?, maxWalltime: Double?, priority: Int?, category: String?,
                inputs: [String], outputs: [String], stdin: String?, stdout: String?, stderr: String?,
                profiles: [(String, String)], environment: [(String, String)]) {
        self.kind = kind; self.transformation = transformation; self.executable = executable; self.arguments = arguments
        self.site = site; self.executor = executor; self.workingDirectory = workingDirectory; self.retries = retries
        self.maxWalltime = maxWalltime; self.priority = priority; self.category = category; self.inputs = inputs; self.outputs = outputs
        self.stdin = stdin; self.stdout = stdout; self.stderr = stderr; self.profiles = profiles; self.environment = environment
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decode(String.self, forKey: .kind), transformation: try c.decodeIfPresent(String.self, forKey: .transformation),
                  executable: try c.decodeIfPresent(String.self, forKey: .executable), arguments: try c.decode([String].self, forKey: .arguments),
                  site: try c.decodeIfPresent(String.self, forKey: .site), executor: try c.decodeIfPresent(String.self, forKey: .executor),
                  workingDirectory: try c.decodeIfPresent(String.self, forKey: .workingDirectory), retries: try c.decodeIfPresent(Int.self, forKey: .retries),
                  maxWalltime: try c.decodeIfPresent(Double.self, forKey: .maxWalltime), priority: try c.decodeIfPresent(Int.self, forKey: .priority),
                  category: try c.decodeIfPresent(String.self, forKey: .category), inputs: try c.decode([String].self, forKey: .inputs),
                  outputs: try c.decode([String].self, forKey: .outputs), stdin: try c.decodeIfPresent(String.self, forKey: .stdin),
                  stdout: try c.decodeIfPresent(String.self, forKey: .stdout), stderr: try c.decodeIfPresent(String.self, forKey: .stderr),
                  profiles: try c.decode([Pair].self, forKey: .profiles).map { ($0.name, $0.value) },
                  environment: try c.decode([Pair].self, forKey: .environment).map { ($0.name, $0.value) })
        tasks = try c.decodeIfPresent([TaskDefinition].self, forKey: .tasks) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind); try c.encodeIfPresent(transformation, forKey: .transformation)
        try c.encodeIfPresent(executable, forKey: .executable); try c.encode(arguments, forKey: .arguments)
        try c.encodeIfPresent(site, forKey: .site); try c.encodeIfPresent(executor, forKey: .executor)
        try c.encodeIfPresent(workingDirectory, forKey: .workingDirectory); try c.encodeIfPresent(retries, forKey: .retries)
        try c.encodeIfPresent(maxWalltime, forKey: .maxWalltime); try c.encodeIfPresent(priority, forKey: .priority)
        try c.encodeIfPresent(category, forKey: .category); try c.encode(inputs, forKey: .inputs); try c.encode(outputs, forKey: .outputs)
        try c.encodeIfPresent(stdin, forKey: .stdin); try c.encodeIfPresent(stdout, forKey: .stdout); try c.encodeIfPresent(stderr, forKey: .stderr)
        try c.encode(profiles.map { Pair(name: $0.0, value: $0.1) }, forKey: .profiles)
        try c.encode(environment.map { Pair(name: $0.0, value: $0.1) }, forKey: .environment)
        if !tasks.isEmpty { try c.encode(tasks, forKey: .tasks) }
    }

    public static func == (a: JobDefinition, b: JobDefinition) -> Bool {
        a.kind == b.kind && a.executable == b.executable && a.arguments == b.arguments && a.site == b.site
            && a.inputs == b.inputs && a.outputs == b.outputs && a.tasks == b.tasks && a.profiles.map { $0.0 + "=" + $0.1 } == b.profiles.map { $0.0 + "=" + $0.1 }
    }
}

/// Everything known about one job: pegasus-analyzer's view of it (every attempt, its
/// tasks, states and files), its definition, and each attempt's files.
public struct JobDetail: Codable, Sendable, Equatable {
    public var analysis: JobAnalysis
    public var definition: JobDefinition
    public var attempts: [AttemptFiles]
    public var kind: RunLocation.Kind
    public var directory: String
}
