import Foundation
import SkeinYAML

/// Files: one producer each, every input produced or found in the replica catalog, and
/// outputs that would be lost.
extension WorkflowValidator {
    mutating func checkDataflow() {
        let jobs = workflow.jobs
        // Every lfn is hashed once, into a number; the checks below index arrays by it
        // (a 1,000,000-job montage has 6,000,000 uses of 2,500,000 files).
        let files = FileNumbering(jobs)
        let noJob = Int32(-1)
        // Per file: its first producer (job index, line of the use), whether a job reads it,
        // and the last job it was seen as an output or input of (for per-job questions).
        var producer = [Int32](repeating: noJob, count: files.count)
        var producerLine = [Int32](repeating: 0, count: files.count)
        var consumed = [Bool](repeating: false, count: files.count)
        var outputOfJob = [Int32](repeating: noJob, count: files.count)
        var use = 0
        for j in jobs.indices {
            let uses = jobs[j].uses
            for u in uses.indices {
                let file = Int(files.useNumbers[use + u])
                if uses[u].type.isInput { consumed[file] = true }
                guard uses[u].type == .output || uses[u].type == .inout else { continue }
                // The same output listed twice by one job is one output.
                guard outputOfJob[file] != Int32(j) else { continue }
                outputOfJob[file] = Int32(j)
                if producer[file] != noJob {
                    error(
                        "duplicate-producer", workflowFile, uses[u].mark,
                        "file '\(uses[u].lfn)' is produced by both job '\(jobs[Int(producer[file])].id)' (line \(producerLine[file])) and job '\(jobs[j].id)'",
                        hint: "every file must have one producer: rename one of the outputs")
                } else {
                    producer[file] = Int32(j)
                    producerLine[file] = Int32(clamping: uses[u].mark.line)
                }
            }
            use += uses.count
            if let stdin = files.stdinNumbers[j] { consumed[Int(stdin)] = true }
        }

        let replicas = ReplicaIndex(loaded.replicas)
        var hasReplica = [Int8](repeating: -1, count: files.count)  // -1: not looked up yet
        var inputOfJob = [Int32](repeating: noJob, count: files.count)
        use = 0
        for j in jobs.indices {
            let uses = jobs[j].uses
            let numbers = files.useNumbers[use..<(use + uses.count)]
            use += uses.count
            for (u, file) in zip(uses.indices, numbers) where uses[u].type.isInput && uses[u].optional != true {
                checkInput(uses[u].lfn, uses[u].mark, file: Int(file), of: j, producer: producer, replicas: replicas, hasReplica: &hasReplica, isStdin: false)
            }
            if let stdin = files.stdinNumbers[j], let name = jobs[j].stdin {
                checkInput(name, jobs[j].stdinMark, file: Int(stdin), of: j, producer: producer, replicas: replicas, hasReplica: &hasReplica, isStdin: true)
            }
            for (u, file) in zip(uses.indices, numbers) where uses[u].type == .output && uses[u].stageOut == false && !consumed[Int(file)] {
                warning(
                    "lost-output", workflowFile, uses[u].mark,
                    "output '\(uses[u].lfn)' of job '\(jobs[j].id)' is neither staged out nor used by another job, so it is lost when the run ends",
                    hint: "set `stageOut: true` to keep it, or remove it from `uses`")
            }
            for (u, file) in zip(uses.indices, numbers) where uses[u].type == .input { inputOfJob[Int(file)] = Int32(j) }
            for (u, file) in zip(uses.indices, numbers) where uses[u].type == .output && inputOfJob[Int(file)] == Int32(j) {
                warning(
                    "input-and-output", workflowFile, uses[u].mark,
                    "job '\(jobs[j].id)' lists '\(uses[u].lfn)' both as input and as output",
                    hint: "use `type: inout` for a file a job reads and rewrites")
            }
        }
    }

    private mutating func checkInput(
        _ lfn: String, _ mark: SourceMark, file: Int, of j: Int, producer: [Int32], replicas: ReplicaIndex, hasReplica: inout [Int8], isStdin: Bool
    ) {
        let jobs = workflow.jobs
        let producedBy = producer[file] >= 0 ? Int(producer[file]) : nil
        // Produced by another job (by id: two jobs sharing an id count as one, as reported).
        if let producedBy, producedBy != j, !hasDuplicateJobIDs || jobs[producedBy].id != jobs[j].id { return }
        if hasReplica[file] < 0 { hasReplica[file] = replicas.contains(lfn) ? 1 : 0 }
        if hasReplica[file] == 1 { return }
        let job = jobs[j]
        let where_ = loaded.replicasOrigin.path.map { " in \($0)" } ?? " (no replica catalog was found: put replicas.yml beside the workflow or pass --replicas FILE)"
        let replicaHint = "add a replica for it\(where_) (`- lfn: \(lfn)` with `pfns: [{site: local, pfn: /path/to/\(lfn)}]`)"
        if producedBy != nil {
            error(
                "missing-input", workflowFile, mark,
                "input file '\(lfn)' of job '\(job.id)' is produced only by job '\(job.id)' itself, so nothing provides it before the job starts",
                hint: "\(replicaHint) if the job updates an existing file (then use `type: inout`), or let another job produce it")
        } else {
            error(
                "missing-input", workflowFile, mark,
                "\(isStdin ? "stdin file" : "input file") '\(lfn)' of job '\(job.id)' has no producer and no replica",
                hint: "\(replicaHint), or declare it as an output of the job that makes it")
        }
    }
}

/// Every lfn of a workflow as a number (0, 1, ...), for its uses in file order and for each
/// job's stdin when it is not among the job's uses: one hash per use, then array lookups.
struct FileNumbering {
    /// The number of each use, all jobs' uses one after the other.
    var useNumbers: [Int32] = []
    /// The number of each job's stdin file, when the job has one it does not list in `uses`.
    var stdinNumbers: [Int32?] = []
    private(set) var count = 0

    init(_ jobs: [Job]) {
        var numbers: [String: Int32] = [:]
        var total = 0
        for j in jobs.indices { total += jobs[j].uses.count }
        numbers.reserveCapacity(total / 2 + 16)
        useNumbers.reserveCapacity(total)
        stdinNumbers.reserveCapacity(jobs.count)
        func number(_ lfn: String) -> Int32 {
            if let found = numbers[lfn] { return found }
            let next = Int32(numbers.count)
            numbers[lfn] = next
            return next
        }
        for j in jobs.indices {
            let uses = jobs[j].uses
            for u in uses.indices { useNumbers.append(number(uses[u].lfn)) }
            if let stdin = jobs[j].stdin, !uses.contains(where: { $0.lfn == stdin }) {
                stdinNumbers.append(number(stdin))
            } else {
                stdinNumbers.append(nil)
            }
        }
        count = numbers.count
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
