import Foundation
import SkeinKickstart
import SkeinTestSupport
import XCTest
@testable import SkeinTransfer

/// Transfers against real servers on loopback (Python's HTTP server, with TLS; OpenSSH's
/// sshd for scp and sftp) and real local files.
final class TransferEngineTests: XCTestCase {
    var scratch = ""
    var served = ""

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-transfer-\(UUID().uuidString.prefix(8))").path
        served = scratch + "/served"
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    /// Runs requests on one engine and returns their outcomes in request order.
    func transfer(_ requests: [TransferRequest], _ settings: TransferSettings) -> [TransferOutcome] {
        let engine = TransferEngine(settings: settings)
        let results = Results(count: requests.count)
        for (i, request) in requests.enumerated() { engine.start(request) { results.set(i, $0) } }
        XCTAssertTrue(results.wait(seconds: 60), "every transfer ended")
        engine.shutdown()
        return results.all()
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = served + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func leftovers(_ folder: String) -> [String] {
        ((FileManager.default.enumerator(atPath: folder)?.allObjects as? [String]) ?? []).filter { $0.contains(".skein-") }
    }

    func testHTTPDownloadsManyFilesVerifiedAndWhole() throws {
        let server = try LocalHTTPServer(root: served, tls: false, scratch: scratch)
        var requests: [TransferRequest] = []
        for i in 0..<200 {
            _ = try file("in/f\(i).txt", String(repeating: "line \(i)\n", count: i + 1))
            requests.append(TransferRequest(source: server.url("in/f\(i).txt"), destination: scratch + "/out/deep/f\(i).txt", computeSHA256: true))
        }
        let outcomes = transfer(requests, TransferSettings(concurrent: 8))
        for (i, outcome) in outcomes.enumerated() {
            XCTAssertNil(outcome.error, "\(outcome.error!)")
            let expected = String(repeating: "line \(i)\n", count: i + 1)
            XCTAssertEqual(try String(contentsOfFile: scratch + "/out/deep/f\(i).txt", encoding: .utf8), expected)
            XCTAssertEqual(outcome.sha256, SHA256.hash(Array(expected.utf8)))
            XCTAssertEqual(outcome.bytes, Int64(expected.utf8.count))
            XCTAssertEqual(outcome.method, "http")
        }
        XCTAssertEqual(leftovers(scratch + "/out"), [], "no temporary file is left")
    }

    func testHTTPSTrustsTheGivenCertificateOnly() throws {
        let server = try LocalHTTPServer(root: served, tls: true, scratch: scratch)
        _ = try file("secret.txt", "tls\n")
        let trusted = transfer([TransferRequest(source: server.url("secret.txt"), destination: scratch + "/ok.txt")], TransferSettings(caFile: server.caFile))
        XCTAssertNil(trusted[0].error)
        XCTAssertEqual(try String(contentsOfFile: scratch + "/ok.txt", encoding: .utf8), "tls\n")
        let untrusted = transfer([TransferRequest(source: server.url("secret.txt"), destination: scratch + "/no.txt")], TransferSettings(tries: 3, backoff: 0.01))
        XCTAssertEqual(untrusted[0].error?.kind, .denied, "\(String(describing: untrusted[0].error))")
        XCTAssertEqual(untrusted[0].attempts, 1, "a certificate that is not trusted is not tried again")
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/no.txt"))
    }

    func testFailuresSayWhatAndWhereInOneLine() throws {
        let server = try LocalHTTPServer(root: served, tls: false, scratch: scratch)
        _ = try file("data.txt", "real content\n")
        let closedPort = try closedLocalPort()
        let outcomes = transfer([
            TransferRequest(source: server.url("missing.txt"), destination: scratch + "/a"),
            TransferRequest(source: "http://127.0.0.1:\(closedPort)/x", destination: scratch + "/b"),
            TransferRequest(source: server.url("data.txt"), destination: scratch + "/c", expectedSHA256: String(repeating: "0", count: 64)),
            TransferRequest(source: "ftp://127.0.0.1/x", destination: scratch + "/d"),
            TransferRequest(source: server.url("data.txt"), destination: "https://127.0.0.1/upload"),
        ], TransferSettings(tries: 3, backoff: 0.01, connectTimeout: 2))
        XCTAssertEqual(outcomes[0].error, TransferError(.notFound, "\(server.url("missing.txt")): HTTP 404"))
        XCTAssertEqual(outcomes[0].attempts, 1)
        XCTAssertEqual(outcomes[1].error?.kind, .unreachable)
        XCTAssertEqual(outcomes[1].attempts, 3, "a refused connection is tried again, with backoff")
        XCTAssertTrue(outcomes[1].error!.message.hasPrefix("http://127.0.0.1:\(closedPort)/x: "), outcomes[1].error!.message)
        XCTAssertEqual(outcomes[2].error?.kind, .integrity)
        XCTAssertTrue(outcomes[2].error!.message.contains("sha256 is \(SHA256.hash(Array("real content\n".utf8))), the catalog says 000"), outcomes[2].error!.message)
        XCTAssertEqual(outcomes[3].error?.kind, .unsupported)
        XCTAssertTrue(outcomes[3].error!.message.contains("does not transfer ftp:// URLs"), outcomes[3].error!.message)
        XCTAssertEqual(outcomes[4].error?.kind, .unsupported)
        for name in ["a", "b", "c"] { XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/" + name), name) }
        XCTAssertEqual(leftovers(scratch), [])
        for outcome in outcomes { XCTAssertFalse(outcome.error!.message.contains("\n")) }
    }

    func testSFTPAndSCPDownloadAndUpload() throws {
        let ssh = try LocalSSHServer(scratch: scratch)
        let settings = TransferSettings(tries: 1, sshPrivateKey: ssh.privateKey, sshKnownHosts: ssh.knownHosts)
        let source = try file("remote.txt", "over ssh\n")
        let local = try file("local.txt", "going up\n")
        let outcomes = transfer([
            TransferRequest(source: ssh.url("sftp", source), destination: scratch + "/got/sftp.txt", computeSHA256: true),
            TransferRequest(source: ssh.url("scp", source), destination: scratch + "/got/scp.txt"),
            TransferRequest(source: local, destination: ssh.url("sftp", scratch + "/up/new/dir/sftp.txt")),
            TransferRequest(source: local, destination: ssh.url("scp", scratch + "/up/scp.txt")),
            TransferRequest(source: ssh.url("sftp", scratch + "/nothing-here"), destination: scratch + "/got/none.txt"),
        ], settings)
        for outcome in outcomes.prefix(4) { XCTAssertNil(outcome.error, "\(outcome.request.source): \(outcome.error!)") }
        XCTAssertEqual(try String(contentsOfFile: scratch + "/got/sftp.txt", encoding: .utf8), "over ssh\n")
        XCTAssertEqual(outcomes[0].sha256, SHA256.hash(Array("over ssh\n".utf8)))
        XCTAssertEqual(try String(contentsOfFile: scratch + "/got/scp.txt", encoding: .utf8), "over ssh\n")
        XCTAssertEqual(try String(contentsOfFile: scratch + "/up/new/dir/sftp.txt", encoding: .utf8), "going up\n", "missing folders are made")
        XCTAssertEqual(leftovers(scratch + "/up"), [], "the sftp upload was renamed into place")
        XCTAssertEqual(outcomes[2].method, "sftp")
        XCTAssertEqual(outcomes[2].bytes, 9)
        XCTAssertEqual(outcomes[4].error?.kind, .notFound, "\(String(describing: outcomes[4].error))")

        // A key the server does not know is refused, once.
        _ = try Command.run(["ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-m", "PEM", "-N", "", "-f", scratch + "/stranger"])
        let refused = transfer([TransferRequest(source: ssh.url("sftp", source), destination: scratch + "/got/refused.txt")],
                               TransferSettings(tries: 3, backoff: 0.01, sshPrivateKey: scratch + "/stranger", sshKnownHosts: ssh.knownHosts))
        XCTAssertEqual(refused[0].error?.kind, .denied, "\(String(describing: refused[0].error))")
        XCTAssertEqual(refused[0].attempts, 1)
    }

    func testLocalFilesAreLinkedOrCopied() throws {
        let source = try file("input.dat", "local bytes\n")
        let outcomes = transfer([
            TransferRequest(source: source, destination: scratch + "/hard/input.dat", linkMode: .hardLink),
            TransferRequest(source: "file://" + source, destination: scratch + "/soft/input.dat", linkMode: .symbolicLink),
            TransferRequest(source: source, destination: scratch + "/copy/input.dat", expectedSHA256: SHA256.hash(Array("local bytes\n".utf8)), linkMode: .hardLink),
            TransferRequest(source: source, destination: scratch + "/bad/input.dat", expectedSHA256: String(repeating: "f", count: 64)),
            TransferRequest(source: source, destination: scratch + "/badlink/input.dat", expectedSHA256: String(repeating: "f", count: 64), linkMode: .hardLink),
        ], TransferSettings())
        XCTAssertEqual(outcomes.map(\.method), ["hardlink", "symlink", "hardlink", "file", "file"])
        var a = stat(), b = stat()
        stat(source, &a)
        stat(scratch + "/hard/input.dat", &b)
        XCTAssertEqual(a.st_ino, b.st_ino, "a hard link on the same filesystem")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: scratch + "/soft/input.dat"), source)
        XCTAssertNil(outcomes[2].error, "a checksum is verified on the source, then the file linked")
        XCTAssertEqual(outcomes[2].sha256, SHA256.hash(Array("local bytes\n".utf8)))
        XCTAssertEqual(try String(contentsOfFile: scratch + "/copy/input.dat", encoding: .utf8), "local bytes\n")
        XCTAssertEqual(outcomes[3].error?.kind, .integrity)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/bad/input.dat"))
        XCTAssertEqual(outcomes[4].error?.kind, .integrity, "a link is not made to bytes that do not match")
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/badlink/input.dat"))
    }

    /// A port nothing listens on: bound, then closed.
    func closedLocalPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Outcomes collected from the engine's thread.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [Int: TransferOutcome] = [:]
    private let count: Int
    private let finished = DispatchSemaphore(value: 0)

    init(count: Int) { self.count = count }

    func set(_ index: Int, _ outcome: TransferOutcome) {
        let done = lock.withLock { () -> Bool in
            outcomes[index] = outcome
            return outcomes.count == count
        }
        if done { finished.signal() }
    }

    func wait(seconds: Double) -> Bool { finished.wait(timeout: .now() + seconds) == .success }

    func all() -> [TransferOutcome] { lock.withLock { (0..<count).compactMap { outcomes[$0] } } }
}
