import Foundation
import XCTest

/// The module rules of docs/ARCHITECTURE.md, checked on the sources: every `import` of a
/// Skein module or C library must be one the table allows, and every module must be in the
/// table. A layer that reaches past its neighbours (the TUI running SQL, the engine reading
/// workflows) fails here instead of in review.
final class ImportRulesTests: XCTestCase {
    /// Module -> the project's modules and C libraries it may import. Executables
    /// (`skein`) may import any library; they are the top.
    static let allowed: [String: Set<String>] = [
        "SkeinYAML": ["CYAML"],
        "SkeinProperties": [],
        "SkeinText": [],
        "SkeinKickstart": [],
        "SkeinEngineCore": [],
        "SkeinWorkflow": ["SkeinYAML", "SkeinProperties", "SkeinText"],
        "SkeinRunFormat": ["SkeinYAML", "SkeinProperties", "SkeinKickstart"],
        "SkeinTransfer": ["CCurl", "SkeinKickstart"],
        "SkeinPlanner": ["SkeinWorkflow", "SkeinRunFormat", "SkeinProperties", "SkeinText"],
        "SkeinProvenance": ["CSQLite", "SkeinRunFormat"],
        "SkeinEngine": ["SkeinEngineCore", "SkeinRunFormat", "SkeinProvenance", "SkeinTransfer", "SkeinKickstart", "SkeinText", "CSpawn"],
        "SkeinReports": ["SkeinProvenance", "SkeinRunFormat", "SkeinProperties", "SkeinText"],
        "SkeinRuns": ["SkeinPlanner", "SkeinEngine", "SkeinEngineCore", "SkeinProvenance", "SkeinRunFormat", "SkeinWorkflow", "SkeinProperties", "SkeinTransfer"],
        "SkeinTUI": ["SkeinReports", "SkeinRunFormat", "SkeinRuns", "SkeinYAML", "SkeinText", "CNcursesw"],
        "skein-kickstart": ["SkeinKickstart"],
        "skein-transfer": ["SkeinTransfer"],
        "skein": ["*"],
    ]

    /// Modules of the toolchain and of packages, which the rules do not govern.
    static let outside: Set<String> = ["Foundation", "FoundationEssentials", "Glibc", "Darwin", "Dispatch", "Synchronization", "ArgumentParser", "Logging"]

    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    func testEveryImportIsAllowed() throws {
        var broken: [String] = []
        for module in try swiftModules() {
            guard let allowed = Self.allowed[module] else { continue }
            for (file, imported) in try imports(of: module) where !Self.outside.contains(imported) {
                if !allowed.contains("*") && !allowed.contains(imported) { broken.append("\(file): \(module) may not import \(imported)") }
            }
        }
        XCTAssertEqual(broken, [], "imports that break docs/ARCHITECTURE.md's rules:\n" + broken.joined(separator: "\n"))
    }

    func testEveryModuleIsInTheTable() throws {
        let missing = try swiftModules().filter { Self.allowed[$0] == nil }
        XCTAssertEqual(missing, [], "add these modules to the table (and to docs/ARCHITECTURE.md)")
    }

    func testTheCheckSeesImports() throws {
        // The rules are only as good as the scan: the TUI does import its neighbours.
        XCTAssertTrue(try imports(of: "SkeinTUI").contains { $0.1 == "SkeinReports" })
        XCTAssertTrue(try imports(of: "SkeinEngine").contains { $0.1 == "SkeinRunFormat" })
    }

    /// Folders of Sources holding Swift code.
    func swiftModules() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).sorted().filter { name in
            let files = FileManager.default.enumerator(atPath: Self.sources.appendingPathComponent(name).path)?.allObjects as? [String] ?? []
            return files.contains { $0.hasSuffix(".swift") }
        }
    }

    /// (file, imported module) for every import line of a module's Swift files.
    func imports(of module: String) throws -> [(String, String)] {
        let folder = Self.sources.appendingPathComponent(module)
        var found: [(String, String)] = []
        for case let relative as String in FileManager.default.enumerator(atPath: folder.path)! where relative.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(relative), encoding: .utf8)
            for line in text.split(separator: "\n") {
                var words = line.split(separator: " ").map(String.init)
                while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
                guard words.count >= 2, words[0] == "import" else { continue }
                // `import struct Foundation.Date`, `import Foundation.NSString`.
                let name = (words.count >= 3 && ["struct", "class", "enum", "func", "protocol", "typealias", "var", "let"].contains(words[1])) ? words[2] : words[1]
                found.append(("\(module)/\(relative)", String(name.split(separator: ".")[0])))
            }
        }
        return found
    }
}
