import Foundation
import SkeinWorkflow

/// Finding and checking the file of a sub-workflow job, as pegasus-plan finds it: the replica
/// catalog's local copy of the file's logical name first, else the path relative to the
/// parent workflow's folder. Checked when the parent is planned, all the way down: a missing
/// or invalid file, or one that includes a workflow above it (a cycle through files), is an
/// error naming the file, line and column of the job that names it.
public enum SubWorkflowFiles {
    /// The sub-workflow file's path on this machine, if it exists.
    static func resolve(_ file: String, replicas: ReplicaLocations, workflowFile: String) -> String? {
        if let local = replicas.localPath(of: file), FileManager.default.fileExists(atPath: local) { return CatalogPaths.absolute(local) }
        let directory = (CatalogPaths.absolute(workflowFile) as NSString).deletingLastPathComponent
        let path = file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
        return FileManager.default.fileExists(atPath: path) ? (path as NSString).standardizingPath : nil
    }

    /// The same file whatever way it is named (links resolved), to find cycles.
    static func identity(_ path: String) -> String {
        (CatalogPaths.absolute(path) as NSString).resolvingSymlinksInPath
    }

    /// `file:line:col: job 'ID'`, the place every problem of a sub-workflow job starts with.
    static func place(_ job: Job, in workflowFile: String) -> String {
        "\(workflowFile):\(job.mark.line):\(job.mark.column): job '\(job.id)'"
    }

    /// The problems of the sub-workflow job `job` of `loaded` (none when its file is made by
    /// a job of the workflow: it is checked when the child's turn comes). `ancestors` are the
    /// workflow files above, the parent's own last.
    static func problems(of job: Job, in loaded: LoadedWorkflow, replicas: ReplicaLocations, madeByJob: Bool, ancestors: [String]) -> [String] {
        let here = place(job, in: loaded.sources.workflow)
        guard let file = job.file, !file.isEmpty else { return ["\(here): a \(job.kind.rawValue) job needs a `file`"] }
        do {
            _ = try SubWorkflowArguments(parsing: job.arguments)
        } catch {
            return ["\(here): \(error)"]
        }
        guard let resolved = resolve(file, replicas: replicas, workflowFile: loaded.sources.workflow) else {
            if madeByJob { return [] }
            return ["\(here): the sub-workflow file '\(file)' does not exist (not in the replica catalog, not beside \(loaded.sources.workflow)); add it to the replica catalog or fix `file`"]
        }
        if job.kind == .condorWorkflow {
            do {
                if let why = try DagmanFile.read(resolved).firstRefusal {
                    return ["\(here): the DAG '\(file)' cannot be run by Skein: \(why); plan the workflow behind it as a pegasusWorkflow instead"]
                }
                return []
            } catch {
                return ["\(here): cannot read the DAG '\(file)' (\(resolved)): \(error.localizedDescription)"]
            }
        }
        let chain = ancestors.map(identity)
        if chain.contains(identity(resolved)) {
            let names = (ancestors + [resolved]).map { ($0 as NSString).lastPathComponent }
            return ["\(here): the sub-workflow file '\(file)' includes a workflow above it (a cycle: \(names.joined(separator: " -> "))); a workflow cannot contain itself"]
        }
        let result = WorkflowValidator.validate(withParentFiles(WorkflowLoader.load(WorkflowSources(workflow: resolved)), job))
        guard result.isValid, let child = result.loaded.workflow else {
            let errors = result.diagnostics.errors.prefix(5).map { "    \($0.file):\($0.line):\($0.column): \($0.message)" }
            return ["\(here): the sub-workflow file '\(file)' (\(resolved)) is not a valid workflow:"] + errors
        }
        return problems(ofSubworkflowsIn: result.loaded, child, ancestors: ancestors + [resolved])
    }

    /// The child as it will be planned: the files of the parent its job reads are replicas
    /// (in the parent's scratch, as `SubWorkflowPlanning` adds them when the child's turn comes).
    public static func withParentFiles(_ loaded: LoadedWorkflow, _ job: Job) -> LoadedWorkflow {
        var loaded = loaded
        let fromParent = job.inputs.map { Replica(lfn: $0.lfn, pfns: [Replica.Location(site: "local", pfn: "/parent-scratch/" + $0.lfn)]) }
        guard !fromParent.isEmpty else { return loaded }
        var catalog = loaded.replicas ?? ReplicaCatalog()
        catalog.replicas = fromParent + catalog.replicas
        loaded.replicas = catalog
        return loaded
    }

    /// Every sub-workflow job's problems in `workflow`, whose own file is `ancestors.last`.
    static func problems(ofSubworkflowsIn loaded: LoadedWorkflow, _ workflow: Workflow, ancestors: [String]) -> [String] {
        let subworkflows = workflow.jobs.filter { $0.kind != .job }
        guard !subworkflows.isEmpty else { return [] }
        let replicas = ReplicaLocations(loaded.replicas, catalogFile: loaded.replicasFile)
        let made = Set(workflow.jobs.flatMap { $0.outputs.map(\.lfn) })
        return subworkflows.flatMap { job in
            problems(of: job, in: loaded, replicas: replicas, madeByJob: job.file.map { made.contains($0) } ?? false, ancestors: ancestors)
        }
    }
}
