import Foundation

/// Reads a `JobDetail`: the job's analysis (`AnalysisReader.job`, every attempt in full),
/// its definition (from the plan for a Skein run, else from what the database recorded),
/// and where each attempt's record, stdout and stderr are.
public enum JobDetailReader {
    /// `plan`: the run's plan, when the caller keeps one (a Skein run); without it the
    /// definition comes from the last attempt the database recorded.
    public static func read(_ location: RunLocation, job: String, plan: PlanJobDefinitions?) throws -> JobDetail {
        let analysis = try AnalysisReader.job(job, in: location, tail: 0)
        let definition = plan?.definition(of: job) ?? recordedDefinition(analysis)
        let attempts = analysis.attempts.map { attemptFiles($0, location: location) }
        return JobDetail(analysis: analysis, definition: definition, attempts: attempts, kind: location.kind, directory: location.directory)
    }

    /// What the database says the job is: its type, files and retries, and what its last
    /// attempt ran where.
    static func recordedDefinition(_ analysis: JobAnalysis) -> JobDefinition {
        var definition = JobDefinition(kind: analysis.type, transformation: nil, executable: nil, arguments: [], site: nil, executor: nil,
                                       workingDirectory: nil, retries: analysis.maxAttempts - 1, maxWalltime: nil, priority: nil, category: nil,
                                       inputs: analysis.files.filter { $0.type == "input" }.map(\.lfn),
                                       outputs: analysis.files.filter { $0.type == "output" }.map(\.lfn),
                                       stdin: nil, stdout: nil, stderr: nil, profiles: [], environment: [])
        if let last = analysis.attempts.last {
            let task = last.tasks.first { $0.seq >= 0 }
            definition.transformation = task?.transformation
            definition.executable = last.executable ?? task?.executable
            definition.arguments = (last.arguments ?? task?.arguments).map { splitArguments($0) } ?? []
            definition.site = last.site
            definition.workingDirectory = last.workDir
            // A clustered job (pegasus-cluster's tasks, seq 1...N): each task as it was run.
            let tasks = last.tasks.filter { $0.seq >= 1 }.sorted { $0.seq < $1.seq }
            if tasks.count > 1 {
                definition.tasks = tasks.map {
                    TaskDefinition(seq: $0.seq, id: $0.taskID, transformation: $0.transformation, executable: $0.executable,
                                   arguments: $0.arguments.map { splitArguments($0) } ?? [])
                }
            }
        }
        return definition
    }

    /// An attempt's record and streams. Skein keeps the streams beside the record; Pegasus
    /// keeps a task's stdout and stderr in the kickstart record (and the database), its .err
    /// file being PegasusLite's own log.
    static func attemptFiles(_ a: AttemptDetail, location: RunLocation) -> AttemptFiles {
        let dir = location.directory
        let record = a.stdoutFile.flatMap { resolve($0, in: dir, recorded: location.recordedSubmitDir) }
        if location.kind == .pegasus, let log = record, let range = log.range(of: ".pre.log.", options: .backwards) {
            return preScriptFiles(a, log: log, errors: log.replacingCharacters(in: range, with: ".pre.err."))
        }
        var stdout = LogSource.none("no stdout recorded")
        var stderr = LogSource.none("no stderr recorded")
        if location.kind == .skein {
            // jobs/NNN/<id>.out.AAA is the record; the streams sit beside it.
            if let r = record, let range = r.range(of: ".out.", options: .backwards) {
                stdout = .file(r.replacingCharacters(in: range, with: ".stdout."))
            }
            if let e = a.stderrFile.flatMap({ resolve($0, in: dir, recorded: nil) }) { stderr = .file(e) }
        } else {
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
        return AttemptFiles(attempt: a.attempt, record: record, stdout: stdout, stderr: stderr)
    }

    /// An attempt that ended in its PRE script (a sub-workflow's pegasus-plan): Pegasus
    /// records the script's log (`NAME.pre.log.NNN`) where a record would be; it is no
    /// kickstart record. Its output is that log, its errors `NAME.pre.err.NNN`.
    static func preScriptFiles(_ a: AttemptDetail, log: String, errors: String) -> AttemptFiles {
        let fm = FileManager.default
        let pre = a.tasks.first { $0.seq == -1 }
        var stdout = LogSource.none("no PRE script output recorded")
        if fm.fileExists(atPath: log) { stdout = .file(log) } else if let t = pre?.stdout?.text, !t.isEmpty { stdout = .text(t) }
        var stderr = LogSource.none("the PRE script wrote no errors")
        if fm.fileExists(atPath: errors) { stderr = .file(errors) } else if let t = pre?.stderr?.text, !t.isEmpty { stderr = .text(t) }
        // Where a job's stderr would be empty, its PRE script's log says why it failed.
        if case .file(let e) = stderr, ((try? fm.attributesOfItem(atPath: e)[.size] as? Int) ?? 0) == 0 { stderr = stdout }
        return AttemptFiles(attempt: a.attempt, record: nil, stdout: stdout, stderr: stderr)
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
