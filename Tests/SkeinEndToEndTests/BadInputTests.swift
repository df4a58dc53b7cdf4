import Foundation
import SkeinTestSupport
import XCTest

/// Inputs that cannot be fetched, end to end: a missing file (HTTP 404), a host that refuses
/// connections, an sftp server that refuses our key, and a URL scheme Skein does not speak.
/// Each fails its stage-in attempt with one line naming the URL and why, and the run ends
/// (exit 1) instead of hanging; the jobs that needed the files never start.
final class BadInputTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-bad-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path]
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// A port nothing listens on (bound, then closed).
    func closedPort() throws -> Int {
        let out = try Command.run(["python3", "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        return try XCTUnwrap(Int(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    func testEachUnfetchableInputFailsItsStageInWithOneLine() throws {
        let served = scratch.appendingPathComponent("served").path
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        let http = try LocalHTTPServer(root: served, tls: false, scratch: scratch.path)
        let ssh = try LocalSSHServer(scratch: scratch.path)
        try "secret\n".write(toFile: served + "/there.txt", atomically: true, encoding: .utf8)
        // The engine's sftp key is the user's (~/.ssh): one the server does not know.
        let home = scratch.appendingPathComponent("home").path
        try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: true)
        XCTAssertEqual(try Command.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", home + "/.ssh/id_ed25519"]).status, 0)
        environment["HOME"] = home

        let urls = [
            http.url("missing.txt"),
            "http://127.0.0.1:\(try closedPort())/x.txt",
            ssh.url("sftp", served + "/there.txt"),
            "gsiftp://127.0.0.1/x.txt",
        ]
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.jobs = urls.indices.map { .init(id: "job\($0)", script: "cat in\($0).txt > out\($0).txt", outputs: ["out\($0).txt"], inputs: ["in\($0).txt"]) }
        _ = try wf.write()
        try ("pegasus: 5.0.4\nreplicas:\n" + urls.enumerated().map { "- {lfn: in\($0.offset).txt, pfns: [{site: remote, pfn: '\($0.element)'}]}\n" }.joined())
            .write(to: wf.directory.appendingPathComponent("replicas.yml"), atomically: true, encoding: .utf8)
        // One stage-in job per file, so each reports its own.
        try "pegasus.stagein.clusters = 4\n".write(to: wf.directory.appendingPathComponent("pegasus.properties"), atomically: true, encoding: .utf8)

        let started = Date()
        let result = try SkeinBinary.run(["run", "workflow.yml", "--batch"], environment: environment, in: wf.directory)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 120, "failures end the run, they do not hang it")
        let failures = result.stdout.split(separator: "\n").filter { $0.contains(" failed: ") && $0.contains("stage_in_") }
        func line(for url: String) -> String { failures.first { $0.contains(url) }.map(String.init) ?? "no line for \(url) in \(result.stdout)" }
        XCTAssertTrue(line(for: urls[0]).hasSuffix("failed: \(urls[0]): HTTP 404"), line(for: urls[0]))
        XCTAssertTrue(line(for: urls[1]).contains("failed: \(urls[1]): "), line(for: urls[1]))
        XCTAssertTrue(line(for: urls[1]).contains("(after 3 tries)") || line(for: urls[1]).lowercased().contains("connect"), line(for: urls[1]))
        XCTAssertTrue(line(for: urls[2]).contains("failed: \(urls[2]): "), line(for: urls[2]))
        XCTAssertTrue(line(for: urls[3]).contains("failed: \(urls[3]): Skein does not transfer gsiftp:// URLs"), line(for: urls[3]))
        XCTAssertEqual(failures.count, 4, result.stdout)
        for i in urls.indices { XCTAssertFalse(result.stdout.contains("job\(i) started"), "job\(i) never runs without its input") }
        // The reasons reach analyze as the attempts' one-line reasons.
        let analysis = try SkeinBinary.run(["analyze", wf.runDirectory().path], environment: environment)
        for url in urls { XCTAssertTrue(analysis.stdout.contains(url), "\(url) in: \(analysis.stdout)") }

        let validation = try SkeinBinary.run(["validate", "workflow.yml"], environment: environment, in: wf.directory)
        XCTAssertTrue((validation.stdout + validation.stderr).contains("replica 'in3.txt' is at gsiftp://127.0.0.1/x.txt, and Skein does not transfer gsiftp:// URLs"),
                      validation.stdout + validation.stderr)
    }
}
