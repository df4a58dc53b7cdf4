#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What the journal's lines up to a compaction said, folded into a few lines
/// (`engine.journal.checkpoint`), so a resume after a million jobs reads a summary and the
/// few lines written since, not millions of lines (issue 15).
///
/// Why a fold and not a copy: a resume needs only which jobs succeeded, where attempt
/// numbers continue, which jobs' last attempt failed, how many engines started, and the
/// lines of attempts that had not ended (their processes may still run). An attempt that
/// ended before a compaction is in the run database too: the engine commits the database
/// before it compacts, so a resume has nothing to complete for it.
///
/// Crash safety: the checkpoint is written (and renamed into place) before the journal is
/// replaced by one that starts with `G <generation>` and the open attempts' lines. A kill
/// between the two leaves the new checkpoint beside the old journal, whose lines it already
/// holds: `RunJournal.load` then reads the checkpoint's own copy of the open lines and skips
/// the journal.
public struct JournalCheckpoint: Equatable, Sendable {
    /// Compactions so far; the journal written by the last one starts with `G <generation>`.
    public var generation = 0
    /// Jobs in the plan the indices below refer to (a check that the plan is the same one).
    public var jobCount: Int
    /// Engines started (`A 0 -` lines).
    public var restarts = 0
    /// Plan indices of jobs that succeeded.
    public var succeeded = IndexSet()
    /// The next attempt of jobs that ran and have not succeeded, by plan index.
    public var nextAttempt: [Int: Int] = [:]
    /// Jobs whose last entry is a failed attempt: plan index -> that attempt.
    public var lastFailed: [Int: Int] = [:]
    /// The lines of attempts not seen to end (and of jobs not in the plan), in journal order.
    public var open: [RunJournal.Entry] = []

    public init(jobCount: Int) { self.jobCount = jobCount }

    /// Folds journal lines into the summary, as a replay of the whole journal would see them.
    /// `jobIndex` gives the plan index of a job id (nil: not in the plan: its lines stay open).
    public mutating func fold(_ entries: [RunJournal.Entry], jobIndex: (String) -> Int?) {
        var openByJob: [String: [RunJournal.Entry]] = [:]
        var order: [String] = []
        for entry in open {
            if openByJob[entry.job] == nil { order.append(entry.job) }
            openByJob[entry.job, default: []].append(entry)
        }
        func keepOpen(_ entry: RunJournal.Entry) {
            if openByJob[entry.job] == nil { order.append(entry.job) }
            openByJob[entry.job, default: []].append(entry)
        }
        for entry in entries {
            switch entry {
            case .started("-", _):
                restarts += 1
            case .started(let job, let attempt):
                if let i = jobIndex(job) {
                    nextAttempt[i] = max(nextAttempt[i] ?? 0, attempt + 1)
                    lastFailed[i] = nil
                }
                keepOpen(entry)
            case .process:
                keepOpen(entry)
            case .succeeded(let job, _):
                if let i = jobIndex(job) {
                    succeeded.insert(i)
                    nextAttempt[i] = nil
                    lastFailed[i] = nil
                    openByJob[job] = nil
                } else {
                    keepOpen(entry)
                }
            case .failed(let job, let attempt):
                if let i = jobIndex(job) {
                    lastFailed[i] = attempt
                    openByJob[job] = nil
                } else {
                    keepOpen(entry)
                }
            }
        }
        open = order.compactMap { openByJob.removeValue(forKey: $0) }.flatMap { $0 }
    }

    // MARK: - File

    static let magic = "skein-journal-checkpoint 1"

    /// The checkpoint beside a journal.
    public static func path(forJournal journal: String) -> String { journal + ".checkpoint" }

    public var text: String {
        var lines = [Self.magic, "generation \(generation)", "jobs \(jobCount)", "restarts \(restarts)"]
        lines.append("succeeded" + succeeded.rangeView.map { $0.count == 1 ? " \($0.lowerBound)" : " \($0.lowerBound)-\($0.upperBound - 1)" }.joined())
        lines.append("attempts" + nextAttempt.sorted { $0.key < $1.key }.map { " \($0.key):\($0.value)" }.joined())
        lines.append("failed" + lastFailed.sorted { $0.key < $1.key }.map { " \($0.key):\($0.value)" }.joined())
        lines.append("open")
        return lines.joined(separator: "\n") + "\n" + open.map(RunJournal.line).joined()
    }

