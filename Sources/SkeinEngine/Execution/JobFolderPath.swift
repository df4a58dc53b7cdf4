import Foundation

/// A name from the plan (an lfn, a stdio file) as a path inside the job's folder, or nil
/// when it would leave the folder: validation refuses such names, and this second check
/// keeps a plan edited by hand from writing elsewhere.
enum JobFolderPath {
    static func inside(_ folder: String, _ name: String) -> String? {
        guard !name.isEmpty, !name.hasPrefix("/"),
            !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }),
            !name.split(separator: "/", omittingEmptySubsequences: false).contains("..")
        else { return nil }
        return (folder as NSString).appendingPathComponent(name)
    }
}
