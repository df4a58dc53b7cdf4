#if canImport(Glibc)
import Glibc
#endif

/// What ended an attempt. A process (local, or on a batch node) has a pid, a wait status
/// and rusage; work done inside the engine (a transfer, a sub-workflow) has none of these,
/// only whether it succeeded, an exit code if it has one, and when it ran.
public enum AttemptTermination: Sendable {
    case process(ProcessExit)
    /// `message` says why it failed (or what it did), for reports.
    case completed(succeeded: Bool, exitCode: Int32?, start: Double, end: Double, message: String?)

    /// Epoch seconds.
    public var start: Double {
        switch self {
        case .process(let exit): return exit.start
        case .completed(_, _, let start, _, _): return start
        }
    }

    public var end: Double {
        switch self {
        case .process(let exit): return exit.end
        case .completed(_, _, _, let end, _): return end
        }
    }

    public var duration: Double { end - start }

    /// The process's exit, when there was a process.
    public var process: ProcessExit? {
        if case .process(let exit) = self { return exit }
        return nil
    }

    /// The raw wait status kickstart records and provenance keep (`768` is exit 3). Work
    /// without a process reports its exit code as a process would have; a failure without
    /// one as exit 1.
    public var rawStatus: Int32 {
        switch self {
        case .process(let exit):
            return exit.rawStatus
        case .completed(let succeeded, let exitCode, _, _, _):
            return (exitCode ?? (succeeded ? 0 : 1)) << 8
        }
    }

    /// The resource usage, when a process ran (nil for work done in the engine).
    public var usage: rusage? { process?.usage }
}
