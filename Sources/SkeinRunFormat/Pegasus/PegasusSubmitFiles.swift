import Foundation

/// The small files that make a Skein run directory look like a Pegasus submit directory to
/// `pegasus-statistics` / `pegasus-analyzer`: `braindump.yml`, and `monitord.started` /
/// `monitord.done`, which statistics reads to decide whether the database is complete
/// (started with a live pid and no done file = "still loading"). Formats follow
/// Pegasus.tools.utils.write_pid_file / isodate and Pegasus.monitoring.workflow.
public enum PegasusSubmitFiles {
    public static let braindumpFile = "braindump.yml"
    public static let monitordStartedFile = "monitord.started"
    public static let monitordDoneFile = "monitord.done"

    /// "name-0.dag" -> "name-0.stampede.db", the database name Pegasus derives from the dag.
    public static func databaseFileName(dag: String) -> String {
        let base = (dag as NSString).lastPathComponent
        let stem = base.range(of: ".dag").map { String(base[..<$0.lowerBound]) } ?? base
        return stem + ".stampede.db"
    }

    /// Writes `braindump.yml` into `submitDir` (atomically). With `createPropertiesFile`, also
    /// creates the properties file it names if missing (empty), which spares Pegasus's tools a
    /// "cannot access properties file" warning.
    public static func writeBraindump(_ braindump: Braindump, to submitDir: String,
                                      createPropertiesFile: Bool = true) throws {
        try write(braindump.yaml, to: submitDir, file: braindumpFile)
        if createPropertiesFile {
            let props = (submitDir as NSString).appendingPathComponent(braindump.properties)
            if !FileManager.default.fileExists(atPath: props) {
                try write("# Skein run: no Pegasus properties\n", to: submitDir, file: braindump.properties)
            }
        }
    }

    /// Writes `monitord.started` ("pid N" / "timestamp ISO") and removes a stale
    /// `monitord.done`, as pegasus-monitord does when it starts. `pid` should be the engine's:
    /// while it lives and no done file exists, statistics reports the run as still loading.
    public static func writeMonitordStarted(submitDir: String, pid: Int32 = ProcessInfo.processInfo.processIdentifier,
                                            timestamp: Double) throws {
        try write("pid \(pid)\ntimestamp \(isodate(timestamp))\n", to: submitDir, file: monitordStartedFile)
        try? FileManager.default.removeItem(atPath: (submitDir as NSString).appendingPathComponent(monitordDoneFile))
    }

    /// Writes `monitord.done` ("ISO-end duration") when the run has ended and the database is final.
    public static func writeMonitordDone(submitDir: String, start: Double, end: Double) throws {
        let line = "\(isodate(end)) \(String(format: "%.3f", (end.rounded(.down) - start.rounded(.down))))\n"
        try write(line, to: submitDir, file: monitordDoneFile)
    }

    /// Pegasus's `utils.isodate`: local time with a numeric offset, whole seconds,
    /// "2023-03-03T22:23:45-0800" (or "20230303T222345-0800" when `short`).
    public static func isodate(_ epoch: Double, short: Bool = false, timeZone: TimeZone = .current) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = short ? "yyyyMMdd'T'HHmmssxx" : "yyyy-MM-dd'T'HH:mm:ssxx"
        return formatter.string(from: Date(timeIntervalSince1970: epoch.rounded(.down)))
    }

    private static func write(_ text: String, to dir: String, file: String) throws {
        let path = (dir as NSString).appendingPathComponent(file)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
