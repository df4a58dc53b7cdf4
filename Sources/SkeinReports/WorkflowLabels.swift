import Foundation

/// Labels that tell a run's workflows apart. Two sub-workflows planned from the same file
/// (or from files with the same `name`) share a label; the Run screen's WORKFLOW column, its
/// "by workflow" groups and `workflow/id` job names would merge them. A label that
/// clashes gets the id of the parent's job that runs it, `diamond(pegasus-plan_a)`, one word
/// so that `:retry diamond(pegasus-plan_a)/job` still parses. Labels that do not clash stay
/// as they are.
enum WorkflowLabels {
    static func distinct(_ tree: [(ReportDatabase.Workflow, Int)], in db: ReportDatabase) throws -> [(ReportDatabase.Workflow, Int)] {
        var count: [String: Int] = [:]
        for (w, _) in tree { count[w.label, default: 0] += 1 }
        guard count.values.contains(where: { $0 > 1 }) else { return tree }
        var result = tree
        var used = Set(tree.map(\.0.label))
        for i in result.indices.dropFirst() where count[result[i].0.label, default: 0] > 1 {
            let w = result[i].0
            var job: String?
            try db.each("SELECT j.exec_job_id FROM job_instance ji JOIN job j ON j.job_id = ji.job_id WHERE ji.subwf_id = ? ORDER BY ji.job_submit_seq DESC LIMIT 1", [w.id]) { r in
                job = r.text(0)
            }
            var label = "\(w.label)(\(job ?? String(w.uuid.prefix(8))))"
            // Two children of different parents may be run by jobs of the same id.
            if used.contains(label) { label = "\(w.label)(\(job.map { $0 + "-" } ?? "")\(w.uuid.prefix(8)))" }
            used.insert(label)
            result[i].0.label = label
        }
        return result
    }
}
