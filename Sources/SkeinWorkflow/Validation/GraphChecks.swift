/// Job ids, declared dependencies and cycles.
extension WorkflowValidator {
    mutating func checkJobIDs() {
        var first: [String: Int] = [:]
        first.reserveCapacity(workflow.jobs.count)
        let jobs = workflow.jobs
        for i in jobs.indices {
            let job = (id: jobs[i].id, idMark: jobs[i].idMark)
            if let earlier = first[job.id] {
                hasDuplicateJobIDs = true
                error(
                    "duplicate-job-id", workflowFile, job.idMark,
                    "job id '\(job.id)' is used twice (first at line \(workflow.jobs[earlier].idMark.line))",
                    hint: "give every job a unique id")
            } else {
                first[job.id] = i
            }
        }
        jobIndex = first
    }

    mutating func checkDependencies() {
        let known = jobIndex
        lazy var ids = workflow.jobs.map(\.id)
        for dep in workflow.dependencies {
            if known[dep.parent.id] == nil {
                error(
                    "unknown-job", workflowFile, dep.parent.mark,
                    "jobDependencies names parent job '\(dep.parent.id)', which is not defined",
                    hint: (Self.suggestion(dep.parent.id, ids) ?? "") + "use the id of a job under `jobs:`")
            }
            for child in dep.children {
                if known[child.id] == nil {
                    error(
                        "unknown-job", workflowFile, child.mark,
                        "job '\(dep.parent.id)' lists child '\(child.id)', which is not defined",
                        hint: (Self.suggestion(child.id, ids) ?? "") + "use the id of a job under `jobs:`")
                } else if child.id == dep.parent.id {
                    error("self-dependency", workflowFile, child.mark, "job '\(child.id)' depends on itself", hint: "remove it from its own children")
                }
            }
        }
    }

    mutating func checkCycles(_ graph: WorkflowGraph) {
        for cycle in graph.cycles() {
            let path = cycle.map { graph.ids[$0] }.joined(separator: " -> ")
            let job = workflow.jobs[cycle[0]]
            error(
                "cycle", workflowFile, job.idMark, "dependency cycle: \(path)",
                hint: "a workflow must be acyclic: remove one of these dependencies, or the file use that implies it")
        }
    }
}
