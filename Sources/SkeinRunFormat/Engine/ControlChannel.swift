import Foundation

/// Commands to a running engine, as files in `<run>/control/`: a client writes one file per
/// command (atomically, by rename) and the engine picks them up within a poll interval.
/// Files rather than a socket, because login nodes often share run directories over NFS and
/// a client may sit on another node than the engine.
public struct ControlChannel: Sendable {
    public enum Command: Equatable, Sendable {
        case halt, resume, remove
        case kill(String)
        case retry(String)

        public var line: String {
            switch self {
            case .halt: return "halt"
            case .resume: return "resume"
            case .remove: return "remove"
            case .kill(let job): return "kill \(job)"
            case .retry(let job): return "retry \(job)"
            }
        }

        public init?(line: Substring) {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            switch (parts.first, parts.count) {
            case ("halt", 1): self = .halt
            case ("resume", 1): self = .resume
            case ("remove", 1): self = .remove
            case ("kill", 2): self = .kill(parts[1])
            case ("retry", 2): self = .retry(parts[1])
            default: return nil
            }
        }
    }

    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// Client side: queue commands for the engine. The folder is made 0700 and each file
    /// 0600, whatever the umask.
    public func send(_ commands: [Command]) throws {
        if mkdir(directory, 0o700) == 0 { chmod(directory, 0o700) }
        let name = String(format: "%.6f-%d", Date().timeIntervalSince1970, getpid())
        let temporary = (directory as NSString).appendingPathComponent(".\(name).tmp")
        let final = (directory as NSString).appendingPathComponent("\(name).cmd")
        if access(directory, W_OK | X_OK) != 0 && (errno == EACCES || errno == EPERM) {
            throw RunFormatError("permission denied: \(directory) belongs to another user; only the run's owner can steer the run")
        }
        try PrivateFile.write(Data((commands.map(\.line).joined(separator: "\n") + "\n").utf8), to: temporary)
        guard rename(temporary, final) == 0 else { throw RunFormatError("cannot queue the command in \(directory)") }
    }

    /// A command file that was not acted on because another user wrote it.
    public struct Ignored: Equatable, Sendable {
        public var file: String
        public var owner: uid_t
    }

    /// Engine side: takes every queued command, oldest first, and removes its file. Only
    /// files owned by `owner` (the run's owner) or root count: anyone who could write into
    /// `control/` must not steer another user's run; the others are removed and returned in
    /// `ignored` for the log.
    public func receive(owner: uid_t = geteuid(), ignored: ((Ignored) -> Void)? = nil) -> [Command] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var commands: [Command] = []
        for name in names.filter({ $0.hasSuffix(".cmd") }).sorted() {
            let path = (directory as NSString).appendingPathComponent(name)
            defer { unlink(path) }
            let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { continue }
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            var info = stat()
            guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            guard info.st_uid == owner || info.st_uid == 0 else {
                ignored?(Ignored(file: path, owner: info.st_uid))
                continue
            }
            if let data = try? handle.readToEnd(), let text = String(data: data, encoding: .utf8) {
                commands += text.split(separator: "\n").compactMap(Command.init(line:))
            }
        }
        return commands
    }
}
