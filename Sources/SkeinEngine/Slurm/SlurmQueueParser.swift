import Foundation

/// Reads what Slurm's commands print, so one call covers every job of a run.
enum SlurmQueueParser {
    struct QueuedJob: Equatable {
        var id: String
        /// PENDING, RUNNING, COMPLETING, ...
        var state: String
        /// Why a pending job waits (Resources, Priority, JobHeldUser, ...).
        var reason: String
        var node: String
    }

    /// `squeue --noheader --format='%i|%T|%r|%N'`.
    static func squeue(_ text: String) -> [String: QueuedJob] {
        var jobs: [String: QueuedJob] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count >= 4, !f[0].isEmpty else { continue }
            jobs[f[0]] = QueuedJob(id: f[0], state: f[1], reason: f[2], node: f[3])
        }
        return jobs
    }

    /// `JobId=12 UserId=... JobState=CANCELLED ... NodeList=host ExitCode=0:15`: the
    /// jobcomp/filetxt lines and `scontrol show job -o` share this key=value form.
    static func keyValues(_ line: Substring) -> [String: String] {
        var fields: [String: String] = [:]
        for token in line.split(separator: " ") {
            guard let eq = token.firstIndex(of: "=") else { continue }
            fields[String(token[..<eq])] = String(token[token.index(after: eq)...])
        }
        return fields
    }

    /// A job's id as squeue's `%i` prints it: an array task's is `ARRAYJOBID_TASKID` (its own
    /// `JobId` is another number, and the array's last task has the array's).
    static func id(_ fields: [String: String]) -> String? {
        if let array = fields["ArrayJobId"], let task = fields["ArrayTaskId"], let a = Int(array), a > 0, Int(task) != nil {
            return "\(array)_\(task)"
        }
        return fields["JobId"]
    }

    /// Final states of the given jobs, from jobcomp or `scontrol show job -o` text.
    static func finalStates(_ text: String, of ids: Set<String>) -> [String: (state: String, node: String)] {
        var out: [String: (String, String)] = [:]
        for line in text.split(separator: "\n") {
            let f = keyValues(line)
            guard let id = id(f), ids.contains(id), let state = f["JobState"] else { continue }
            out[id] = (state.split(separator: " ").first.map(String.init) ?? state, f["NodeList"] ?? "")
        }
        return out
    }
}
