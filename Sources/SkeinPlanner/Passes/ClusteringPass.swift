import SkeinRunFormat
import SkeinWorkflow

/// pegasus-plan `--cluster horizontal|label`: merges compute jobs into clustered jobs
/// (`merge_*`) that run their tasks in order in one slot, and rewires every dependency
/// (staging, cleanup and registration jobs included) onto the clusters.
///
/// It runs last, after the passes that work per abstract job (staging, cleanup, ...), so
/// those see the jobs as the workflow wrote them; Pegasus clusters before adding transfer
/// jobs, which only changes how many of those a level gets. Without `--cluster` it does
/// nothing, so a plan is exactly what it was.
struct ClusteringPass: PlannerPass {
    let name = "clustering"

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        guard !context.options.clustering.isEmpty else { return }
        let properties = context.options.properties
        let allowSingle = properties?["pegasus.clusterer.allow.single"]?.lowercased() == "true"
        let labelKey = properties?["pegasus.clusterer.label.key"] ?? "label"
        let levels = Self.levels(workflow, context)
        var clustered = Set<Int>()  // indices in workflow.jobs already in a cluster
        var clusters: [[Int]] = []
        var names: [String] = []
        for method in context.options.clustering {
            let candidates = workflow.jobs.indices.filter { i in
                workflow.jobs[i].job.kind.isCompute && !workflow.jobs[i].job.kind.isSubworkflow && workflow.jobs[i].abstractIndex != nil && !clustered.contains(i)
            }
            let found: [(name: String, members: [Int])]
            switch method {
            case .horizontal:
                found = ClusterGrouping.horizontal(candidates, workflow, context, levels: levels, allowSingle: allowSingle)
            case .label:
                found = ClusterGrouping.label(candidates, workflow, key: labelKey, levels: levels, allowSingle: allowSingle)
            }
            for cluster in found {
                clusters.append(cluster.members)
                names.append(cluster.name)
                clustered.formUnion(cluster.members)
            }
        }
        guard !clusters.isEmpty else { return }
        merge(&workflow, clusters: clusters, names: names, context)
    }

    /// Pegasus's level of each planned compute job: the longest path from a root of the
    /// abstract workflow (data reuse's left-out jobs do not count), 0 at the roots.
    static func levels(_ workflow: ExecutableWorkflow, _ context: PlanningContext) -> [Int: Int] {
        var level: [Int: Int] = [:]
        let order = context.graph.topologicalOrder() ?? Array(0..<context.graph.count)
        for node in order where workflow.pruned[node] == nil {
            let parents = workflow.plannedParents(of: node, context)
            level[node] = parents.map { (level[$0] ?? 0) + 1 }.max() ?? 0
        }
        return level
    }

    /// Replaces each cluster's members with one job (at the first member's place) and maps
    /// every edge to a member onto its cluster.
    func merge(_ workflow: inout ExecutableWorkflow, clusters: [[Int]], names: [String], _ context: PlanningContext) {
        var taken = workflow.jobIDs(context)
        var replacement: [String: String] = [:]
        var clusterJobs: [Int: PlannedJob] = [:]
        var removed = Set<Int>()
        for (members, base) in zip(clusters, names) {
            let id = ExecutableWorkflow.unusedID(base, taken: &taken)
            for m in members { replacement[workflow.jobs[m].job.id] = id }
            clusterJobs[members[0]] = PlannedJob(job: ClusteredJob.make(id: id, members: members.map { workflow.jobs[$0].job.wholePaths(workflow.jobs[$0].pathsInFolder) }))
            removed.formUnion(members.dropFirst())
        }
        var jobs: [PlannedJob] = []
        jobs.reserveCapacity(workflow.jobs.count - removed.count)
        var parentsOfCluster: [String: [String]] = [:]
        for (i, planned) in workflow.jobs.enumerated() {
            if let id = replacement[planned.job.id] {
                parentsOfCluster[id, default: []] += planned.parentIDs
            }
            if removed.contains(i) { continue }
            jobs.append(clusterJobs[i] ?? planned)
        }
        for i in jobs.indices {
            let id = jobs[i].job.id
            let parents = jobs[i].job.isClustered ? parentsOfCluster[id] ?? [] : jobs[i].parentIDs
            var seen = Set<String>()
            jobs[i].parentIDs = parents.compactMap { p in
                let mapped = replacement[p] ?? p
                return mapped != id && seen.insert(mapped).inserted ? mapped : nil
            }
        }
        workflow.jobs = jobs
        if let cycle = Self.cycle(workflow.jobs) {
            workflow.problems.append(
                "clustering made a cycle: \(cycle.joined(separator: " -> ")); jobs with one label must not depend on each other through a job without it (pegasus.label)")
        }
    }

    /// One cycle among the jobs' dependencies after merging (label clusters whose members
    /// depend on each other through an outside job), if any.
    static func cycle(_ jobs: [PlannedJob]) -> [String]? {
        var index: [String: Int] = [:]
        for (i, job) in jobs.enumerated() { index[job.job.id] = i }
        var children = Array(repeating: [Int](), count: jobs.count)
        var pending = Array(repeating: 0, count: jobs.count)
        for (i, job) in jobs.enumerated() {
            for p in job.parentIDs { if let pi = index[p] { children[pi].append(i); pending[i] += 1 } }
        }
        var ready = pending.indices.filter { pending[$0] == 0 }
        var seen = 0
        while let next = ready.popLast() {
            seen += 1
            for c in children[next] {
                pending[c] -= 1
                if pending[c] == 0 { ready.append(c) }
            }
        }
        guard seen < jobs.count else { return nil }
        // Walk parents among the jobs left until one repeats.
        var path: [Int] = []
        var at = pending.firstIndex { $0 > 0 }!
        var onPath: [Int: Int] = [:]
        while onPath[at] == nil {
            onPath[at] = path.count
            path.append(at)
            at = jobs[at].parentIDs.compactMap { index[$0] }.first { pending[$0] > 0 }!
        }
        let loop = Array(path[onPath[at]!...].reversed())
        return (loop + [loop[0]]).map { jobs[$0].job.id }
    }
}
