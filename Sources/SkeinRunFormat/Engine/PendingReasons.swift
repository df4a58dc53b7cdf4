#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Why a run's batch jobs are still waiting (Slurm's pending reason: "Resources", "Priority",
/// "BeginTime", ...): `<run>/pending-reasons`, one `JOBID<TAB>REASON` line per waiting job,
/// written by the engine and read by `skein status`, `skein analyze` and the TUI. It is not
/// in the run database: the stampede schema has no place for it, and it changes every poll.
public enum PendingReasons {
    public static func path(runDirectory: String) -> String {
        RunLayout(runDirectory: runDirectory).pendingReasons
    }

    /// Job id -> reason; empty when no job is waiting (or the file is unreadable).
    public static func read(runDirectory: String) -> [String: String] {
        guard let text = try? String(contentsOfFile: path(runDirectory: runDirectory), encoding: .utf8) else { return [:] }
        var reasons: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let tab = line.firstIndex(of: "\t") else { continue }
            reasons[String(line[..<tab])] = String(line[line.index(after: tab)...])
        }
        return reasons
    }

    /// Replaces the file at once (write, then rename), so a reader never sees half of it;
    /// no waiting job removes it.
    public static func write(_ reasons: [String: String], runDirectory: String) {
        let target = path(runDirectory: runDirectory)
        guard !reasons.isEmpty else {
            unlink(target)
            return
        }
        let clean = { (s: String) in s.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
        let text = reasons.sorted { $0.key < $1.key }.map { clean($0.key) + "\t" + clean($0.value) + "\n" }.joined()
        let temporary = target + ".new"
        guard (try? text.write(toFile: temporary, atomically: false, encoding: .utf8)) != nil else { return }
        rename(temporary, target)
    }
}
