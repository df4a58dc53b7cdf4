import SkeinReports

/// Jobs of a hierarchical run are told apart by (workflow, job): a sub-workflow may have
/// jobs named like the parent's (Pegasus's diamond inside a diamond). A job of a
/// sub-workflow opens in that workflow's directory (its run folder, or a Pegasus
/// sub-workflow's submit directory), so the Job screen reads that workflow's job; a
/// sub-workflow job that ran its workflow opens it as a Run view of its own, whose
/// breadcrumb follows the parent's in the title trail. A Pegasus sub-workflow the database
/// does not link is found from the submit files (`SubWorkflowFolder`).
enum SubWorkflowNavigation {
    static func screen(opening job: Int, in data: RunData, directory: String, kind: RunLocation.Kind) -> ScreenModel {
        open(job, in: data, directory: directory, kind: kind).screen
    }

    /// The screen job `job` opens, and what to tell the user when it is not the one asked
    /// for (a sub-workflow that was never planned opens its job's own screen).
    static func open(_ job: Int, in data: RunData, directory: String, kind: RunLocation.Kind) -> (screen: ScreenModel, note: String?) {
        let status = data.jobs[job]
        let workflows = data.status.workflows
        if let uuid = data.subworkflowUUIDs[Int32(job)],
           let child = workflows.dropFirst().first(where: { $0.wfUUID == uuid && $0.directory != nil }),
           let childDirectory = child.directory {
            return (RunScreen(directory: childDirectory, label: child.label, kind: kind), nil)
        }
        let workflowDirectory = self.directory(ofWorkflowOf: job, in: data) ?? directory
        if let folder = data.subworkflowFolders[Int32(job)] {
            if folder.found { return (RunScreen(directory: folder.directory, label: folder.label ?? status.id, kind: kind), nil) }
            return (JobScreen(directory: workflowDirectory, job: status.id, kind: kind),
                    "\(status.id): its sub-workflow was never planned (no \(folder.directory)): its own record says why")
        }
        return (JobScreen(directory: workflowDirectory, job: status.id, kind: kind), nil)
    }

    /// The directory of job `job`'s workflow, nil for the run's own. Labels may repeat (two
    /// sub-workflows of one file), so the workflow is the one its sub-workflow job ran: up
    /// the job's first parents to the first job of another workflow; by label otherwise.
    static func directory(ofWorkflowOf job: Int, in data: RunData) -> String? {
        let workflows = data.status.workflows
        let label = data.jobs[job].workflow
        guard let own = workflows.first, label != own.label else { return nil }
        var j = job
        while let p = data.parents[j].first.map(Int.init), p != j {
            if data.jobs[p].workflow != label {
                if let uuid = data.subworkflowUUIDs[Int32(p)], let directory = workflows.first(where: { $0.wfUUID == uuid })?.directory {
                    return directory
                }
                break
            }
            j = p
        }
        return workflows.dropFirst().first(where: { $0.label == label })?.directory
    }
}
