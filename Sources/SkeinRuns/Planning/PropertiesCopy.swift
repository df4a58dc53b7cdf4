import Foundation
import SkeinRunFormat

/// The user's `pegasus.properties` kept in the run, under the name pegasus-plan gives its
/// copy in a submit directory (`pegasus.<number>.properties`, named by braindump.yml), so the
/// run still says how it was configured after the original changes, and Pegasus's tools
/// find the file they look for.
enum PropertiesCopy {
    /// `pegasus.<n>.properties`, the number taken from the workflow's UUID (pegasus-plan's
    /// is random) so a run has one name for it.
    static func fileName(wfUUID: String) -> String {
        let hex = wfUUID.filter(\.isHexDigit).prefix(16)
        let number = (UInt64(hex, radix: 16) ?? 0) >> 1
        return "pegasus.\(number).properties"
    }

    /// Copies `source` (verbatim, after a header naming it) into the run; without a
    /// properties file, writes one saying so. Returns the file's name.
    static func write(from source: String?, runDirectory: String, wfUUID: String) throws -> String {
        let name = fileName(wfUUID: wfUUID)
        var text: String
        if let source, let data = FileManager.default.contents(atPath: source) {
            text = "# Pegasus properties of this run, copied by skein plan from \(RunDirectory.absolute(source))\n"
            text += "# (engine-settings.json holds the engine settings in effect and where each came from)\n"
            text += String(decoding: data, as: UTF8.self)
        } else {
            text = "# skein plan found no pegasus.properties beside the workflow and was given no --conf: Pegasus's defaults apply\n"
        }
        try PrivateFile.write(Data(text.utf8), to: (runDirectory as NSString).appendingPathComponent(name))
        return name
    }
}
