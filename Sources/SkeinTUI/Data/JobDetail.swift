import Foundation
import SkeinReports

/// Where one output of an attempt is: a file (read and followed as it grows), text the
/// database holds (Pegasus keeps a task's stdout in the kickstart record), or nothing.
public enum LogSource: Hashable, Sendable {
    case file(String)
    case text(String)
    case none(String)

    public var path: String? { if case .file(let p) = self { return p }; return nil }
}

/// One attempt's files.
public struct AttemptFiles: Sendable, Equatable {
    public var attempt: Int
    public var record: String?
    public var stdout: LogSource
    public var stderr: LogSource
}

/// A job's definition: what the plan says it runs (Skein), or what the database recorded
/// (Pegasus).
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

/// Everything the Job screen shows about one job.
public struct JobDetail: Sendable, Equatable {
    public var analysis: JobAnalysis
    public var definition: JobDefinition
    public var attempts: [AttemptFiles]
    public var kind: RunLocation.Kind
    public var directory: String
}

enum JobDetailReader {
    static func read(_ location: RunLocation, job: String, plan: PlanJobs?) throws -> JobDetail {
        let analysis = try AnalysisReader.job(job, in: location, tail: 0)
        let dir = location.directory
        var definition = JobDefinition(kind: analysis.type, transformation: nil, executable: nil, arguments: [], site: nil, executor: nil,
                                       workingDirectory: nil, retries: analysis.maxAttempts - 1, maxWalltime: nil, priority: nil, category: nil,
                                       inputs: analysis.files.filter { $0.type == "input" }.map(\.lfn),
                                       outputs: analysis.files.filter { $0.type == "output" }.map(\.lfn),
                                       stdin: nil, stdout: nil, stderr: nil, profiles: [], environment: [])
        if let p = plan?.jobs.first(where: { $0.id == job }) {
            definition.kind = p.kind
            definition.transformation = p.transformation
            definition.executable = p.executable
            definition.arguments = p.arguments
            definition.site = p.site
            definition.executor = p.executor
            definition.workingDirectory = p.workingDirectory
            definition.retries = p.retries
            definition.maxWalltime = p.maxWalltime
            definition.priority = p.priority
            definition.category = p.category
            definition.inputs = (p.inputLinks ?? []).map(\.lfn)
            definition.outputs = p.outputs ?? []
            definition.stdin = p.stdin; definition.stdout = p.stdout; definition.stderr = p.stderr
            definition.profiles = (p.profiles ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            definition.environment = (p.environment ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        } else if let last = analysis.attempts.last {
            let task = last.tasks.first { $0.seq >= 0 }
            definition.transformation = task?.transformation
            definition.executable = last.executable ?? task?.executable
            definition.arguments = (last.arguments ?? task?.arguments).map { splitArguments($0) } ?? []
            definition.site = last.site
            definition.workingDirectory = last.workDir
        }
        var attempts: [AttemptFiles] = []
        for a in analysis.attempts {
            let record = a.stdoutFile.flatMap { resolve($0, in: dir, recorded: location.recordedSubmitDir) }
            var stdout = LogSource.none("no stdout recorded")
            var stderr = LogSource.none("no stderr recorded")
            if location.kind == .skein {
                // jobs/NNN/<id>.out.AAA is the record; the streams sit beside it.
                if let r = record, let range = r.range(of: ".out.", options: .backwards) {
                    stdout = .file(r.replacingCharacters(in: range, with: ".stdout."))
                }
                if let e = a.stderrFile.flatMap({ resolve($0, in: dir, recorded: nil) }) { stderr = .file(e) }
            } else {
                // Pegasus: the task's stdout and stderr are in the kickstart record (and the
                // database); the .err file is PegasusLite's own log.
                let out = a.tasks.compactMap { $0.stdout?.text }.joined(separator: "\n")
                let err = a.tasks.compactMap { $0.stderr?.text }.joined(separator: "\n")
                if !out.isEmpty { stdout = .text(out) }
                if let e = a.stderrFile.flatMap({ resolve($0, in: dir, recorded: location.recordedSubmitDir) }),
                   FileManager.default.fileExists(atPath: e) {
                    stderr = .file(e)
                } else if !err.isEmpty {
                    stderr = .text(err)
                } else if let j = a.jobStderr?.text, !j.isEmpty {
                    stderr = .text(j)
                }
                if stdout == .none("no stdout recorded"), !err.isEmpty, stderr.path != nil {
                    stdout = .text("(the job wrote nothing to stdout; its stderr:)\n" + err)
                }
            }
            attempts.append(AttemptFiles(attempt: a.attempt, record: record, stdout: stdout, stderr: stderr))
        }
        return JobDetail(analysis: analysis, definition: definition, attempts: attempts, kind: location.kind, directory: dir)
    }

    /// A path the database recorded, made absolute: relative to the run directory; an
    /// absolute one under a submit directory that has moved is looked for here instead.
    static func resolve(_ path: String, in dir: String, recorded: String?) -> String? {
        if path.isEmpty { return nil }
        if !path.hasPrefix("/") { return (dir as NSString).appendingPathComponent(path) }
        if FileManager.default.fileExists(atPath: path) { return path }
        if let recorded, path.hasPrefix(recorded + "/") { return dir + String(path.dropFirst(recorded.count)) }
        let local = (dir as NSString).appendingPathComponent((path as NSString).lastPathComponent)
        return FileManager.default.fileExists(atPath: local) ? local : path
    }

    /// Splits a recorded argument string on blanks, honouring simple quotes.
    static func splitArguments(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quote: Character?
        var any = false
        for c in text {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c; any = true
            } else if c == " " {
                if any || !current.isEmpty { out.append(current) }
                current = ""; any = false
            } else {
                current.append(c)
            }
        }
        if any || !current.isEmpty { out.append(current) }
        return out
    }
}
