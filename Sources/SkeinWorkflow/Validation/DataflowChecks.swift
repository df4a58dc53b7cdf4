import Foundation

/// Files: one producer each, every input produced or found in the replica catalog, and
/// outputs that would be lost.
extension WorkflowValidator {
    mutating func checkDataflow() {
        // lfn -> (job id, line of its use): small values, not copies of whole jobs.
        var producers: [String: (job: String, line: Int)] = [:]
        producers.reserveCapacity(workflow.jobs.count)
        var consumed = Set<String>()
        consumed.reserveCapacity(workflow.jobs.count * 2)
        for job in workflow.jobs {
            // Sets, not searches of the earlier uses: a job may list 10,000 files.
            var outputsOfJob = Set<String>()
            for use in job.uses {
                if use.type.isInput { consumed.insert(use.lfn) }
                guard use.type == .output || use.type == .inout else { continue }
                // The same output listed twice by one job is one output.
                guard outputsOfJob.insert(use.lfn).inserted else { continue }
                if let first = producers[use.lfn] {
                    error(
                        "duplicate-producer", workflowFile, use.mark,
                        "file '\(use.lfn)' is produced by both job '\(first.job)' (line \(first.line)) and job '\(job.id)'",
                        hint: "every file must have one producer: rename one of the outputs")
                } else {
                    producers[use.lfn] = (job.id, use.mark.line)
                }
            }
            if let stdin = job.stdin, !job.uses.contains(where: { $0.lfn == stdin }) { consumed.insert(stdin) }
        }

        let replicas = ReplicaIndex(loaded.replicas)
        for job in workflow.jobs {
            var stdinOnly: FileUse?
            if let stdin = job.stdin, !job.uses.contains(where: { $0.lfn == stdin }) {
                stdinOnly = FileUse(stdin, .input, mark: job.stdinMark)
            }
            for use in job.uses where use.type.isInput && use.optional != true {
                checkInput(use, of: job, producers: producers, replicas: replicas, isStdin: false)
            }
            if let stdinOnly { checkInput(stdinOnly, of: job, producers: producers, replicas: replicas, isStdin: true) }
            for use in job.uses where use.type == .output && use.stageOut == false && !consumed.contains(use.lfn) {
                warning(
                    "lost-output", workflowFile, use.mark,
                    "output '\(use.lfn)' of job '\(job.id)' is neither staged out nor used by another job, so it is lost when the run ends",
                    hint: "set `stageOut: true` to keep it, or remove it from `uses`")
            }
            let inputsOfJob = Set(job.uses.lazy.filter { $0.type == .input }.map(\.lfn))
            for use in job.uses where use.type == .output && inputsOfJob.contains(use.lfn) {
                warning(
                    "input-and-output", workflowFile, use.mark,
                    "job '\(job.id)' lists '\(use.lfn)' both as input and as output",
                    hint: "use `type: inout` for a file a job reads and rewrites")
            }
        }
    }

    private mutating func checkInput(_ use: FileUse, of job: Job, producers: [String: (job: String, line: Int)], replicas: ReplicaIndex, isStdin: Bool) {
        let producer = producers[use.lfn]
        if let producer, producer.job != job.id { return }
        if replicas.contains(use.lfn) { return }
        let where_ = loaded.replicasOrigin.path.map { " in \($0)" } ?? " (no replica catalog was found: put replicas.yml beside the workflow or pass --replicas FILE)"
        let replicaHint = "add a replica for it\(where_) (`- lfn: \(use.lfn)` with `pfns: [{site: local, pfn: /path/to/\(use.lfn)}]`)"
        if producer != nil {
            error(
                "missing-input", workflowFile, use.mark,
                "input file '\(use.lfn)' of job '\(job.id)' is produced only by job '\(job.id)' itself, so nothing provides it before the job starts",
                hint: "\(replicaHint) if the job updates an existing file (then use `type: inout`), or let another job produce it")
        } else {
            error(
                "missing-input", workflowFile, use.mark,
                "\(isStdin ? "stdin file" : "input file") '\(use.lfn)' of job '\(job.id)' has no producer and no replica",
                hint: "\(replicaHint), or declare it as an output of the job that makes it")
        }
    }
}

/// Literal and regular-expression replica lookups.
struct ReplicaIndex {
    var literal = Set<String>()
    var patterns: [NSRegularExpression] = []

    init(_ catalog: ReplicaCatalog?) {
        for replica in catalog?.replicas ?? [] {
            if replica.regex == true {
                if let re = try? NSRegularExpression(pattern: "^(?:" + replica.lfn + ")$") { patterns.append(re) }
            } else {
                literal.insert(replica.lfn)
            }
        }
    }

    func contains(_ lfn: String) -> Bool {
        if literal.contains(lfn) { return true }
        let range = NSRange(lfn.startIndex..., in: lfn)
        return patterns.contains { $0.firstMatch(in: lfn, range: range) != nil }
    }
}
