#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One engine per run: an engine holds an exclusive `flock` on `engine.lock` for as long as
/// it lives and writes its pid into it; the file stays behind when it dies, and the kernel
/// drops the lock with the process (even after `kill -9`). Clients ask `state` before
/// sending a command or starting an engine.
public final class EngineLock: @unchecked Sendable {
    public struct State: Codable, Sendable, Equatable {
        public var alive: Bool
        /// The pid the engine wrote into the lock file (the last one, when it is dead).
        public var pid: Int?

        public init(alive: Bool, pid: Int?) {
            self.alive = alive
            self.pid = pid
        }
    }

    private let fd: Int32

    /// Takes the run's lock for this process, or says which engine holds it.
    public init(runDirectory: String) throws {
        let path = RunLayout(runDirectory: runDirectory).lockFile
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            if fd >= 0 { close(fd) }
            let other = Self.recordedPID(path).map(String.init) ?? "?"
            throw RunFormatError("another engine is already running \(runDirectory) (pid \(other))")
        }
        ftruncate(fd, 0)
        let pidText = Array("\(getpid())\n".utf8)
        _ = pidText.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Whether an engine holds the run's lock right now, and its pid.
    public static func state(runDirectory: String) -> State {
        let path = RunLayout(runDirectory: runDirectory).lockFile
        let pid = recordedPID(path)
        // Read-write as the engine opens it (an exclusive lock over NFS needs write access);
        // read-only when the run belongs to someone else.
        var fd = open(path, O_RDWR | O_CLOEXEC)
        if fd < 0 { fd = open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return State(alive: false, pid: nil) }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return State(alive: false, pid: pid)
        }
        return State(alive: true, pid: pid)
    }

    public static func isHeld(runDirectory: String) -> Bool { state(runDirectory: runDirectory).alive }

    private static func recordedPID(_ path: String) -> Int? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}
