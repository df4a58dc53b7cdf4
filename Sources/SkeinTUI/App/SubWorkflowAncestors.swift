import Foundation
import SkeinRunFormat

/// A sub-workflow's directory opened directly (`skein tui RUN/00/00/inner_sub.000`) opens
/// below its parents' Run views, so the breadcrumb shows every level from the root and Esc
/// goes up one: the parents are the directories above it whose braindump names the same
/// root workflow, up to the root's own.
enum SubWorkflowAncestors {
    /// The parents of `directory`, root first, with their workflow labels; empty for a root run.
    static func of(_ directory: String) -> [(directory: String, label: String)] {
        guard let own = braindump(directory), let root = own["root_wf_uuid"], own["wf_uuid"] != root else { return [] }
        var found: [(String, String)] = []
        var probe = directory
        while probe != "/", !probe.isEmpty {
            probe = (probe as NSString).deletingLastPathComponent
            guard let b = braindump(probe), b["root_wf_uuid"] == root else { continue }
            found.append((probe, b["dax_label"] ?? (probe as NSString).lastPathComponent))
            if b["wf_uuid"] == root { return found.reversed() }
        }
        return []  // the root is not above it: open the directory alone
    }

    static func braindump(_ directory: String) -> [String: String]? {
        (try? String(contentsOfFile: directory + "/" + RunLayout.braindumpFile, encoding: .utf8)).map { SubmitDirectoryFiles.parseBraindump($0) }
    }
}
