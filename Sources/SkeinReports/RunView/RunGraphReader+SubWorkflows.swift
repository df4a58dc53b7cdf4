import Foundation

extension RunGraphReader {
    /// The folders of a Pegasus run's sub-workflow jobs (`dax`, `dag`) that the database
    /// links to no workflow (the sub-workflow never started, or monitord did not record it),
    /// by job index, found from their submit files (`SubWorkflowFolder`).
    static func unrecordedSubworkflowFolders(_ source: StatusReader.DatabaseJobs, status: StatusReport, location: RunLocation,
                                             recorded: [Int32: String]) throws -> [Int32: SubWorkflowFolder] {
        let graph = source.graph
        var wanted: [(Int32, Int)] = []
        for (k, j) in source.statusOrder.enumerated() where recorded[Int32(k)] == nil {
            let type = graph.typeDesc[j]
            if type == "dax" || type == "dag" { wanted.append((Int32(k), j)) }
        }
        guard !wanted.isEmpty else { return [:] }
        var folders: [Int32: SubWorkflowFolder] = [:]
        for (k, j) in wanted {
            let w = graph.workflowIndex[j]
            // Each workflow's submit directory here, and as its row records it.
            let here = w == 0 ? location.directory : (status.workflows.indices.contains(w) ? status.workflows[w].directory : nil)
            guard let here else { continue }
            let recordedDirectory = w == 0 ? (location.recordedSubmitDir ?? source.workflows[0].submitDir) : source.workflows[w].submitDir
            var submitFile: String?
            try source.db.each("SELECT submit_file FROM job WHERE job_id = ?", [graph.jobs[j]]) { r in submitFile = r.text(0) }
            guard let submitFile, !submitFile.isEmpty,
                  let folder = SubWorkflowFolder.find(submitFile: submitFile, submitDirectory: here, recordedSubmitDirectory: recordedDirectory,
                                                      attempts: graph.attempts[j]) else { continue }
            folders[k] = folder
        }
        return folders
    }
}
