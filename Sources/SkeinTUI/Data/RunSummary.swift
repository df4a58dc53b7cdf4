import Foundation
import SkeinRunFormat
import SkeinProvenance
import SkeinReports

/// One row of the runs list: a registered Skein run, a directory given on the command line,
/// or a Pegasus run found in `~/.pegasus/workflow.db`.
public struct RunSummary: Sendable, Equatable {
    public enum Origin: String, Sendable { case registry, commandLine = "command line", pegasus = "pegasus db" }

    public var directory: String
    public var label: String
    public var kind: RunLocation.Kind
    public var origin: Origin
    /// nil when the run could not be read (see `error`).
    public var condition: RunCondition?
    public var counts: StateCounts
    public var started: Double?
    public var finished: Double?
    public var error: String?

    public init(directory: String, label: String, kind: RunLocation.Kind, origin: Origin, condition: RunCondition?,
                counts: StateCounts, started: Double?, finished: Double?, error: String? = nil) {
        self.directory = directory; self.label = label; self.kind = kind; self.origin = origin; self.condition = condition
        self.counts = counts; self.started = started; self.finished = finished; self.error = error
    }

    public var phase: RunCondition.Phase { condition?.phase ?? .unknown }
    public var engineAlive: Bool { condition?.engine?.alive ?? false }
    public var stateText: String { error != nil ? "Error" : (condition?.shortText ?? "Unknown") }

    /// Seconds from start to end, or to `now` while running.
    public func wallTime(now: Double) -> Double? {
        guard let started else { return nil }
        if let finished, phase != .running { return max(0, finished - started) }
        if phase == .running { return max(0, now - started) }
        return finished.map { max(0, $0 - started) }
    }

    /// Running jobs: executing plus submitted (Skein starts what it submits).
    public var active: Int { counts.queued + counts.pre + counts.post }
    /// Waiting to start: ready and unready.
    public var waiting: Int { counts.ready + counts.unready }
}

/// Builds the runs list, re-reading only the runs whose database or engine changed.
/// Runs on the data queue, never on the UI thread.
final class RunsLoader {
    struct Entry {
        var summary: RunSummary
        var signature: FileSignature
        var location: RunLocation?
    }

    let registryDirectory: String?
    var extraDirectories: [String]
    let pegasusMasterDatabase: String?
    private var entries: [String: Entry] = [:]
    private var registry: RunRegistry?
    private var lastOrder: [String] = []

    init(registryDirectory: String?, extraDirectories: [String], pegasusMasterDatabase: String?) {
        self.registryDirectory = registryDirectory
        self.extraDirectories = extraDirectories
        self.pegasusMasterDatabase = pegasusMasterDatabase
    }

    /// The current list, or nil when nothing changed since the last call.
    func load(force: Bool = false) -> [RunSummary]? {
        var order: [(String, RunSummary.Origin, RegistryHint?)] = []
        var seen = Set<String>()
        for dir in extraDirectories {
            let abs = Self.absolute(dir)
            if seen.insert(abs).inserted { order.append((abs, .commandLine, nil)) }
        }
        if let registryDirectory {
            if registry == nil { registry = try? RunRegistry(directory: registryDirectory) }
            for run in (try? registry?.list()) ?? [] where seen.insert(run.runDir).inserted {
                order.append((run.runDir, .registry, RegistryHint(label: run.label, started: run.started, finished: run.finished)))
            }
        }
        for dir in Self.pegasusRuns(pegasusMasterDatabase) where seen.insert(dir).inserted {
            order.append((dir, .pegasus, nil))
        }
        var changed = force || order.map(\.0) != lastOrder
        var result: [RunSummary] = []
        for (dir, origin, hint) in order {
            let signature = FileSignature.run(dir, location: entries[dir]?.location)
            if !force, let entry = entries[dir], entry.signature == signature {
                result.append(entry.summary)
                continue
            }
            changed = true
            let (summary, location) = Self.read(dir, origin: origin, hint: hint)
            // The database path is known only after locating: take the signature again.
            entries[dir] = Entry(summary: summary, signature: FileSignature.run(dir, location: location), location: location)
            result.append(summary)
        }
        lastOrder = order.map(\.0)
        return changed ? result : nil
    }

    struct RegistryHint { var label: String; var started: Double; var finished: Double? }

    static func read(_ dir: String, origin: RunSummary.Origin, hint: RegistryHint?) -> (RunSummary, RunLocation?) {
        let fallbackLabel = hint?.label ?? (dir as NSString).lastPathComponent
        guard FileManager.default.fileExists(atPath: dir) else {
            return (RunSummary(directory: dir, label: fallbackLabel, kind: .skein, origin: origin, condition: nil, counts: StateCounts(),
                               started: hint?.started, finished: hint?.finished, error: "the run directory is gone"), nil)
        }
        do {
            let location = try RunLocation.locate(dir)
            let report = try StatusReader.read(location, includeJobs: false)
            let started = report.condition.started ?? hint?.started
            let finished = report.condition.finished ?? hint?.finished
            return (RunSummary(directory: dir, label: report.label, kind: report.kind, origin: origin, condition: report.condition,
                               counts: report.totals, started: started, finished: finished), location)
        } catch {
            return (RunSummary(directory: dir, label: fallbackLabel, kind: .pegasus, origin: origin, condition: nil, counts: StateCounts(),
                               started: hint?.started, finished: hint?.finished, error: "\(error)"), nil)
        }
    }

    /// Submit directories Pegasus's master database lists (those that still exist).
    static func pegasusRuns(_ path: String?) -> [String] {
        guard let path, FileManager.default.fileExists(atPath: path),
              let db = try? SQLiteDatabase(path: path, readOnly: true, create: false, busyTimeout: 1),
              let rows = try? db.query("SELECT submit_dir FROM master_workflow ORDER BY timestamp DESC") else { return [] }
        return rows.compactMap { $0[0].string }.filter { FileManager.default.fileExists(atPath: $0) }
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (URL(fileURLWithPath: full).standardizedFileURL.path as NSString).standardizingPath
    }
}

/// What changes when a run or a file changes: sizes and modification times, and (for Skein
/// runs) whether an engine holds the run's lock. Cheap enough to take a few times a second.
struct FileSignature: Equatable, Sendable {
    var parts: [Int64]

    static func statParts(_ path: String) -> [Int64] {
        var st = stat()
        guard stat(path, &st) == 0 else { return [-1, -1] }
        return [Int64(st.st_size), Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)]
    }

    static func file(_ path: String) -> FileSignature { FileSignature(parts: statParts(path)) }

    /// A run: its database (and WAL), plan, braindump, DAGMan's output, and the engine.
    static func run(_ dir: String, location: RunLocation?) -> FileSignature {
        var parts: [Int64] = []
        if let database = location?.database {
            parts += statParts(database)
            parts += statParts(database + "-wal")
        } else {
            // Not located yet: anything in the folder may be it.
            parts += statParts(dir)
        }
        if let out = location?.dagmanOutFiles.first { parts += statParts(out) }
        parts += statParts(dir + "/plan.json")
        parts += statParts(dir + "/braindump.yml")
        parts.append(EngineLock.state(runDirectory: dir).alive ? 1 : 0)
        return FileSignature(parts: parts)
    }
}
