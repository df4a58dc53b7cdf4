#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SkeinProperties
import SkeinRunFormat

/// Where a run's data is: a Skein run directory or a Pegasus submit directory, its
/// braindump, its properties, and its stampede database, found the way Pegasus's own tools
/// find them (`Pegasus.db.connection.url_by_submitdir`): the braindump names the dag and the
/// properties; `pegasus.catalog.workflow.url` (or `pegasus.monitord.output`) in the
/// properties wins; otherwise `<dag without .dag>.stampede.db`. One difference: Pegasus looks
/// in the submit directory the braindump records before the directory given; Skein looks in
/// the directory given first, so a copied run directory reports on itself, not its original. A sub-workflow's
/// directory leads up to the root workflow's braindump, whose database holds every level.
public struct RunLocation: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// A Skein run directory (it has `plan.json`; an engine may hold `engine.lock`).
        case skein
        /// A Pegasus submit directory (or anything else with a braindump).
        case pegasus
    }

    /// The directory given, made absolute.
    public var directory: String
    public var kind: Kind
    /// The workflow this directory is about (a sub-workflow's own uuid for a sub-workflow).
    public var wfUUID: String?
    public var rootWfUUID: String?
    /// The workflow's label (`dax_label`), else the directory name.
    public var label: String
    /// The DAG file name from the braindump ("process-0.dag").
    public var dag: String?
    /// The submit directory the braindump records (may be on another machine).
    public var recordedSubmitDir: String?
    /// The properties file actually read, if any.
    public var propertiesFile: String?
    /// Absolute path of the stampede database; nil when the run has none (yet).
    public var database: String?
    /// `*.dag.dagman.out` files (root first), for runs without a database.
    public var dagmanOutFiles: [String]
    /// Things a user should know about how the run was found (moved directory, ...).
    public var notes: [String]

    public var databaseExists: Bool { database.map { FileManager.default.fileExists(atPath: $0) } ?? false }
    /// A sub-workflow's own directory: its braindump names another workflow as the root.
    public var isSubWorkflow: Bool { rootWfUUID != nil && wfUUID != nil && rootWfUUID != wfUUID }


    /// Finds the run at `path` (a directory, or a `.stampede.db` file).
    public static func locate(_ path: String, fileManager fm: FileManager = .default) throws -> RunLocation {
        let absolute = Self.absolute(path)
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: absolute, isDirectory: &isDir) else {
            throw ReportError.notFound(path)
        }
        if !isDir.boolValue {
            guard absolute.hasSuffix(".db") else { throw ReportError.notARun(path, "not a directory or a .stampede.db file") }
            let dir = (absolute as NSString).deletingLastPathComponent
            let name = (absolute as NSString).lastPathComponent
            var location = (try? locate(dir, fileManager: fm)) ?? RunLocation(
                directory: dir, kind: fm.fileExists(atPath: dir + "/" + RunLayout.planFile) ? .skein : .pegasus, label: name.replacingOccurrences(of: ".stampede.db", with: ""),
                dagmanOutFiles: [], notes: [])
            location.database = absolute
            return location
        }
        let dir = absolute
        let kind: Kind = fm.fileExists(atPath: dir + "/" + RunLayout.planFile) ? .skein : .pegasus
        let dagmanOuts = dagmanOutFiles(in: dir, fileManager: fm)
        guard let braindump = readBraindump(in: dir) else {
            // No braindump: a lone database, or DAGMan output only (status can still read that).
            let dbs = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".stampede.db") }.sorted()
            if dbs.count == 1 {
                return RunLocation(directory: dir, kind: kind, label: dbs[0].replacingOccurrences(of: ".stampede.db", with: ""),
                                   database: dir + "/" + dbs[0], dagmanOutFiles: dagmanOuts,
                                   notes: ["no braindump.yml: reading \(dbs[0])"])
            }
            if !dagmanOuts.isEmpty {
                let name = ((dagmanOuts[0] as NSString).lastPathComponent as NSString)
                return RunLocation(directory: dir, kind: .pegasus, label: name.replacingOccurrences(of: ".dag.dagman.out", with: ""),
                                   dagmanOutFiles: dagmanOuts, notes: ["no braindump.yml: reading DAGMan's \(name)"])
            }
            throw ReportError.notARun(path, "no braindump.yml (not a Skein run directory or a Pegasus submit directory)")
        }
        var notes: [String] = []
        // A sub-workflow: the root's braindump (and database) is in a parent directory.
        var top = braindump
        var topDir = dir
        if let root = braindump["root_wf_uuid"], let own = braindump["wf_uuid"], root != own {
            var probe = dir
            while probe != "/" {
                probe = (probe as NSString).deletingLastPathComponent
                if probe.isEmpty { break }
                if let parent = readBraindump(in: probe), parent["wf_uuid"] == root, parent["root_wf_uuid"] == root {
                    top = parent
                    topDir = probe
                    break
                }
            }
            if topDir == dir { notes.append("the root workflow's braindump (\(root)) was not found above \(dir)") }
        }
        // The properties file and the database: in the directory itself first, then where the
        // braindump says the run was submitted (Pegasus looks there first; a copied run
        // directory must not silently report on its original).
        var properties: [String: String] = [:]
        var propertiesFile: String?
        if let name = top["properties"] {
            var candidates: [String] = []
            if name.hasPrefix("/") { candidates.append(name) }
            candidates.append((topDir as NSString).appendingPathComponent((name as NSString).lastPathComponent))
            if let recorded = top["submit_dir"] { candidates.append((recorded as NSString).appendingPathComponent(name)) }
            for candidate in candidates {
                if let text = try? String(contentsOfFile: candidate, encoding: .utf8) {
                    properties = PegasusProperties(text: text).values
                    propertiesFile = candidate
                    break
                }
            }
            if propertiesFile == nil {
                notes.append("cannot read the properties file \(name): using the default database location")
            }
        }
        if let recorded = top["submit_dir"], recorded != topDir, !fm.fileExists(atPath: recorded) {
            notes.append("the run was submitted from \(recorded), which is not here: reading \(topDir)")
        }
        var database: String?
        if let url = properties["pegasus.catalog.workflow.url"] ?? properties["pegasus.monitord.output"] {
            guard let file = sqlitePath(url) else { throw ReportError.unsupportedDatabase(url) }
            database = file.hasPrefix("/") ? file : (topDir as NSString).appendingPathComponent(file)
        } else if let dag = top["dag"] {
            let file = PegasusSubmitFiles.databaseFileName(dag: dag)
            let local = (topDir as NSString).appendingPathComponent(file)
            let recorded = top["submit_dir"].map { ($0 as NSString).appendingPathComponent(file) }
            if !fm.fileExists(atPath: local), let recorded, fm.fileExists(atPath: recorded) {
                database = recorded
                notes.append("no database here: reading \(recorded), where the braindump says the run was submitted")
            } else {
                database = local
            }
        } else {
            notes.append("the braindump names no dag: no database")
        }
        let label = braindump["dax_label"] ?? braindump["pegasus_wf_name"] ?? (dir as NSString).lastPathComponent
        return RunLocation(directory: dir, kind: kind, wfUUID: braindump["wf_uuid"], rootWfUUID: braindump["root_wf_uuid"],
                           label: label, dag: braindump["dag"], recordedSubmitDir: braindump["submit_dir"],
                           propertiesFile: propertiesFile, database: database, dagmanOutFiles: dagmanOuts, notes: notes)
    }

    /// A directory the database recorded (a sub-workflow's submit directory), here: under
    /// this run when it was recorded under the run's recorded submit directory (a run copied
    /// from another machine), else as recorded; nil when it does not exist.
    public func relocated(_ recorded: String) -> String? {
        guard !recorded.isEmpty else { return nil }
        var candidates = [recorded]
        if let root = recordedSubmitDir, root != directory, recorded.hasPrefix(root + "/") {
            candidates.insert(directory + recorded.dropFirst(root.count), at: 0)
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    static func readBraindump(in dir: String) -> [String: String]? {
        if let text = try? String(contentsOfFile: dir + "/" + RunLayout.braindumpFile, encoding: .utf8) {
            return SubmitDirectoryFiles.parseBraindump(text)
        }
        if let text = try? String(contentsOfFile: dir + "/" + RunLayout.legacyBraindumpFile, encoding: .utf8) {
            return SubmitDirectoryFiles.parseBraindump(text, legacy: true)
        }
        return nil
    }

    /// "sqlite:////abs/path.db" -> "/abs/path.db", "sqlite:///rel.db" -> "rel.db"; nil for
    /// other databases (MySQL, PostgreSQL), which Skein does not read.
    static func sqlitePath(_ url: String) -> String? {
        let trimmed = url.replacingOccurrences(of: "jdbc:", with: "")
        guard trimmed.hasPrefix("sqlite:") else { return nil }
        var rest = String(trimmed.dropFirst("sqlite:".count))
        if rest.hasPrefix("///") { rest = String(rest.dropFirst(3)) } else if rest.hasPrefix("//") { rest = String(rest.dropFirst(2)) }
        if let q = rest.firstIndex(of: "?") { rest = String(rest[..<q]) }
        return rest
    }

    /// `*.dag.dagman.out` in `dir` and below (two levels of sub-workflow folders), root first.
    static func dagmanOutFiles(in dir: String, fileManager fm: FileManager) -> [String] {
        let top = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".dag.dagman.out") }.sorted().map { dir + "/" + $0 }
        guard !top.isEmpty else { return [] }
        var result = top
        if let walker = fm.enumerator(atPath: dir) {
            var nested: [String] = []
            while let item = walker.nextObject() as? String {
                if walker.level > 6 { walker.skipDescendants(); continue }
                if item.hasSuffix(".dag.dagman.out") && item.contains("/") { nested.append(dir + "/" + item) }
            }
            result += nested.sorted()
        }
        return result
    }

    /// `path` made absolute and standardized (`..` resolved), as run locations are kept.
    public static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (URL(fileURLWithPath: full).standardizedFileURL.path as NSString).standardizingPath
    }
}

/// Why a report could not be made (exit code 1 in the CLI).
public enum ReportError: Error, CustomStringConvertible, Sendable, Equatable {
    case notFound(String)
    case notARun(String, String)
    case noDatabase(String)
    case unsupportedDatabase(String)
    case badDatabase(String, String)
    case unknownWorkflow(String, String)
    case unknownJob(String, [String])

    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no such file or directory"
        case .notARun(let path, let why): return "\(path): \(why)"
        case .noDatabase(let path): return "no run database yet at \(path) (the run has not started)"
        case .unsupportedDatabase(let url): return "the run database is \(url): Skein reads SQLite databases only"
        case .badDatabase(let path, let why): return "\(path): \(why)"
        case .unknownWorkflow(let uuid, let db): return "workflow \(uuid) is not in \(db)"
        case .unknownJob(let id, let near):
            return "no job '\(id)' in this run" + (near.isEmpty ? "" : " (did you mean \(near.map { "'\($0)'" }.joined(separator: ", "))?)")
        }
    }
}
