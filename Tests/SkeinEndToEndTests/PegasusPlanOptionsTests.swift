import Foundation
import XCTest

/// Options pegasus-plan users type out of habit: `-s`, `--conf`, `-o`, `--cleanup`,
/// `--force`, `--submit`, on the real binary.
final class PegasusPlanOptionsTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-planopts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path]
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    func plan(_ extra: [String]) throws -> (SkeinBinary.Output, [String: Any]) {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.jobs = [.init(id: "a", script: "echo a > a.txt", outputs: ["a.txt"]), .init(id: "b", script: "true", parents: ["a"], inputs: ["a.txt"])]
        let file = try wf.write()
        let out = try SkeinBinary.run(["plan", file, "--dir", scratch.appendingPathComponent("runs").path] + extra, environment: environment)
        let runs = scratch.appendingPathComponent("runs/test")
        let last = ((try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []).sorted().last ?? "none"
        let data = (try? Data(contentsOf: runs.appendingPathComponent(last).appendingPathComponent("plan.json"))) ?? Data("{}".utf8)
        return (out, (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    func testShortSitesConfOutputSiteCleanupAndSubmit() throws {
        let conf = scratch.appendingPathComponent("my.properties")
        try "dagman.io.maxjobs = 3\n".write(to: conf, atomically: true, encoding: .utf8)
        let (planned, json) = try plan(["-s", "local", "--conf", conf.path, "-o", "local", "--cleanup", "none"])
        XCTAssertEqual(planned.status, 0, planned.stderr)
        XCTAssertEqual(json["categoryLimits"] as? [String: Int], ["io": 3], "--conf is the properties file planned with")
        let ids = ((json["jobs"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        XCTAssertTrue(ids.contains("stage_out_local_local_0_0"), "-o stages the results out: \(ids)")
        XCTAssertFalse(ids.contains { $0.hasPrefix("clean_up_") }, "--cleanup none: \(ids)")

        let (missing, _) = try plan(["--conf", scratch.appendingPathComponent("nope.properties").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("--conf"), missing.stderr)
        let (badCleanup, _) = try plan(["--cleanup", "sometimes"])
        XCTAssertNotEqual(badCleanup.status, 0)
        XCTAssertTrue(badCleanup.stderr.contains("--cleanup takes inplace, leaf or none"), badCleanup.stderr)

        let (submitted, _) = try plan(["--submit"])
        XCTAssertEqual(submitted.status, 0, submitted.stderr)
        XCTAssertTrue(submitted.stdout.contains("engine started (pid "), submitted.stdout)
        let run = try XCTUnwrap(submitted.stdout.split(separator: "\n").first { $0.hasPrefix("run directory: ") }).dropFirst("run directory: ".count)
        let deadline = Date().addingTimeInterval(30)
        var status = ""
        while !status.contains("Success"), Date() < deadline {
            status = try SkeinBinary.run(["status", String(run)], environment: environment).stdout
            usleep(100_000)
        }
        XCTAssertTrue(status.contains("Success"), "the submitted run finishes on its own: \(status)")
    }
}
