/// What one `squeue` or `scontrol` call said, told apart from a call that said nothing
/// (issue 13, item 11): a failed or unreadable query changes no job's state, and only a
/// query that succeeded and lacks a job counts as the job having left the queue.
enum SlurmQuery {
    /// The jobs still in the queue; nil when the query failed or printed what is not
    /// squeue's answer (then nothing may be concluded).
    static func queued(status: Int32, output: String) -> [String: SlurmQueueParser.QueuedJob]? {
        if status != 0 {
            // squeue exits 1 with this message when none of the listed jobs is known any
            // more: a real answer, "none of them is queued".
            return output.contains("Invalid job id specified") ? [:] : nil
        }
        let lines = output.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let jobs = SlurmQueueParser.squeue(output)
        // Every line must be a job line: garbage (a banner, a truncated answer) is no answer.
        guard jobs.count == lines.count, jobs.keys.allSatisfy({ Int($0.split(separator: "_").first ?? "") != nil }) else { return nil }
        return jobs
    }

    /// Final states from `scontrol show job -o`; nil when the call failed.
    static func finalStates(status: Int32, output: String, of ids: Set<String>) -> [String: (state: String, node: String)]? {
        status == 0 ? SlurmQueueParser.finalStates(output, of: ids) : nil
    }
}

/// Waiting between queries after failures: doubling from the poll interval up to a cap, and
/// back to every poll after one success.
struct QueryBackoff: Sendable {
    let base: Double
    let cap: Double
    private(set) var failures = 0
    private(set) var notBefore = 0.0

    init(base: Double, cap: Double = 120) {
        self.base = max(0.001, base)
        self.cap = cap
    }

    func allows(at now: Double) -> Bool { now >= notBefore }

    mutating func failed(at now: Double) {
        failures += 1
        notBefore = now + min(cap, base * Double(1 << min(failures, 16)))
    }

    mutating func succeeded() {
        failures = 0
        notBefore = 0
    }
}
