/// How a command that needs an engine starts one when none is alive.
public enum EngineStart: Sendable, Equatable {
    /// A new engine process, in its own session, from this `skein` executable (the CLI's
    /// default and the TUI's way: the run outlives them), with `environment` (nil: this
    /// process's).
    case detached(executable: String, environment: [String: String]? = nil)
    /// This process becomes the engine and runs the run to the end (`--batch`).
    case foreground
}

/// What a control command did.
public enum ControlOutcome: Sendable, Equatable {
    /// Sent to the run's live engine (it acts within a second).
    case sent
    /// No engine runs the run, and the command needs one (halt, kill, remove).
    case noEngine
    /// A detached engine was started.
    case started(pid: Int32)
    /// The engine ran in this process and ended with this exit code.
    case ran(exitCode: Int32)
}
