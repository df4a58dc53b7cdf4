import Foundation

/// `pegasus.properties`: Java-style `key = value` lines. Skein reads it only to find
/// catalogs (`pegasus.catalog.site.file`, ...), as pegasus-plan does.
public struct PegasusProperties: Sendable {
    public private(set) var values: [String: String] = [:]

    public init(text: String) {
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            guard let sep = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<sep].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: sep)...].trimmingCharacters(in: .whitespaces)
            values[key] = value
        }
    }

    public static func load(besideWorkflowIn directory: String) -> PegasusProperties {
        let path = directory.isEmpty ? "pegasus.properties" : (directory as NSString).appendingPathComponent("pegasus.properties")
        guard let data = FileManager.default.contents(atPath: path) else { return PegasusProperties(text: "") }
        return PegasusProperties(text: String(decoding: data, as: UTF8.self))
    }

    public subscript(key: String) -> String? { values[key] }
}