    /// Reads a checkpoint; nil when there is none. A checkpoint that cannot be read throws:
    /// without it the journal does not say what ran, and a resume would run succeeded jobs again.
    public static func read(_ path: String) throws -> JournalCheckpoint? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        func bad(_ line: Int, _ why: String) -> RunFormatError {
            RunFormatError("\(path):\(line + 1):1: \(why); the run's journal checkpoint is damaged: plan the workflow again or remove the run")
        }
        guard lines.first.map(String.init) == magic else { throw bad(0, "not a journal checkpoint (\(magic) expected)") }
        var checkpoint = JournalCheckpoint(jobCount: 0)
        var n = 1
        func field(_ name: String) throws -> [Substring] {
            guard n < lines.count else { throw bad(n, "'\(name)' expected, the file ends") }
            var words = lines[n].split(separator: " ")
            guard words.first == Substring(name) else { throw bad(n, "'\(name)' expected") }
            words.removeFirst()
            n += 1
            return words
        }
        func number(_ name: String) throws -> Int {
            let words = try field(name)
            guard words.count == 1, let value = Int(words[0]) else { throw bad(n - 1, "'\(name) N' expected") }
            return value
        }
        func pairs(_ name: String) throws -> [Int: Int] {
            var result: [Int: Int] = [:]
            for word in try field(name) {
                let parts = word.split(separator: ":")
                guard parts.count == 2, let key = Int(parts[0]), let value = Int(parts[1]) else { throw bad(n - 1, "'\(word)' is not INDEX:NUMBER") }
                result[key] = value
            }
            return result
        }
        checkpoint.generation = try number("generation")
        checkpoint.jobCount = try number("jobs")
        checkpoint.restarts = try number("restarts")
        for word in try field("succeeded") {
            let ends = word.split(separator: "-").map { Int($0) }
            guard (1...2).contains(ends.count), let low = ends[0], let high = ends.last!, low <= high else { throw bad(n - 1, "'\(word)' is not an index or a range") }
            checkpoint.succeeded.insert(integersIn: low..<(high + 1))
        }
        checkpoint.nextAttempt = try pairs("attempts")
        checkpoint.lastFailed = try pairs("failed")
        _ = try field("open")
        checkpoint.open = lines[n...].compactMap { RunJournal.entry(of: $0) }
        return checkpoint
    }

    /// Writes the checkpoint whole or not at all: into a new file, synced, renamed over the old one.
    public func write(to path: String) -> RunFormatError? {
        RunJournal.replaceFile(path, with: Data(text.utf8))
    }
}

extension RunJournal.Entry {
    /// The job the line is about ("-" for an engine start).
    public var job: String {
        switch self {
        case .started(let job, _), .process(let job, _, _), .succeeded(let job, _), .failed(let job, _): return job
        }
    }
}

extension RunJournal {
    /// The journal as if never compacted, for readers that want each job's last outcome (a
    /// retry's failed jobs, a reuse's succeeded ones): the checkpoint's jobs as one line each
    /// (`S` for a success, `F` with the attempt for a failure), then the journal's lines.
    /// `jobs`: the plan the checkpoint's indices refer to.
    public static func readExpanded(_ path: String, jobs: [ExecutableJob]) -> [Entry] {
        guard let (checkpoint, entries) = try? load(path) else { return read(path) }
        guard let checkpoint, checkpoint.jobCount == jobs.count else { return entries }
        var expanded = checkpoint.succeeded.map { Entry.succeeded(job: jobs[$0].id, attempt: 0) }
        expanded += checkpoint.lastFailed.sorted { $0.key < $1.key }.map { Entry.failed(job: jobs[$0.key].id, attempt: $0.value) }
        return expanded + entries
    }
}
