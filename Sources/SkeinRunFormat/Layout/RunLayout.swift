import Foundation

/// Every file name of a Skein run directory, in one place: the plan, the engine's lock,
/// journal, log, settings and control folder, Pegasus's braindump, and each attempt's files
/// (`jobs/NNN/<id>.out.AAA`, the kickstart record, Pegasus's name for it; `<id>.stdout.AAA`
/// and `<id>.stderr.AAA`, the job's own streams). Jobs are spread over folders of 1,000 so a
/// 100,000-job run stays browsable.
public struct RunLayout: Sendable, Equatable {
    public static let planFile = "plan.json"
    public static let lockFile = "engine.lock"
    public static let journalFile = "engine.journal"
    public static let logFile = "engine.log"
    public static let settingsFile = "engine-settings.json"
    public static let controlFolder = "control"
    public static let pendingReasonsFile = "pending-reasons"
    public static let braindumpFile = "braindump.yml"
    public static let legacyBraindumpFile = "braindump.txt"
    /// The copy of the user's `pegasus.properties` the run was planned with (what the
    /// braindump names, as pegasus-plan keeps its properties in the submit directory).
    public static let propertiesFile = "skein.properties"
    public static let hooksFolder = "hooks"
    /// The sha256 of each file the run's jobs made (`ProducedChecksums`).
    public static let producedChecksumsFile = "produced.sha256"
    public static let stagedExecutablesFolder = "bin"
    /// A sub-workflow run's failed jobs a retry asked for, one id a line, until its parent's
    /// engine resumes it (then only these of its failed jobs run again).
    public static let retryRequestFile = "retry-request"

    public let runDirectory: String

    /// `file("jobs")`, joined once: a job's folder and files are named several times per job
    /// (its launch, its record, its provenance rows), where NSString's path joining showed.
    private let jobsRoot: String

    public init(runDirectory: String) {
        self.runDirectory = runDirectory
        jobsRoot = (runDirectory as NSString).appendingPathComponent("jobs")
    }

    public func file(_ name: String) -> String { (runDirectory as NSString).appendingPathComponent(name) }

    public var plan: String { file(Self.planFile) }
    public var journal: String { file(Self.journalFile) }
    public var producedChecksums: String { file(Self.producedChecksumsFile) }
    public var engineLog: String { file(Self.logFile) }
    public var lockFile: String { file(Self.lockFile) }
    public var settings: String { file(Self.settingsFile) }
    public var controlDirectory: String { file(Self.controlFolder) }
    public var pendingReasons: String { file(Self.pendingReasonsFile) }
    public var retryRequest: String { file(Self.retryRequestFile) }
    public var braindump: String { file(Self.braindumpFile) }
    public var hooks: String { file(Self.hooksFolder) }
    public var stagedExecutables: String { file(Self.stagedExecutablesFolder) }

    /// `<label>-0.stampede.db`, the name Pegasus derives from the dag `<label>-0.dag`.
    public func database(label: String) -> String { file("\(label)-0.stampede.db") }

    /// `<label>-0.replicas.db`, the output replica catalog Pegasus keeps by default.
    public func outputReplicaCatalog(label: String) -> String { file("\(label)-0.replicas.db") }

    public func jobFolder(_ index: Int) -> String {
        jobsRoot + "/" + Self.threeDigits(index / 1000)
    }

    public func record(_ index: Int, _ id: String, attempt: Int) -> String { attemptFile(index, id, "out", attempt) }
    public func stdout(_ index: Int, _ id: String, attempt: Int) -> String { attemptFile(index, id, "stdout", attempt) }
    public func stderr(_ index: Int, _ id: String, attempt: Int) -> String { attemptFile(index, id, "stderr", attempt) }
    /// A clustered job's task list for one attempt (`<id>.in.AAA`, as Pegasus's `merge_*.in`).
    public func taskList(_ index: Int, _ id: String, attempt: Int) -> String { attemptFile(index, id, "in", attempt) }

    /// The same paths relative to the run directory, as provenance stores them.
    public func relative(_ path: String) -> String {
        // Byte by byte: no string made for the prefix, no walk over characters to drop it.
        let root = runDirectory.utf8, bytes = path.utf8
        guard bytes.count > root.count, bytes.starts(with: root),
              bytes[bytes.index(bytes.startIndex, offsetBy: root.count)] == UInt8(ascii: "/") else { return path }
        return String(decoding: bytes.dropFirst(root.count + 1), as: UTF8.self)
    }

    /// Whether `path` is a Skein run directory (it has a plan).
    public static func isRunDirectory(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(planFile))
    }

    private func attemptFile(_ index: Int, _ id: String, _ kind: String, _ attempt: Int) -> String {
        jobFolder(index) + "/\(id).\(kind).\(Self.threeDigits(attempt))"
    }

    /// `String(format: "%03d", n)` without Foundation's formatter (several calls per job).
    static func threeDigits(_ n: Int) -> String {
        let digits = String(n)
        return n >= 0 && digits.count < 3 ? String(repeating: "0", count: 3 - digits.count) + digits : digits
    }
}
