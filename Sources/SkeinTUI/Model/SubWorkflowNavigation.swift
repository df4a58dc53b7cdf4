import SkeinReports

/// Jobs of a hierarchical run are told apart by (workflow, job): a sub-workflow may have
/// jobs named like the parent's (Pegasus's diamond inside a diamond). A job of a
/// sub-workflow opens in that workflow's directory (its run folder, or a Pegasus
/// sub-workflow's submit directory), so the Job screen reads that workflow's job; a
/// sub-workflow job that ran its workflow opens it as a Run view of its own, whose
/// breadcrumb follows the parent's in the title trail.
enum SubWorkflowNavigation {
    static func screen(opening job: Int, in data: RunData, directory: String, kind: RunLocation.Kind) -> ScreenModel {
        let status = data.jobs[job]
        let workflows = data.status.workflows
        if let uuid = data.subworkflowUUIDs[Int32(job)],
           let child = workflows.dropFirst().first(where: { $0.wfUUID == uuid && $0.directory != nil }),
           let childDirectory = child.directory {
            return RunScreen(directory: childDirectory, label: child.label, kind: kind)
        }
        // The run's own jobs keep the run's directory (and its plan, for a Skein run).
        guard let own = workflows.first, status.workflow != own.label,
              let workflowDirectory = workflows.dropFirst().first(where: { $0.label == status.workflow })?.directory else {
            return JobScreen(directory: directory, job: status.id, kind: kind)
        }
        return JobScreen(directory: workflowDirectory, job: status.id, kind: kind)
    }
}
