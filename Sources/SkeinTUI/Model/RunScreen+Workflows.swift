import SkeinReports

/// The Run screen of a run with sub-workflows: its jobs belong to several workflows, and a
/// sub-workflow may repeat a parent's job id, so jobs are named `workflow/id` in marks,
/// messages and `:retry`, actions go to each workflow's own run folder, and the jobs can
/// be grouped by workflow.
extension RunScreen {
    /// Whether the run has sub-workflows: its jobs then belong to several workflows.
    public var isHierarchical: Bool { (data?.status.workflows.count ?? 0) > 1 }

    /// The jobs grouped by the workflow they are in, one group per workflow label in the
    /// run's order (root first), each in the tree's order.
    var byWorkflow: FlatTree {
        if let byWorkflowTree { return byWorkflowTree }
        guard let d = data else { return FlatTree() }
        var labels: [String] = []
        var members: [String: [Int32]] = [:]
        for w in d.status.workflows where members[w.label] == nil { labels.append(w.label); members[w.label] = [] }
        for i in 0..<d.tree.count where d.tree.node[i] >= 0 && !d.tree.isReference(i) {
            let j = d.tree.node[i]
            let label = d.jobs[Int(j)].workflow
            if members[label] == nil { labels.append(label) }
            members[label, default: []].append(j)
        }
        let tree = FlatTree.grouped(titles: labels, members: labels.map { members[$0]! })
        byWorkflowTree = tree
        return tree
    }

    /// Job `j` as messages name it: `workflow/id` for a job of a sub-workflow.
    func name(_ j: Int, _ d: RunData) -> String {
        let job = d.jobs[j]
        return isHierarchical && job.workflow != d.status.workflows.first?.label ? job.workflow + "/" + job.id : job.id
    }

    /// The index of the job `id` of `workflow`: the id's first job when that is the one.
    static func job(_ id: String, workflow: String?, in d: RunData) -> Int32? {
        guard let first = d.index[id] else { return nil }
        if workflow == nil || d.jobs[Int(first)].workflow == workflow { return first }
        return d.jobs.indices.first { d.jobs[$0].id == id && d.jobs[$0].workflow == workflow }.map(Int32.init) ?? first
    }

    /// The job a name (`id`, or `workflow/id` for a sub-workflow's job) stands for.
    func job(named name: String, _ d: RunData) -> Int? {
        guard isHierarchical else { return d.index[name].map(Int.init) }
        let own = d.status.workflows.first?.label
        if let j = Self.job(name, workflow: own, in: d).map(Int.init), d.jobs[j].workflow == own { return j }
        guard let slash = name.firstIndex(of: "/") else { return nil }
        let workflow = String(name[..<slash]), id = String(name[name.index(after: slash)...])
        guard let j = Self.job(id, workflow: workflow, in: d).map(Int.init), d.jobs[j].workflow == workflow else { return nil }
        return j
    }

    /// One control request per workflow the named jobs are in, sent to that workflow's own
    /// run folder (a sub-workflow's engine watches its own control folder).
    func controls(_ names: [String], _ action: ([String]) -> ControlRequest.Action) -> [Effect] {
        guard let d = data else { return [] }
        var order: [String] = []
        var ids: [String: [String]] = [:]
        for name in names {
            guard let j = job(named: name, d) else { continue }
            let folder = SubWorkflowNavigation.directory(ofWorkflowOf: j, in: d) ?? directory
            if ids[folder] == nil { order.append(folder) }
            ids[folder, default: []].append(d.jobs[j].id)
        }
        return order.map { .control(ControlRequest(runDirectory: $0, action: action(ids[$0]!))) }
    }
}
