import Foundation

/// The run's output replica catalog, as Pegasus keeps it by default: a SQLite database
/// `<label>-0.replicas.db` in the run folder with the JDBCRC tables `rc_lfn`, `rc_pfn` and
/// `rc_meta` (the same tables the stampede schema carries), so a later plan (`--reuse`, or
/// Pegasus's own `pegasus-rc-client`) finds what this run registered.
public final class OutputReplicaCatalog {
    private let db: SQLiteDatabase

    public init(path: String) throws {
        db = try SQLiteDatabase(path: path)
        try db.execute("""
            CREATE TABLE IF NOT EXISTS rc_lfn (lfn_id INTEGER NOT NULL, lfn VARCHAR(245) NOT NULL, PRIMARY KEY (lfn_id),
                CONSTRAINT "UNIQUE_LFN" UNIQUE (lfn));
            CREATE TABLE IF NOT EXISTS rc_pfn (pfn_id INTEGER NOT NULL, lfn_id INTEGER NOT NULL, pfn VARCHAR(245) NOT NULL, site VARCHAR(245),
                PRIMARY KEY (pfn_id), FOREIGN KEY(lfn_id) REFERENCES rc_lfn (lfn_id) ON DELETE CASCADE,
                CONSTRAINT "UNIQUE_PFN" UNIQUE (lfn_id, pfn, site));
            CREATE TABLE IF NOT EXISTS rc_meta (lfn_id INTEGER NOT NULL, "key" VARCHAR(245) NOT NULL, value VARCHAR(245) NOT NULL,
                PRIMARY KEY (lfn_id, "key"), FOREIGN KEY(lfn_id) REFERENCES rc_lfn (lfn_id) ON DELETE CASCADE);
            """)
    }

    /// Registers one replica (again: the same lfn, pfn and site once; metadata replaced).
    public func register(lfn: String, pfn: String, site: String, metadata: [String: String]) throws {
        try db.transaction {
            try db.run("INSERT OR IGNORE INTO rc_lfn (lfn) VALUES (?)", [lfn])
            guard let id = try db.scalar("SELECT lfn_id FROM rc_lfn WHERE lfn = ?", [lfn]).int else { return }
            try db.run("INSERT OR IGNORE INTO rc_pfn (lfn_id, pfn, site) VALUES (?, ?, ?)", [id, pfn, site])
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
                try db.run(#"INSERT OR REPLACE INTO rc_meta (lfn_id, "key", value) VALUES (?, ?, ?)"#, [id, key, value])
            }
        }
    }
}
