import Dispatch
import SkeinYAML

/// Reads the abstract workflow document (`workflow.yml`), embedded catalogs included.
extension DecodeContext {
    static let workflowKeys = [
        "pegasus", "name", "version", "hooks", "profiles", "metadata", "siteCatalog",
        "replicaCatalog", "transformationCatalog", "jobs", "jobDependencies",
    ]
    static let jobKeys = [
        "type", "namespace", "name", "version", "id", "nodeLabel", "file", "stdin", "stdout",
        "stderr", "arguments", "uses", "profiles", "metadata", "hooks",
    ]
    static let jobKinds = Job.Kind.allCases.map(\.rawValue)
    static let linkTypes = FileUse.LinkType.allCases.map(\.rawValue)
    static let hookEvents = ShellHook.Event.allCases.map(\.rawValue)
    static let useKeys = [
        "lfn", "type", "stageOut", "registerReplica", "optional", "size", "metadata", "namespace",
        "version", "executable", "bypass", "forPlanning",
    ]

    /// Jobs and dependencies decoded while the file was parsed (`StreamedWorkflowReader`):
    /// the tree's lists are empty and these take their place.
    struct StreamedItems {
        var jobs: [Job]
        var dependencies: [JobDependency]
    }

    mutating func workflow(_ root: YAMLNode, streamed: StreamedItems? = nil) -> Workflow? {
        guard let map = mapping(root, "the workflow file") else { return nil }
        var f = Fields(map, "the workflow")
        let version = f.required("pegasus", &self, hint: "add `pegasus: 5.0.4` at the top").flatMap { formatVersion($0) }
        let name = f.required("name", &self, hint: "add `name: my-workflow`").flatMap { string($0, "the workflow name") }
        var wf = Workflow(name: name ?? "", pegasusVersion: version ?? "5.0.4")
        wf.mark = map.mark
        if let name, let problem = NameRules.workflowNameProblem(name) {
            report.error("invalid-name", at: map["name"]!.mark, "workflow name '\(NameRules.shown(name))' \(problem)", hint: "the name becomes a folder and file name: use letters, digits, '-' and '_'")
        }
        wf.version = f.take("version").flatMap { string($0, "the workflow version") }
        if let n = f.take("hooks") { wf.hooks = hooks(n, "the workflow") }
        if let n = f.take("profiles") { wf.profiles = profiles(n, "the workflow") }
        if let n = f.take("metadata") { wf.metadata = metadata(n, "the workflow") }
        if let n = f.take("siteCatalog") { wf.siteCatalog = siteCatalog(n, standalone: false) }
        if let n = f.take("replicaCatalog") { wf.replicaCatalog = replicaCatalog(n, standalone: false) }
        if let n = f.take("transformationCatalog") { wf.transformationCatalog = transformationCatalog(n, standalone: false) }
        if let n = f.required("jobs", &self, hint: "add `jobs:` with at least one job"), let seq = sequence(n, "jobs") {
            if seq.items.isEmpty, streamed?.jobs.isEmpty ?? true {
                report.error("no-jobs", at: seq.mark, "the workflow has no jobs", hint: "add at least one job under `jobs:`")
            }
            wf.jobs = streamed?.jobs ?? jobs(seq.items)
        }
        if let streamed, !streamed.dependencies.isEmpty {
            _ = f.take("jobDependencies")
            wf.dependencies = streamed.dependencies
        } else if let n = f.take("jobDependencies"), let seq = sequence(n, "jobDependencies") {
            wf.dependencies.reserveCapacity(seq.items.count)
            for (i, item) in seq.items.enumerated() {
                if let dep = dependency(item, index: i) { wf.dependencies.append(dep) }
            }
        }
        wf.extensions = f.rest(&self, expected: Self.workflowKeys)
        return wf
    }

    /// Decodes the job list; a large one in two halves on two cores, each half with its own
    /// diagnostics, joined in file order.
    mutating func jobs(_ items: [YAMLNode]) -> [Job] {
        func decode(_ range: Range<Int>, _ context: inout DecodeContext) -> [Job] {
            var out: [Job] = []
            out.reserveCapacity(range.count)
            for i in range {
                if let job = context.job(items[i], index: i) { out.append(job) }
            }
            return out
        }
        guard items.count >= 20_000 else { return decode(0..<items.count, &self) }
        let middle = items.count / 2
        nonisolated(unsafe) var secondHalf: [Job] = []
        nonisolated(unsafe) var secondContext = DecodeContext(file: report.file)
        let work = DispatchWorkItem { secondHalf = decode(middle..<items.count, &secondContext) }
        DispatchQueue.global(qos: .userInitiated).async(execute: work)
        var all = decode(0..<middle, &self)
        work.wait()
        all.append(contentsOf: secondHalf)
        report.append(contentsOf: secondContext.report.diagnostics)
        return all
    }

