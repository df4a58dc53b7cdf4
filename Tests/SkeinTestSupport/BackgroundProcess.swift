import Foundation

/// A long-running child (a test server) started with `posix_spawn` and ended with SIGTERM
/// and `waitpid`. Not Foundation's `Process`: on Linux its single monitor thread blocks in
/// `wait4` on a child that never exits, so every later `Process.waitUntilExit` (a
/// `Command.run` during the test) would hang for as long as the server lives.
public final class BackgroundProcess: @unchecked Sendable {
    public let pid: pid_t

    /// Starts `arguments` (found on PATH) with stdin, stdout and stderr on /dev/null.
    public init(_ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in Int32(0)...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var child: pid_t = 0
        let status = posix_spawnp(&child, arguments[0], &actions, nil, &argv, environ)
        guard status == 0 else { throw MissingRealPart("cannot start \(arguments[0]): \(String(cString: strerror(status)))") }
        pid = child
    }

    public var isRunning: Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    public func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    deinit { stop() }
}
