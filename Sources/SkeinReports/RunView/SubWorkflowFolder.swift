import Foundation
import SkeinRunFormat

/// Where a sub-workflow job's workflow was planned, found from the submit files as
/// Pegasus's own tools find it when the database does not name it (pegasus-analyzer's files
/// mode, `parse_submit_file`): the job's submit file starts the child's DAGMan with
/// `_CONDOR_DAGMAN_LOG=<child submit dir>/<dag>.dagman.out` in its environment (or
/// `initialdir`), as recorded on the submit host; that path is taken under this run's own
/// directory, then its `.NNN` folder (one per planning: `.000` first, a retry's replanning
/// `.001`, ...). A child whose database rows exist is opened through them instead.
public struct SubWorkflowFolder: Codable, Sendable, Equatable {
    /// The folder found, or where it would be (a sub-workflow that was never planned).
    public var directory: String
    public var found: Bool
    /// The child's workflow label (`dax_label` of its braindump), when found.
    public var label: String?

    public init(directory: String, found: Bool, label: String? = nil) {
        self.directory = directory; self.found = found; self.label = label
    }

    /// The folder of the sub-workflow job whose submit file is `submitFile` (as the
    /// database records it: relative to `submitDirectory`, or absolute on the submit
    /// host), submitted `attempts` times; `recordedSubmitDirectory` is the submit
    /// directory as the braindump records it. nil when the submit file names no folder.
    public static func find(submitFile: String, submitDirectory: String, recordedSubmitDirectory: String?, attempts: Int,
                            fileManager fm: FileManager = .default) -> SubWorkflowFolder? {
        let file = here(submitFile, submitDirectory: submitDirectory, recorded: recordedSubmitDirectory)
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
              let recorded = childDirectory(submitFileText: text) else { return nil }
        let base = here(recorded, submitDirectory: submitDirectory, recorded: recordedSubmitDirectory)
        // The plain name (Pegasus 5 and Skein link it to the current planning), then each
        // planning's folder, newest first.
        let candidates = [base] + (0..<max(1, attempts)).reversed().map { base + String(format: ".%03d", $0) }
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let braindump = (try? String(contentsOfFile: candidate + "/" + RunLayout.braindumpFile, encoding: .utf8))
                .map { SubmitDirectoryFiles.parseBraindump($0) }
            return SubWorkflowFolder(directory: candidate, found: true, label: braindump?["dax_label"])
        }
        return SubWorkflowFolder(directory: base, found: false)
    }

    /// The child's submit directory the submit file names: the folder of `_CONDOR_DAGMAN_LOG`
    /// in `environment`, else `initialdir`; `/./` removed as Pegasus's `normpath` does.
    static func childDirectory(submitFileText text: String) -> String? {
        var initialDirectory: String?
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if key == "environment" {
                let unquoted = value.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                for entry in unquoted.split(whereSeparator: { $0 == " " || $0 == ";" }) where entry.hasPrefix("_CONDOR_DAGMAN_LOG=") {
                    let log = String(entry.dropFirst("_CONDOR_DAGMAN_LOG=".count))
                    return normalized((log as NSString).deletingLastPathComponent)
                }
            } else if key == "initialdir", !value.isEmpty {
                initialDirectory = normalized(value)
            }
        }
        return initialDirectory
    }

    /// `path` in this run: relative ones under `submitDirectory`; absolute ones under the
    /// recorded submit directory moved under `submitDirectory` (a run copied from its host).
    static func here(_ path: String, submitDirectory: String, recorded: String?) -> String {
        guard path.hasPrefix("/") else { return normalized(submitDirectory + "/" + path) }
        let clean = normalized(path)
        if let recorded = recorded.map(normalized), recorded != submitDirectory, clean.hasPrefix(recorded + "/") {
            return submitDirectory + clean.dropFirst(recorded.count)
        }
        return clean
    }

    /// `a/./b//c/` as `a/b/c`, by name only (never through links).
    static func normalized(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}