    mutating func job(_ node: YAMLNode, index: Int) -> Job? {
        guard let map = mapping(node, "job \(index + 1)") else { return nil }
        // Name the job by its id in messages when it has a readable one.
        let idNode = map["id"]
        let label: String
        if case .scalar(let s)? = idNode, !s.isNull { label = "job '\(s.value)'" } else { label = "job \(index + 1)" }
        var f = Fields(map, label)

        let kindText = f.required("type", &self, hint: "add `type: job` (or pegasusWorkflow / condorWorkflow)")
            .flatMap { oneOf($0, Self.jobKinds, "type of \(label)") }
        let kind = kindText.flatMap(Job.Kind.init(rawValue:)) ?? .job
        let id = f.required("id", &self, hint: "give every job a unique `id`, such as ID0000001").flatMap { string($0, "id of \(label)") }
        if let id, let idNode, !Self.isValidJobID(id) {
            report.error("invalid-job-id", at: idNode.mark, "job id '\(NameRules.shown(id))' may hold only letters, digits, '-' and '_'", hint: "ids become file names; rename it, e.g. '\(NameRules.shown(Self.sanitized(id)))'")
        } else if let id, let idNode, id.utf8.count > NameRules.maxNameBytes {
            report.error("invalid-job-id", at: idNode.mark, "job id '\(NameRules.shown(id))' is \(id.utf8.count) characters long; at most \(NameRules.maxNameBytes) are allowed", hint: "ids become file names: give it a shorter id")
        }
        var job = Job(id: id ?? "", name: nil, kind: kind, mark: map.mark)
        job.idMark = idNode?.mark ?? map.mark
        job.nameMark = map["name"]?.mark ?? map.mark
        // Where stdin, stdout and stderr are written, only when they are (most jobs have none).
        if let node = map["stdin"] { job.stdinMark = node.mark }
        if let node = map["stdout"] { job.stdoutMark = node.mark }
        if let node = map["stderr"] { job.stderrMark = node.mark }
        if kind == .job {
            job.name = f.required("name", &self, hint: "add `name:` naming a transformation of the transformation catalog").flatMap { string($0, "name of \(label)") }
        } else {
            job.name = f.take("name").flatMap { string($0, "name of \(label)") }
            job.file = f.required("file", &self, hint: "a \(kind.rawValue) job names its workflow file with `file:`").flatMap { string($0, "file of \(label)") }
        }
        if kind == .job, let n = f.take("file") { job.file = string(n, "file of \(label)") }
        job.namespace = f.take("namespace").flatMap { string($0, "namespace of \(label)") }
        job.version = f.take("version").flatMap { string($0, "version of \(label)") }
        job.nodeLabel = f.take("nodeLabel").flatMap { string($0, "nodeLabel of \(label)") }
        job.stdin = f.take("stdin").flatMap { string($0, "stdin of \(label)") }
        job.stdout = f.take("stdout").flatMap { string($0, "stdout of \(label)") }
        job.stderr = f.take("stderr").flatMap { string($0, "stderr of \(label)") }
        if let n = f.take("arguments") { job.arguments = stringList(n, "arguments of \(label)") }
        if let n = f.take("uses"), let seq = sequence(n, "uses of \(label)") {
            job.uses.reserveCapacity(seq.items.count)
            for (i, item) in seq.items.enumerated() {
                if let use = fileUse(item, index: i, of: label) { job.uses.append(use) }
            }
        }
        if let n = f.take("profiles") { job.profiles = profiles(n, label) }
        if let n = f.take("metadata") { job.metadata = metadata(n, label) }
        if let n = f.take("hooks") { job.hooks = hooks(n, label) }
        job.extensions = f.rest(&self, expected: Self.jobKeys)
        return id == nil ? nil : job
    }

    mutating func fileUse(_ node: YAMLNode, index: Int, of job: String) -> FileUse? {
        guard let map = mapping(node, "file \(index + 1) used by \(job)") else { return nil }
        var f = Fields(map, fileUse: index, of: job)
        let lfn = f.required("lfn", &self, hint: "add `lfn:` with the logical file name").flatMap { string($0, "lfn of file \(index + 1) used by \(job)") }
        func named() -> String { lfn.map { "file '\($0)'" } ?? "file \(index + 1) used by \(job)" }
        let type = f.required("type", &self, hint: "add `type: input` or `type: output`")
            .flatMap { oneOf($0, Self.linkTypes, "type of \(named())") }
        var use = FileUse(lfn ?? "", FileUse.LinkType(rawValue: type ?? "") ?? .none, mark: map.mark)
        use.stageOut = f.take("stageOut").flatMap { bool($0, "stageOut of \(named())") }
        use.registerReplica = f.take("registerReplica").flatMap { bool($0, "registerReplica of \(named())") }
        use.optional = f.take("optional").flatMap { bool($0, "optional of \(named())") }
        use.size = f.take("size").flatMap { integerText($0, "size of \(named())") }
        use.namespace = f.take("namespace").flatMap { string($0, "namespace of \(named())") }
        use.version = f.take("version").flatMap { string($0, "version of \(named())") }
        use.executable = f.take("executable").flatMap { bool($0, "executable of \(named())") }
        use.bypass = f.take("bypass").flatMap { bool($0, "bypass of \(named())") }
        use.forPlanning = f.take("forPlanning").flatMap { bool($0, "forPlanning of \(named())") }
        if let n = f.take("metadata") { use.metadata = metadata(n, named()) }
        use.extensions = f.rest(&self, expected: Self.useKeys)
        return lfn == nil || type == nil ? nil : use
    }

    mutating func dependency(_ node: YAMLNode, index: Int) -> JobDependency? {
        let what = "jobDependencies entry \(index + 1)"
        guard let map = mapping(node, what) else { return nil }
        var f = Fields(map, what)
        guard let idNode = f.required("id", &self, hint: "add `id:` naming the parent job"),
            let id = string(idNode, "id of \(what)")
        else { return nil }
        var children: [JobReference] = []
        if let n = f.take("children"), let seq = sequence(n, "children of \(id)") {
            for item in seq.items {
                if let child = string(item, "child of \(id)") { children.append(JobReference(child, mark: item.mark)) }
            }
        }
        _ = f.rest(&self, expected: ["id", "children"])
        return JobDependency(parent: JobReference(id, mark: idNode.mark), children: children)
    }

    static func isValidJobID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.allSatisfy { b in
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 45 || b == 95
        }
    }

    static func sanitized(_ id: String) -> String {
        String(id.map { c in c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_") ? c : "_" })
    }
}
