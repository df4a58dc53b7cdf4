import Foundation
import SkeinYAML

/// The key structure of a kickstart record, read with Skein's YAML reader: for each
/// mapping, by its path (`""` for the top, `mainjob/status`, `files/stdout`), the keys under
/// it. Mappings inside lists are not followed. Every invocation of the record adds its keys.
struct RecordKeys {
    private(set) var children: [String: Set<String>] = [:]

    init(_ yaml: String) {
        // Anything before the record (ks_notfound_real.yml starts with kickstart's stderr).
        guard let start = yaml.range(of: "- invocation:"),
              let root = try? YAMLParser.parse(Array(yaml[start.lowerBound...].utf8)).root,
              case .sequence(let records) = root else { return }
        for case .mapping(let record) in records.items { collect(record, path: "") }
    }

    private mutating func collect(_ mapping: YAMLMapping, path: String) {
        for entry in mapping.entries {
            children[path, default: []].insert(entry.key.value)
            if case .mapping(let inner) = entry.value {
                collect(inner, path: path.isEmpty ? entry.key.value : path + "/" + entry.key.value)
            }
        }
    }

    func keys(_ path: String) -> Set<String> { children[path] ?? [] }

    /// Keys under `path` with the ones naming the file's source (file_name, temporary_name +
    /// descriptor, descriptor_number) folded into `<source>`: a file given with -o is named
    /// where Pegasus's default temporary capture has a temporary name.
    func sourceNormalized(_ path: String) -> Set<String> {
        var keys = keys(path)
        let source: Set<String> = ["file_name", "temporary_name", "descriptor", "descriptor_number"]
        if !keys.isDisjoint(with: source) { keys.subtract(source); keys.insert("<source>") }
        return keys
    }
}
