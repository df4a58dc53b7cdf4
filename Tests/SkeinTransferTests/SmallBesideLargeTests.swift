import Foundation
import SkeinTestSupport
import XCTest
@testable import SkeinTransfer

/// Small files from the same server as a large one do not wait for it: while a large
/// download is held in the middle of its body, small ones from the same host and port all
/// finish, and only then is the large one let through. The hold is a relay in front of the
/// real server (`TrickleProxy`) that trickles the first connection until released, so the
/// order is forced by events, not timing: a small file queued behind the large one's
/// connection would finish after it, and the order says so.
final class SmallBesideLargeTests: XCTestCase {
    var scratch = ""
    var served = ""

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-small-large-\(UUID().uuidString.prefix(8))").path
        served = scratch + "/served"
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    func testSmallHTTPFilesPassALargeOneFromTheSameServer() throws {
        let server = try LocalHTTPServer(root: served, tls: false, scratch: scratch)
        let proxy = try TrickleProxy(to: server.port)
        defer { proxy.stop() }
        try checkSmallFilesPassTheLargeOne(settings: TransferSettings(concurrent: 3), proxy: proxy) {
            server.url($0).replacingOccurrences(of: "127.0.0.1:\(server.port)/", with: "127.0.0.1:\(proxy.port)/")
        }
    }

    func testSmallHTTPSFilesPassALargeOneFromTheSameServer() throws {
        let server = try LocalHTTPServer(root: served, tls: true, scratch: scratch)
        let proxy = try TrickleProxy(to: server.port)
        defer { proxy.stop() }
        try checkSmallFilesPassTheLargeOne(settings: TransferSettings(concurrent: 3, caFile: server.caFile), proxy: proxy) {
            server.url($0).replacingOccurrences(of: "127.0.0.1:\(server.port)/", with: "127.0.0.1:\(proxy.port)/")
        }
    }

    func testSmallSFTPFilesPassALargeOneFromTheSameServer() throws {
        let ssh = try LocalSSHServer(scratch: scratch)
        let proxy = try TrickleProxy(to: ssh.port)
        defer { proxy.stop() }
        // The host key, known under the relay's port.
        let knownHosts = scratch + "/known_hosts"
        try String(contentsOfFile: ssh.knownHosts, encoding: .utf8).replacingOccurrences(of: "[127.0.0.1]:\(ssh.port) ", with: "[127.0.0.1]:\(proxy.port) ")
            .write(toFile: knownHosts, atomically: true, encoding: .utf8)
        let settings = TransferSettings(concurrent: 3, sshPrivateKey: ssh.privateKey, sshKnownHosts: knownHosts)
        try checkSmallFilesPassTheLargeOne(settings: settings, proxy: proxy) {
            ssh.url("sftp", self.served + "/" + $0).replacingOccurrences(of: "127.0.0.1:\(ssh.port)/", with: "127.0.0.1:\(proxy.port)/")
        }
    }

    /// One engine with fewer slots than files: the large file takes one, the small ones share
    /// the others (a connection each, or one reused after another).
    func checkSmallFilesPassTheLargeOne(settings: TransferSettings, proxy: TrickleProxy, url: (String) -> String) throws {
        let smallCount = 6
        for i in 0..<smallCount { try "small \(i)\n".write(toFile: served + "/small\(i).txt", atomically: true, encoding: .utf8) }
        // About 50 s at the trickle's pace: it does not end on its own before the small ones.
        // Each 4 KB block carries its number, so a block lost or misplaced shows.
        var large = Data(count: 8 << 20)
        for block in 0..<(large.count / 4096) {
            withUnsafeBytes(of: UInt32(block).littleEndian) { large.replaceSubrange(block * 4096..<block * 4096 + 4, with: $0) }
        }
        try large.write(to: URL(fileURLWithPath: served + "/large.bin"))
        let engine = TransferEngine(settings: settings)
        // The relay first: the engine's shutdown waits for the large file.
        defer { proxy.release(); engine.shutdown() }
        let order = CompletionOrder()
        let out = scratch + "/out"
        engine.start(TransferRequest(source: url("large.bin"), destination: out + "/large.bin")) { order.add("large", $0) }
        // Handshakes and headers are a few KB: past 256 KB, the body is flowing.
        XCTAssertTrue(waitFor { proxy.firstConnectionBytes > 256 * 1024 }, "the large download is under way, held mid-body")

        for i in 0..<smallCount {
            engine.start(TransferRequest(source: url("small\(i).txt"), destination: out + "/small\(i).txt")) { order.add("small\(i)", $0) }
        }
        XCTAssertTrue(waitFor { order.names.count >= smallCount }, "the small files finished: \(order.names)")
        XCTAssertFalse(order.names.contains("large"), "every small file finished while the large one was still held: \(order.names)")
        proxy.release()

        XCTAssertTrue(waitFor { order.names.count == smallCount + 1 }, "the large file finished once let through")
        for outcome in order.outcomes { XCTAssertNil(outcome.error, "\(outcome.request.source): \(outcome.error!)") }
        for i in 0..<smallCount { XCTAssertEqual(try String(contentsOfFile: out + "/small\(i).txt", encoding: .utf8), "small \(i)\n") }
        XCTAssertTrue(try Data(contentsOf: URL(fileURLWithPath: out + "/large.bin")) == large, "the large file is whole")
    }

    /// Polls `condition` until it holds or a generous deadline passes.
    func waitFor(seconds: Double = 60, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}

/// The order in which transfers finished, as the engine reports them.
final class CompletionOrder: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(name: String, outcome: TransferOutcome)] = []

    func add(_ name: String, _ outcome: TransferOutcome) { lock.withLock { entries.append((name, outcome)) } }
    var names: [String] { lock.withLock { entries.map(\.name) } }
    var outcomes: [TransferOutcome] { lock.withLock { entries.map(\.outcome) } }
}
