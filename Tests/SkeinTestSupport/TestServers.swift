import Foundation

/// The real servers of `scripts/test-servers.sh` (HTTP, HTTPS, OpenSSH), as its export lines
/// describe them. `scripts/test.sh` starts one set for the whole suite and passes the lines
/// on in the environment; a test run alone (`swift test --filter`) has none, so this process
/// starts its own set per kind, once, under a temporary folder, and the launcher's watchdog
/// stops it and removes the folder once this process is gone (however it ends). One
/// launcher for the suite, a test run alone and the benchmarks: the same servers everywhere.
public final class TestServers: @unchecked Sendable {
    public enum Kind: String, CaseIterable, Sendable { case http, https, ssh }

    /// `SKEIN_TEST_*` name → value.
    public let values: [String: String]

    public static let script = TestFixtures.repository.appendingPathComponent("scripts/test-servers.sh").path

    init(values: [String: String]) { self.values = values }

    public subscript(_ name: String) -> String? { values[name] }

    /// The folder the web servers serve.
    public var root: String? { values["SKEIN_TEST_HTTP_ROOT"] }

    /// A set that runs `kind`: the suite's (environment) when it has one, else this process's own.
    public static func serving(_ kind: Kind) throws -> TestServers {
        let environment = ProcessInfo.processInfo.environment
        if environment[kind.marker] != nil {
            let servers = TestServers(values: environment.filter { $0.key.hasPrefix("SKEIN_TEST_") })
            try servers.checkAnswers(kind)
            return servers
        }
        return try ownLock.withLock {
            if let started = own[kind] { return started }
            let started = try start(kind)
            own[kind] = started
            return started
        }
    }

    private static let ownLock = NSLock()
    nonisolated(unsafe) private static var own: [Kind: TestServers] = [:]

    private static func start(_ kind: Kind) throws -> TestServers {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-test-servers-\(getpid())-\(kind.rawValue)").path
        let started = try launcher(["start", directory, kind.rawValue], environment: ["SKEIN_TEST_SERVERS_OWNER=\(getpid())"])
        guard started.status == 0 else {
            throw missingRealPart("scripts/test-servers.sh could not start the \(kind.rawValue) server: \(started.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return TestServers(values: parse(started.stdout))
    }

    /// Runs scripts/test-servers.sh with `posix_spawn` and `waitpid`, not Foundation's
    /// `Process`: on Linux its `waitUntilExit` was seen to hang on this script (its exit never
    /// noticed, the script left a zombie) while the servers it starts live on.
    static func launcher(_ arguments: [String], environment extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("skein-test-servers-\(UUID().uuidString)").path
        let outPath = base + ".out", errPath = base + ".err"
        defer { unlink(outPath); unlink(errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let names = Set(extra.map { $0.prefix { $0 != "=" } })
        let environment = ProcessInfo.processInfo.environment.filter { !names.contains(Substring($0.key)) }.map { "\($0.key)=\($0.value)" } + extra
        var argv: [UnsafeMutablePointer<CChar>?] = ([script] + arguments).map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, script, &actions, nil, &argv, &envp)
        guard spawned == 0 else { throw missingRealPart("cannot run \(script): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exited, (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "", (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    /// `export NAME=VALUE` lines → NAME: VALUE.
    static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count)
            guard let equals = pair.firstIndex(of: "=") else { continue }
            values[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return values
    }

    /// The suite's servers must be up: variables that name a dead server are a broken setup,
    /// a failure, never a skip.
    private func checkAnswers(_ kind: Kind) throws {
        guard let port = port(kind) else { throw Broken("\(kind.marker) is set but gives no port: see scripts/test-servers.sh env DIR") }
        guard Self.answers(port) else {
            throw Broken("no \(kind.rawValue) server answers on 127.0.0.1:\(port) (\(kind.marker)): start it again with scripts/test-servers.sh, or unset the SKEIN_TEST_* variables")
        }
    }

    /// The environment names servers that are not there.
    public struct Broken: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The port `kind` listens on.
    public func port(_ kind: Kind) -> Int? {
        switch kind {
        case .ssh: return values["SKEIN_TEST_SSH_PORT"].flatMap { Int($0) }
        case .http, .https: return values[kind.marker].flatMap { URLComponents(string: $0)?.port }
        }
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func answers(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

extension TestServers.Kind {
    /// The variable that says the suite's set runs this kind.
    var marker: String {
        switch self {
        case .http: return "SKEIN_TEST_HTTP_URL"
        case .https: return "SKEIN_TEST_HTTPS_URL"
        case .ssh: return "SKEIN_TEST_SSH_PORT"
        }
    }
}
