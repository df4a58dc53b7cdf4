import SkeinRunFormat

/// A Skein plan's jobs by id, read through SkeinRunFormat's one plan reader. Decoding a
/// 100,000-job plan takes a while: a caller that shows one job after another (the TUI) reads
/// it once per change of `plan.json` and keeps it; a definition is built only when asked.
public struct PlanJobDefinitions: Sendable {
    let plan: ExecutablePlan
    /// The first job of each id.
    let index: [String: Int]

    public init(_ plan: ExecutablePlan) {
        self.plan = plan
        var index: [String: Int] = [:]
        index.reserveCapacity(plan.jobs.count)
        for (k, job) in plan.jobs.enumerated() where index[job.id] == nil { index[job.id] = k }
        self.index = index
    }

    /// The plan of the run directory, nil when it has none (a Pegasus run) or cannot be read.
    public static func read(runDirectory: String) -> PlanJobDefinitions? {
        (try? RunDirectory(path: runDirectory).readPlan()).map(PlanJobDefinitions.init)
    }

    public var count: Int { plan.jobs.count }

    /// What the plan says job `id` runs.
    public func definition(of id: String) -> JobDefinition? {
        guard let k = index[id] else { return nil }
        let job = plan.jobs[k]
        var definition = JobDefinition(
            kind: job.kind.rawValue, transformation: job.transformation, executable: job.executable, arguments: job.arguments,
            site: job.site, executor: job.executor, workingDirectory: job.workingDirectory, retries: job.retries,
            maxWalltime: job.maxWalltime, priority: job.priority, category: job.category,
            inputs: job.readFiles, outputs: job.outputs, stdin: job.stdin, stdout: job.stdout, stderr: job.stderr,
            profiles: job.profiles.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            environment: job.environment.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        if job.isClustered {
            definition.tasks = job.tasks.enumerated().map { n, task in
                TaskDefinition(seq: n + 1, id: task.id, transformation: task.transformation, executable: task.executable, arguments: task.arguments,
                               inputs: task.inputs ?? [], outputs: task.outputs ?? [], stdin: task.stdin, stdout: task.stdout, stderr: task.stderr)
            }
        }
        return definition
    }
}
