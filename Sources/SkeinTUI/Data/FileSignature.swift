import Foundation
import SkeinRunFormat
import SkeinReports

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
        parts += statParts(dir + "/" + RunLayout.planFile)
        parts += statParts(dir + "/" + RunLayout.braindumpFile)
        parts.append(EngineLock.state(runDirectory: dir).alive ? 1 : 0)
        return FileSignature(parts: parts)
    }
}
