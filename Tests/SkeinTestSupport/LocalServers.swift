import Foundation

/// A test's view of the real HTTP or HTTPS server of `TestServers` (Python's threading
/// server; a self-signed certificate for https): the test's own folder, linked into the
/// server's root under a name of its own, so tests share one server yet see only their files
/// and count only their requests. The link goes away when this is released.
public final class LocalHTTPServer: @unchecked Sendable {
    /// The test's folder the URLs point into.
    public let root: String
    public let port: Int
    public let scheme: String
    /// The certificate clients must trust (https).
    public let caFile: String?
    /// One line per request the server received (its path), every test's.
    public let requestLog: String
    /// The base URL of this test's folder.
    private let base: String
    private let prefix: String
    private let link: String
    private let servers: TestServers

    /// `bytesPerSecond` throttles every response body from this folder (a large transfer that
    /// takes a while, for tests that kill the engine in the middle of one, or that check small
    /// files are not held behind it). `scratch` is kept for callers; nothing is written there.
    public init(root: String, tls: Bool, scratch: String, bytesPerSecond: Int? = nil) throws {
        let kind: TestServers.Kind = tls ? .https : .http
        servers = try TestServers.serving(kind)
        self.root = root
        scheme = kind.rawValue
        let name = "SKEIN_TEST_\(scheme.uppercased())"
        guard let url = servers[name + "_URL"], let log = servers[name + "_LOG"], let port = servers.port(kind), let served = servers.root else {
            throw TestServers.Broken("the \(scheme) server's variables are incomplete (\(name)_URL, \(name)_LOG, SKEIN_TEST_HTTP_ROOT): see scripts/test-servers.sh")
        }
        self.port = port
        requestLog = log
        caFile = tls ? servers["SKEIN_TEST_CA_FILE"] : nil
        // The server throttles a first path segment ending in -bpsN.
        prefix = "t\(UUID().uuidString.prefix(8).lowercased())" + (bytesPerSecond.map { "-bps\($0)" } ?? "")
        link = served + "/" + prefix
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: root)
        base = url + "/" + prefix
    }

    deinit { try? FileManager.default.removeItem(atPath: link) }

    public func url(_ path: String) -> String { base + "/" + path }

    /// How many requests for `path` (in this test's folder) the server received so far.
    public func requests(_ path: String) -> Int {
        let wanted = "/\(prefix)/\(path)"
        return ((try? String(contentsOfFile: requestLog, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0 == wanted }.count
    }
}

/// The real OpenSSH sshd of `TestServers` on 127.0.0.1 and a high port, accepting one
/// generated key (`privateKey`) for the current user, with the sftp subsystem; `knownHosts`
/// holds its host key. Paths in its URLs are absolute paths on this machine.
public final class LocalSSHServer: @unchecked Sendable {
    public let port: Int
    public let user: String
    public let privateKey: String
    public let knownHosts: String
    private let servers: TestServers

    /// `scratch` is kept for callers; nothing is written there.
    public init(scratch: String) throws {
        servers = try TestServers.serving(.ssh)
        guard let port = servers.port(.ssh), let user = servers["SKEIN_TEST_SSH_USER"], let key = servers["SKEIN_TEST_SSH_KEY"],
              let knownHosts = servers["SKEIN_TEST_SSH_KNOWN_HOSTS"] else {
            throw TestServers.Broken("the ssh server's variables are incomplete (SKEIN_TEST_SSH_PORT, _USER, _KEY, _KNOWN_HOSTS): see scripts/test-servers.sh")
        }
        self.port = port
        self.user = user
        privateKey = key
        self.knownHosts = knownHosts
    }

    /// `scheme://user@127.0.0.1:port/absolute/path`.
    public func url(_ scheme: String, _ absolutePath: String) -> String { "\(scheme)://\(user)@127.0.0.1:\(port)\(absolutePath)" }
}
