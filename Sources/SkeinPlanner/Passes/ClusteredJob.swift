import SkeinRunFormat

/// The job that replaces a cluster's members: Pegasus's aggregated job, run by
/// skein-kickstart's cluster mode (Pegasus: `pegasus::seqexec`, pegasus-cluster).
enum ClusteredJob {
    /// What the engine's provenance records as the clustered job's transformation.
    static let transformation = "pegasus::seqexec"

    static func make(id: String, members: [ExecutableJob]) -> ExecutableJob {
        let first = members[0]
        // Profiles and environment merged, later members over earlier (Pegasus merges the
        // constituents' profiles into the aggregated job).
        var environment: [String: String] = [:]
        var profiles: [String: String] = [:]
        for m in members {
            environment.merge(m.environment) { _, new in new }
            profiles.merge(m.profiles) { _, new in new }
        }
        // A batch system must give the cluster the time of all its tasks.
        for key in ["pegasus.runtime", "pegasus.maxwalltime"] {
            let values = members.compactMap { $0.profiles[key].flatMap(Double.init) }
            if values.count == members.count { profiles[key] = String(Int(values.reduce(0, +).rounded(.up))) } else { profiles[key] = nil }
        }
        let walltimes = members.compactMap(\.maxWalltime)
        var job = ExecutableJob(
            id: id, kind: .compute, transformation: transformation, site: first.site, executor: first.executor, executable: "skein-kickstart",
            arguments: [], environment: environment, workingDirectory: first.workingDirectory,
            retries: members.map(\.retries).max() ?? 0, maxWalltime: walltimes.count == members.count ? walltimes.reduce(0, +) : nil,
            priority: members.map(\.priority).max() ?? 0, category: first.category, parents: [],
            inputLinks: unique(members.flatMap(\.inputLinks), by: \.lfn), outputs: unique(members.flatMap(\.outputs), by: { $0 }),
            hooks: first.hooks, profiles: profiles)
        job.inputs = unique(members.flatMap(\.inputs), by: { $0 })
        // Each task's catalog checksums, verified before the cluster starts (IntegrityPass ran first).
        for m in members { job.inputChecksums.merge(m.inputChecksums) { old, _ in old } }
        job.tasks = members.map { m in
            ExecutableTask(id: m.id, transformation: m.transformation, executable: m.executable, arguments: m.arguments, metadata: m.metadata,
                           stdin: m.stdin, stdout: m.stdout, stderr: m.stderr, outputs: m.outputs, inputs: m.readFiles.isEmpty ? nil : m.readFiles)
        }
        job.sandbox = sandbox(of: members)
        return job
    }

    /// Sandboxed members (nonsharedfs, condorio) give the cluster one sandbox: every file a
    /// task reads that no earlier task makes is brought in, every file a task makes is
    /// taken back (a file one task makes for the next stays in the sandbox between them).
    private static func sandbox(of members: [ExecutableJob]) -> JobSandbox? {
        guard let root = members.first?.sandbox?.root, members.allSatisfy({ $0.sandbox != nil }) else { return nil }
        var made = Set<String>()
        var brought = Set<String>()
        var inputs: [SandboxFile] = []
        for member in members {
            for file in member.sandbox!.inputs where !made.contains(file.lfn) && brought.insert(file.lfn).inserted { inputs.append(file) }
            made.formUnion(member.sandbox!.outputs.map(\.lfn))
        }
        return JobSandbox(root: root, inputs: inputs, outputs: unique(members.flatMap { $0.sandbox!.outputs }, by: \.lfn))
    }

    private static func unique<T, K: Hashable>(_ items: [T], by key: (T) -> K) -> [T] {
        var seen = Set<K>()
        return items.filter { seen.insert(key($0)).inserted }
    }
}
