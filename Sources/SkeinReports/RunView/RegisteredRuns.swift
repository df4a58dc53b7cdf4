import Foundation
import SkeinProvenance

/// The runs Skein's user-level registry lists (`$XDG_STATE_HOME/skein/registry.db`), for a
/// list of runs that polls it: the registry is opened once, on first use (and again on the
/// next call if that failed).
public final class RegisteredRuns {
    public struct Entry: Sendable, Equatable {
        public var directory: String
        /// What the registry recorded, for when the run itself cannot be read.
        public var hint: RunSummaryReader.Hint
    }

    public let directory: String
    private var registry: RunRegistry?

    public init(directory: String) { self.directory = directory }

    /// The registry folder for an environment (`SKEIN_STATE_DIR`, `XDG_STATE_HOME`, `HOME`).
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        RunRegistry.defaultDirectory(environment: environment)
    }

    /// Every registered run in the registry's order; none when it cannot be opened.
    public func list() -> [Entry] {
        if registry == nil { registry = try? RunRegistry(directory: directory) }
        return ((try? registry?.list()) ?? []).map {
            Entry(directory: $0.runDir, hint: RunSummaryReader.Hint(label: $0.label, started: $0.started, finished: $0.finished))
        }
    }
}
