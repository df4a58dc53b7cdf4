#if canImport(Glibc)
import Glibc
#endif
import CSpawn
import Foundation

/// The engine's end of one `skein-spawner` process: starts it on a Unix socket, sends launch
/// requests, reads its events. The wire format, and why the spawner exists at all, are in
/// `CSpawn/include/skein_spawner_protocol.h`.
final class SpawnerConnection: @unchecked Sendable {
    let pid: pid_t
    private let socket: Int32
    /// Signalled once the spawner has exited and its events were all delivered.
    let eventsRead = DispatchSemaphore(value: 0)

    /// `skein-spawner` beside the running executable, or `$SKEIN_SPAWNER` (`none` turns the
    /// spawner off, and jobs are started by the engine itself).
    static func defaultPath() -> String? {
        if let chosen = ProcessInfo.processInfo.environment["SKEIN_SPAWNER"], !chosen.isEmpty {
            return chosen == "none" ? nil : chosen
        }
        guard let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        return ((me as NSString).deletingLastPathComponent as NSString).appendingPathComponent("skein-spawner")
    }

    /// Starts the spawner at `path`; nil when it cannot be started.
    init?(path: String) {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, ends[1], 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        skein_spawn_file_actions_addclosefrom(&actions, 3)
        var child: pid_t = 0
        let result = withCStrings([path]) { argv in
            withCStrings(ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }) { env in
                posix_spawn(&child, path, &actions, nil, argv, env)
            }
        }
        Glibc.close(ends[1])
        guard result == 0 else {
            Glibc.close(ends[0])
            return nil
        }
        pid = child
        socket = ends[0]
    }

    deinit {
        Glibc.close(socket)
        received.deallocate()
    }

    /// Tells the spawner no request follows: it exits when it reads that.
    func close() {
        Glibc.shutdown(socket, Int32(SHUT_WR))
    }

    /// Sends one launch request; false when the spawner is gone. `slots`: the request takes
    /// one of the pool's slots, and waits in the spawner while they are all taken.
    func send(_ spec: LaunchSpec, newSession: Bool, slots: SlotPool? = nil) -> Bool {
        // Built in one buffer, the size in front, sent with one call: this runs once per job.
        var message: [UInt8] = [0, 0, 0, 0]
        message.reserveCapacity(4096)
        func add(_ field: String) {
            // Copied as a block when contiguous (native strings are), NULs dropped.
            var field = field
            let copied = field.withUTF8 { bytes -> Bool in
                guard let base = bytes.baseAddress, memchr(base, 0, bytes.count) == nil else { return false }
                message.append(contentsOf: bytes)
                return true
            }
            if !copied { message += field.utf8.filter { $0 != 0 } }
            message.append(0)
        }
        let mode = newSession ? "session" : slots?.requestMode ?? "group"
        for field in [mode, spec.executable, spec.workingDirectory, spec.stdin ?? "",
                      spec.stdout, spec.stderr == spec.stdout ? "" : spec.stderr, String(spec.arguments.count + 1),
                      spec.executable] {
            add(field)
        }
        for field in spec.arguments { add(field) }
        for field in spec.environment { add(field) }
        return writeRequest(&message)
    }

    /// Cancels request number `request` if it still waits for a slot (its answer is then
    /// FAILED with ECANCELED); false when the spawner is gone.
    func cancel(request: Int32) -> Bool {
        var message: [UInt8] = [0, 0, 0, 0] + Array("cancel:\(request)".utf8) + [0]
        return writeRequest(&message)
    }

    /// Fills in the byte count `message` starts with (4 bytes left for it) and sends it.
    private func writeRequest(_ message: inout [UInt8]) -> Bool {
        var size = UInt32(message.count - 4)
        withUnsafeBytes(of: &size) { message.replaceSubrange(0..<4, with: $0) }
        return write(message)
    }

    private func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.send(socket, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
    }

    /// Events read from the socket and not handed out yet, `received[start..<end]`: one
    /// `read` takes whatever the spawner has sent (a short job's start and end arrive
    /// together). Touched only by the events thread.
    private let received = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * MemoryLayout<skein_spawner_event>.size,
                                                                  alignment: MemoryLayout<skein_spawner_event>.alignment)
    private var start = 0, end = 0

    /// Blocks for the next event; nil once the spawner has exited.
    func nextEvent() -> skein_spawner_event? {
        let size = MemoryLayout<skein_spawner_event>.size
        while end - start < size {
            if start > 0 {
                // A partial event moves to the front (rare: the spawner sends whole events).
                if end > start { received.baseAddress!.copyMemory(from: received.baseAddress! + start, byteCount: end - start) }
                end -= start
                start = 0
            }
            let n = read(socket, received.baseAddress! + end, received.count - end)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            end += n
        }
        var event = skein_spawner_event()
        withUnsafeMutableBytes(of: &event) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: received[start..<(start + size)])) }
        start += size
        return event
    }

    /// Reaps the exited spawner and describes how it ended.
    func reap() -> String {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? "exit code \((status >> 8) & 0xff)" : "signal \(signal)"
    }
}
