import Foundation
import SkeinProvenance

/// The runs Pegasus's master database (`~/.pegasus/workflow.db`) lists, so a list of runs can
/// show the Pegasus runs of the user too.
public enum PegasusMasterRuns {
    /// Submit directories, newest first, that still exist; none when there is no database.
    public static func submitDirectories(_ path: String?) -> [String] {
        guard let path, FileManager.default.fileExists(atPath: path),
              let db = try? SQLiteDatabase(path: path, readOnly: true, create: false, busyTimeout: 1),
              let rows = try? db.query("SELECT submit_dir FROM master_workflow ORDER BY timestamp DESC") else { return [] }
        return rows.compactMap { $0[0].string }.filter { FileManager.default.fileExists(atPath: $0) }
    }
}
