import Foundation

/// The user-level list of every Skein run, so the TUI and `skein status` can show all runs
/// without searching the disk. One small SQLite file (`registry.db`) under
/// `$SKEIN_STATE_DIR`, else `$XDG_STATE_HOME/skein`, else `~/.local/state/skein`. Many engines
/// may update it at once, so each call is one short transaction with a busy timeout, and the
/// journal mode follows `JournalPolicy` (home directories are often on NFS).
public final class RunRegistry: @unchecked Sendable {
    /// One registered run.
    public struct Run: Sendable, Equatable {
        public var label: String
        /// Absolute run directory: the registry's key.
        public var runDir: String
        public var wfUUID: String?
        public var state: RunState
        public var started: Double
        public var finished: Double?
        public var updated: Double
    }

    /// Path of the registry database.
    public let path: String
    private let db: SQLiteDatabase
    private let lock = NSLock()

    /// The registry folder for an environment (`SKEIN_STATE_DIR`, `XDG_STATE_HOME`, `HOME`).
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["SKEIN_STATE_DIR"], !dir.isEmpty { return dir }
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") { return xdg + "/skein" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/state/skein"
    }

    /// Opens (creating folder and file if needed) the registry in `directory`.
    public init(directory: String = RunRegistry.defaultDirectory(), journal: JournalPolicy = .automatic) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = (directory as NSString).appendingPathComponent("registry.db")
        db = try SQLiteDatabase(path: path, busyTimeout: 10)
        // Best effort: another process may hold the file; the mode persists once set.
        _ = try? db.setJournalMode(journal.resolve(forDatabaseAt: path))
        try db.execute("""
            CREATE TABLE IF NOT EXISTS runs (
              run_dir TEXT NOT NULL PRIMARY KEY,
              label TEXT NOT NULL,
              wf_uuid TEXT,
              state TEXT NOT NULL,
              started REAL NOT NULL,
              finished REAL,
              updated REAL NOT NULL);
            PRAGMA user_version = 1;
            """)
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock(); defer { lock.unlock() }
        return try body()
    }

    /// Adds a run, or resets the entry of a run directory that is reused.
    public func register(label: String, runDir: String, wfUUID: String?, state: RunState, started: Double) throws {
        try locked {
            try db.run("""
                INSERT INTO runs (run_dir, label, wf_uuid, state, started, finished, updated)
                VALUES (?, ?, ?, ?, ?, NULL, ?)
                ON CONFLICT (run_dir) DO UPDATE SET label = excluded.label, wf_uuid = excluded.wf_uuid,
                  state = excluded.state, started = excluded.started, finished = NULL, updated = excluded.updated
                """, [runDir, label, wfUUID, state.rawValue, started, StampedeSchema.currentTime()])
        }
    }

    /// Sets a run's state (and its end time when given). Returns false for an unknown run.
    @discardableResult
    public func update(runDir: String, state: RunState, finished: Double? = nil) throws -> Bool {
        try locked {
            try db.run("""
                UPDATE runs SET state = ?, finished = coalesce(?, finished), updated = ? WHERE run_dir = ?
                """, [state.rawValue, finished, StampedeSchema.currentTime(), runDir])
            return db.changes == 1
        }
    }

    /// Forgets a run (its files are not touched).
    public func remove(runDir: String) throws {
        try locked { try db.run("DELETE FROM runs WHERE run_dir = ?", [runDir]) }
    }

    /// Every registered run, newest first.
    public func list() throws -> [Run] {
        try locked {
            try db.query("SELECT label, run_dir, wf_uuid, state, started, finished, updated FROM runs ORDER BY started DESC, run_dir")
                .map { row in
                    Run(label: row[0].string ?? "", runDir: row[1].string ?? "", wfUUID: row[2].string,
                        state: RunState(rawValue: row[3].string ?? ""), started: row[4].double ?? 0,
                        finished: row[5].double, updated: row[6].double ?? 0)
                }
        }
    }

    /// The entry for one run directory, if registered.
    public func run(at runDir: String) throws -> Run? {
        try list().first { $0.runDir == runDir }  // the registry holds hundreds of rows, not millions
    }
}

/// A run's lifecycle state as the registry records it. Open-ended (a string) so newer
/// engines can add states without breaking older readers.
public struct RunState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let planned = RunState(rawValue: "planned")
    public static let running = RunState(rawValue: "running")
    public static let succeeded = RunState(rawValue: "succeeded")
    public static let failed = RunState(rawValue: "failed")
    public static let halted = RunState(rawValue: "halted")
}
