import SkeinRunFormat

/// The one place a run's engine settings are read and changed before an engine starts, so
/// every start (run, resume, retry, the TUI, a crash-resume) uses what the user asked for.
public enum RunSettings {
    /// The stored settings; the defaults for a run planned before settings were stored.
    public static func current(runDirectory: String) throws -> EngineSettings {
        try EngineSettings.read(runDirectory: runDirectory) ?? EngineSettings()
    }

    /// Applies `change` to the stored settings and stores the result, recording what changed
    /// and by which `command`; a run without stored settings gets them now (its first run).
    @discardableResult
    public static func update(runDirectory: String, with change: EngineSettingsChange, command: String) throws -> EngineSettings {
        let stored = try EngineSettings.read(runDirectory: runDirectory)
        if stored != nil && change.isEmpty { return stored! }
        return try EngineSettings.store(change.applied(to: stored ?? EngineSettings()), runDirectory: runDirectory, command: command)
    }
}
