import Foundation
import SkeinYAML

/// Reads one YAML file into a node tree, turning every way that can fail (missing file,
/// XML DAX, syntax error, duplicate keys) into located diagnostics.
enum DocumentReader {
    static func read(_ path: String, into report: inout DiagnosticCollector) -> YAMLNode? {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            report.error(
                exists ? "unreadable-file" : "missing-file", at: .none,
                exists ? "cannot read this file" : "no such file",
                hint: exists ? "check its permissions" : "check the path, or pass the file with its option")
            return nil
        }
        return data.withUnsafeBytes { raw in parse(raw.bindMemory(to: UInt8.self), into: &report) }
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, into report: inout DiagnosticCollector) -> YAMLNode? {
        if looksLikeXML(bytes) {
            report.error(
                "xml-dax", at: SourceMark(line: 1, column: 1),
                "this is an XML DAX, not a Pegasus 5.0 YAML workflow",
                hint: "Skein reads the YAML format: regenerate the workflow with the Pegasus 5 Python API, whose Workflow.write() writes YAML")
            return nil
        }
        do {
            let result: YAMLParser.Result
            if let split = SplitParser.parse(bytes) { result = split } else { result = try YAMLParser.parse(bytes) }
            for (key, first) in result.duplicateKeys {
                report.error(
                    "duplicate-key", at: key.mark, "key '\(key.value)' appears twice in one mapping (first at line \(first.line))",
                    hint: "remove one of them; Pegasus would silently use only the last")
            }
            guard let root = result.root, !(root.isNullScalar) else {
                report.error("empty-file", at: SourceMark(line: 1, column: 1), "the file is empty", hint: "a Pegasus 5.0 document starts with `pegasus: 5.0.4`")
                return nil
            }
            return root
        } catch {
            report.error("malformed-yaml", at: error.mark, error.message, hint: error.hint)
            return nil
        }
    }

    private static func looksLikeXML(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = bytes.prefix(256).drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        return start.first == UInt8(ascii: "<")
    }
}

extension YAMLNode {
    var isNullScalar: Bool {
        if case .scalar(let s) = self { return s.isNull }
        return false
    }
}
