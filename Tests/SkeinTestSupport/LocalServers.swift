import Foundation

/// Real servers on this machine's loopback for the transfer tests, each in a folder of its
/// own and stopped when released: Python's threading HTTP server (with TLS and a
/// self-signed certificate made at start for https), and OpenSSH's sshd on a free high port
/// with generated host and user keys (scp and sftp). A missing program is a `missingRealPart`.
public final class LocalHTTPServer: @unchecked Sendable {
    public let root: String
    public let port: Int
    public let scheme: String
    /// The certificate clients must trust (https).
    public let caFile: String?
    /// One line per request received (its path), so tests count what reached the server.
    public let requestLog: String
    private let process: BackgroundProcess

    /// `bytesPerSecond` throttles every response body (a large transfer that takes a while,
    /// for tests that kill the engine in the middle of one).
    public init(root: String, tls: Bool, scratch: String, bytesPerSecond: Int? = nil) throws {
        self.root = root
        scheme = tls ? "https" : "http"
        requestLog = scratch + "/\(scheme).requests"
        var arguments = [Self.script, root, requestLog, String(bytesPerSecond ?? 0)]
        if tls {
            let cert = scratch + "/cert.pem", key = scratch + "/key.pem"
            let made = try Command.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                                        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
            guard made.status == 0 else { throw MissingRealPart("openssl could not make a certificate: \(made.stderr)") }
            arguments += [cert, key]
            caFile = cert
        } else {
            caFile = nil
        }
        let portFile = scratch + "/\(scheme).port"
        arguments.insert(portFile, at: 1)
        process = try BackgroundProcess(["python3", "-c"] + arguments)
        port = try Self.waitForPort(portFile, process: process)
    }

    public func url(_ path: String) -> String { "\(scheme)://127.0.0.1:\(port)/\(path)" }

    /// How many requests for `/path` the server received so far.
    public func requests(_ path: String) -> Int {
        ((try? String(contentsOfFile: requestLog, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0 == "/" + path }.count
    }

    /// Serves argv[2] on a free port written to argv[1], logging request paths to argv[3],
    /// bodies throttled to argv[4] bytes/s (0: not), with TLS when a cert and key follow.
    private static let script = """
        import http.server, ssl, sys, functools, time
        port_file, root, request_log, rate = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
        class Quiet(http.server.SimpleHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True
            def log_message(self, *args): pass
            def do_GET(self):
                with open(request_log, "a") as log: log.write(self.path + "\\n")
                super().do_GET()
            def copyfile(self, source, outputfile):
                if rate <= 0: return super().copyfile(source, outputfile)
                chunk = max(1, rate // 20)
                while True:
                    data = source.read(chunk)
                    if not data: break
                    outputfile.write(data)
                    time.sleep(0.05)
        http.server.ThreadingHTTPServer.request_queue_size = 128  # the default 5 drops SYNs of parallel clients
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=root))
        if len(sys.argv) > 5:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[5], sys.argv[6])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        with open(port_file + ".tmp", "w") as f: f.write(str(server.server_address[1]))
        import os; os.rename(port_file + ".tmp", port_file)
        server.serve_forever()
        """

    static func waitForPort(_ file: String, process: BackgroundProcess) throws -> Int {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: file, encoding: .utf8), let port = Int(text) { return port }
            guard process.isRunning else { throw MissingRealPart("the test server exited at start (python3 missing?)") }
            usleep(20_000)
        }
        throw MissingRealPart("the test server did not start within 20 s")
    }
}

/// OpenSSH's sshd on 127.0.0.1 and a free port, accepting one generated key for the
/// current user, with the sftp subsystem; `knownHosts` holds its host key.
public final class LocalSSHServer: @unchecked Sendable {
    public let port: Int
    public let user: String
    public let privateKey: String
    public let knownHosts: String
    private let process: BackgroundProcess

    public init(scratch: String) throws {
        let sshd = "/usr/sbin/sshd"
        guard FileManager.default.isExecutableFile(atPath: sshd) else {
            throw MissingRealPart("no \(sshd): install openssh-server (scripts/install-deps.sh does)")
        }
        user = ProcessInfo.processInfo.environment["USER"] ?? String(cString: getpwuid(getuid()).pointee.pw_name)
        let dir = scratch + "/sshd"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // ECDSA keys in PEM form: what libssh2 (libcurl's ssh) and OpenSSH 9 both accept.
        for (name, extra) in [("host", [String]()), ("user", ["-m", "PEM"])] {
            let made = try Command.run(["ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", "\(dir)/\(name)"] + extra)
            guard made.status == 0 else { throw MissingRealPart("ssh-keygen failed: \(made.stderr)") }
        }
        privateKey = dir + "/user"
        try FileManager.default.copyItem(atPath: dir + "/user.pub", toPath: dir + "/authorized_keys")
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        var chosen = 0
        var started: BackgroundProcess?
        for _ in 0..<20 {
            let candidate = Int.random(in: 20000...60000)
            try """
                Port \(candidate)
                ListenAddress 127.0.0.1
                HostKey \(dir)/host
                PidFile \(dir)/sshd.pid
                AuthorizedKeysFile \(dir)/authorized_keys
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PubkeyAuthentication yes
                PermitRootLogin prohibit-password
                StrictModes no
                UsePAM no
                Subsystem sftp internal-sftp
                LogLevel ERROR

                """.write(toFile: dir + "/sshd_config", atomically: true, encoding: .utf8)
            let p = try BackgroundProcess([sshd, "-D", "-e", "-f", dir + "/sshd_config"])
            if Self.waitUntilListening(candidate, process: p) {
                chosen = candidate
                started = p
                break
            }
            p.stop()
        }
        guard let started else { throw MissingRealPart("sshd did not start on a free port") }
        process = started
        port = chosen
        let hostKey = try String(contentsOfFile: dir + "/host.pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        knownHosts = dir + "/known_hosts"
        try "[127.0.0.1]:\(port) \(hostKey)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
    }

    /// `scheme://user@127.0.0.1:port/absolute/path`.
    public func url(_ scheme: String, _ absolutePath: String) -> String { "\(scheme)://\(user)@127.0.0.1:\(port)\(absolutePath)" }

    private static func waitUntilListening(_ port: Int, process: BackgroundProcess) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, process.isRunning {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            close(fd)
            if connected == 0 { return true }
            usleep(50_000)
        }
        return false
    }
}
