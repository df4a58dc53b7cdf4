/// Another engine holds the run's lock: starting one more would only fail, so the command
/// says so before it starts anything (a detached start used to report "engine started"
/// and exit 0, then the new engine died on the lock). Its own exit code (`exitCode`), since
/// the input is fine and nothing failed: the run is busy.
public struct RunBusy: Error, CustomStringConvertible, Sendable {
    public let runDirectory: String
    /// The documented exit code of a command refused because the run is busy.
    public static let exitCode: Int32 = 5

    public var description: String {
        "an engine is already running \(runDirectory): follow it with `skein status \(runDirectory)`, or steer it with `skein halt`, `skein resume` or `skein retry`"
    }
}
