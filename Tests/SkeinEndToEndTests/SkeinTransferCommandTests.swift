import Foundation
import SkeinTestSupport
import XCTest

/// The `skein-transfer` executable on pegasus-transfer's own input format, against a real
/// HTTP server: what a batch node runs where the engine's in-process transfers cannot reach.
final class SkeinTransferCommandTests: XCTestCase {
    func testMovesAPegasusTransferListAndReportsFailuresWithExitOne() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-xfer-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try FileManager.default.createDirectory(atPath: scratch + "/served", withIntermediateDirectories: true)
        for i in 0..<50 { try "file \(i)\n".write(toFile: scratch + "/served/f\(i).txt", atomically: true, encoding: .utf8) }
        let server = try LocalHTTPServer(root: scratch + "/served", tls: false, scratch: scratch)
        var entries: [[String: Any]] = [["type": "mkdir", "id": 1, "target": ["site_label": "local", "url": "file://\(scratch)/made/deep"]]]
        for i in 0..<50 {
            entries.append(["type": "transfer", "id": i + 1, "lfn": "f\(i).txt", "linkage": "input",
                            "src_urls": [["site_label": "web", "url": server.url("f\(i).txt"), "priority": 10]],
                            "dest_urls": [["site_label": "local", "url": "file://\(scratch)/out/f\(i).txt"]]])
        }
        entries.append(["type": "transfer", "id": 99, "lfn": "gone.txt", "src_urls": [["site_label": "web", "url": server.url("gone.txt")]],
                        "dest_urls": [["site_label": "local", "url": "file://\(scratch)/out/gone.txt"]]])
        let list = scratch + "/list.json"
        try JSONSerialization.data(withJSONObject: entries).write(to: URL(fileURLWithPath: list))
        let binary = SkeinBinary.url.deletingLastPathComponent().appendingPathComponent("skein-transfer")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw missingRealPart("skein-transfer is not built (swift build builds it)") }

        let result = try SkeinBinary.runProgram(binary, ["-f", list, "-n", "4", "-m", "1"])
        XCTAssertEqual(result.status, 1, "one file failed: \(result.stdout)")
        for i in 0..<50 { XCTAssertEqual(try String(contentsOfFile: scratch + "/out/f\(i).txt", encoding: .utf8), "file \(i)\n") }
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/made/deep"))
        XCTAssertTrue(result.stdout.contains("gone.txt: failed after 1 tries: \(server.url("gone.txt")): HTTP 404"), result.stdout)
        XCTAssertTrue(result.stdout.contains("Stats: 50 files, "), result.stdout)
        XCTAssertTrue(result.stdout.contains(", 1 failed"), result.stdout)

        let bad = try SkeinBinary.runProgram(binary, ["-f", scratch + "/served/f0.txt"])
        XCTAssertEqual(bad.status, 2, "not a transfer list: bad input")
        XCTAssertTrue(bad.stderr.contains("pegasus-transfer's format") || bad.stderr.contains("JSON"), bad.stderr)
    }
}
