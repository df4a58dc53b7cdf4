import Foundation
import SkeinKickstart
import SkeinTestSupport
import XCTest

/// `kill -9` of the engine in the middle of a large transfer (a throttled local HTTP server),
/// then `skein run RUNDIR`: the half-fetched file never appears under its final name, the
/// files that were complete are not fetched again (counted at the server), and cleanup never
/// removed a file the resumed jobs still read.
final class TransferCrashTests: ReliabilityTestCase {
    func testKillingTheEngineMidTransferResumesWithoutRepeatingOrLosingFiles() throws {
        let served = scratch.appendingPathComponent("served").path
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        // The large file comes throttled (`bytesPerSecond`), the small ones at full speed, so the
        // engine can be killed while the large one is still flowing.
        let server = try LocalHTTPServer(root: served, tls: false, scratch: scratch.path)
        let slowScratch = scratch.appendingPathComponent("slow").path
        try FileManager.default.createDirectory(atPath: slowScratch, withIntermediateDirectories: true)
        let slow = try LocalHTTPServer(root: served, tls: false, scratch: slowScratch, bytesPerSecond: 1_000_000)
        let big = (0..<8_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 12) }
        try Data(big).write(to: URL(fileURLWithPath: served + "/big.bin"))
        try "small\n".write(toFile: served + "/small.txt", atomically: true, encoding: .utf8)
        try "small2\n".write(toFile: served + "/small2.txt", atomically: true, encoding: .utf8)

        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.jobs = [
            .init(id: "a", script: "tr a-z A-Z < small.txt > mid.txt", outputs: ["mid.txt"], inputs: ["small.txt"]),
            .init(id: "b", script: "cat mid.txt small2.txt > final.txt && wc -c < big.bin >> final.txt", parents: ["a"],
                  outputs: ["final.txt"], inputs: ["mid.txt", "small2.txt", "big.bin"]),
        ]
        let workflow = try wf.write()
        // mid.txt is an intermediate file: in-place cleanup removes it once b has read it.
        let yaml = try String(contentsOfFile: workflow, encoding: .utf8).replacingOccurrences(of: "{lfn: mid.txt, type: output, stageOut: true}", with: "{lfn: mid.txt, type: output, stageOut: false}")
        try yaml.write(toFile: workflow, atomically: true, encoding: .utf8)
        try """
            pegasus: 5.0.4
            replicas:
            - {lfn: small.txt, pfns: [{site: web, pfn: '\(server.url("small.txt"))'}]}
            - {lfn: small2.txt, pfns: [{site: web, pfn: '\(server.url("small2.txt"))'}]}
            - {lfn: big.bin, pfns: [{site: web, pfn: '\(slow.url("big.bin"))'}], checksum: {sha256: \(SHA256.hash(big))}}
            """.write(to: wf.directory.appendingPathComponent("replicas.yml"), atomically: true, encoding: .utf8)

        let (engine, log) = try background(["run", workflow, "--batch"], in: wf.directory)
        defer { if engine.isRunning { engine.terminate() } }
        let jobs = wf.scratch()
        func partialSize() -> Int {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: jobs.path)) ?? []
            return names.filter { $0.hasPrefix("big.bin.skein-partial.") }.compactMap {
                (try? FileManager.default.attributesOfItem(atPath: jobs.appendingPathComponent($0).path))?[.size] as? Int
            }.max() ?? 0
        }
        XCTAssertTrue(waitFor("mid.txt made and big.bin half fetched") {
            FileManager.default.fileExists(atPath: jobs.appendingPathComponent("mid.txt").path) && partialSize() >= 1_000_000
        }, text(log))
        kill(engine.processIdentifier, SIGKILL)
        XCTAssertTrue(waitForExit(engine, timeout: 30))

        XCTAssertFalse(FileManager.default.fileExists(atPath: jobs.appendingPathComponent("big.bin").path), "no half-written file under the final name")
        XCTAssertEqual(try String(contentsOf: jobs.appendingPathComponent("small2.txt"), encoding: .utf8), "small2\n", "the small file of the same job is whole")
        XCTAssertEqual([server.requests("small.txt"), server.requests("small2.txt"), slow.requests("big.bin")], [1, 1, 1])

        let resumed = try SkeinBinary.run(["run", wf.runDirectory().path, "--batch"], environment: environment, in: wf.directory)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertFalse(resumed.stdout.contains("stage_in_local_local_0_0 started"), "a finished stage-in is not run again: \(resumed.stdout)")
        XCTAssertEqual([server.requests("small.txt"), server.requests("small2.txt"), slow.requests("big.bin")], [1, 1, 2],
                       "only the interrupted file is fetched again")
        let stageIn = try XCTUnwrap(try FileManager.default.subpathsOfDirectory(atPath: wf.runDirectory().appendingPathComponent("jobs").path)
            .filter { $0.hasSuffix("stage_in_local_local_1_0.stdout.001") }.first)
        XCTAssertTrue(text(wf.runDirectory().appendingPathComponent("jobs").appendingPathComponent(stageIn)).contains("small2.txt: already in place, kept"))
        // b read mid.txt after the resume: cleanup had not removed it; now it has.
        XCTAssertEqual(try String(contentsOf: jobs.appendingPathComponent("final.txt"), encoding: .utf8), "SMALL\nsmall2\n8000000\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: jobs.path).sorted()
        XCTAssertEqual(left, ["final.txt"], "in-place cleanup removed every intermediate file once no job needed it, the killed engine's partial file too: \(resumed.stdout)")
    }
}
