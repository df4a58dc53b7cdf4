import Foundation
import SkeinReports

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
    private var registry: RegisteredRuns?
    private var lastOrder: [String] = []

    init(registryDirectory: String?, extraDirectories: [String], pegasusMasterDatabase: String?) {
        self.registryDirectory = registryDirectory
        self.extraDirectories = extraDirectories
        self.pegasusMasterDatabase = pegasusMasterDatabase
    }

    /// The current list, or nil when nothing changed since the last call.
    func load(force: Bool = false) -> [RunSummary]? {
        var order: [(String, RunSummary.Origin, RunSummaryReader.Hint?)] = []
        var seen = Set<String>()
        for dir in extraDirectories {
            let abs = RunLocation.absolute(dir)
            if seen.insert(abs).inserted { order.append((abs, .commandLine, nil)) }
        }
        if let registryDirectory {
            if registry == nil { registry = RegisteredRuns(directory: registryDirectory) }
            for run in registry?.list() ?? [] where seen.insert(run.directory).inserted {
                order.append((run.directory, .registry, run.hint))
            }
        }
        for dir in PegasusMasterRuns.submitDirectories(pegasusMasterDatabase) where seen.insert(dir).inserted {
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
            let (summary, location) = RunSummaryReader.read(dir, origin: origin, hint: hint)
            // The database path is known only after locating: take the signature again.
            entries[dir] = Entry(summary: summary, signature: FileSignature.run(dir, location: location), location: location)
            result.append(summary)
        }
        lastOrder = order.map(\.0)
        return changed ? result : nil
    }
}
