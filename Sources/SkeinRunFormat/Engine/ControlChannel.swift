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

    /// Client side: queue commands for the engine.
    public func send(_ commands: [Command]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let name = String(format: "%.6f-%d", Date().timeIntervalSince1970, getpid())
        let temporary = (directory as NSString).appendingPathComponent(".\(name).tmp")
        let final = (directory as NSString).appendingPathComponent("\(name).cmd")
        try (commands.map(\.line).joined(separator: "\n") + "\n").write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, final) == 0 else { throw RunFormatError("cannot queue the command in \(directory)") }
    }

    /// Engine side: takes every queued command, oldest first, and removes its file.
    public func receive() -> [Command] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var commands: [Command] = []
        for name in names.filter({ $0.hasSuffix(".cmd") }).sorted() {
            let path = (directory as NSString).appendingPathComponent(name)
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                commands += text.split(separator: "\n").compactMap(Command.init(line:))
            }
            unlink(path)
        }
        return commands
    }
}
