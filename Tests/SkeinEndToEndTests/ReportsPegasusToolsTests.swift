import Foundation
import XCTest
import SkeinTestSupport

/// Pegasus's own tools and Skein's reports agree on the same runs: `pegasus-statistics -s all`
/// and `pegasus-analyzer` (from the `pegasus-wms` PyPI package, in a venv cached at
/// `.build-pegasus-venv` in the repository root, as the provenance tests make it) on Skein
/// runs made by the real binary, a succeeded one and a failed one, and on copies of the
/// Pegasus fixtures. Skipped, saying why, when the package cannot be installed.
final class ReportsPegasusToolsTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-pegtools-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path, "NO_COLOR": "1"]
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func sh(_ args: [String]) throws -> SkeinBinary.Output {
        try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), args, environment: environment, in: scratch)
    }

    /// Pegasus's tools, or a skip saying why they cannot be had.
    func pegasusTools() throws -> PegasusTools {
        do { return try PegasusTools.locate(repository: SkeinBinary.repository) } catch let why as PegasusTools.Unavailable { throw missingRealPart(why.description) }
    }

    func runExample(_ name: String, expect status: Int32) throws -> String {
        let example = SkeinBinary.repository.appendingPathComponent("Examples/\(name)/workflow.yml").path
        let result = try SkeinBinary.run(["run", example, "--batch", "--dir", scratch.appendingPathComponent("runs").path],
                                         environment: environment, in: scratch)
        XCTAssertEqual(result.status, status, result.stdout + result.stderr)
        return scratch.appendingPathComponent("runs/\(name)/run0001").path
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func line(_ prefix: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
    }

    /// pegasus-statistics -s all and `skein statistics` on `dir`: the same table and times.
    func compareStatistics(_ tools: PegasusTools, _ dir: String) throws {
        // Without monitord.done (process_wf_failure) Pegasus wants to be told the database is final.
        let done = FileManager.default.fileExists(atPath: dir + "/monitord.done")
        let pegasus = try tools.run("pegasus-statistics", ["-s", "all"] + (done ? [] : ["--ignore-db-inconsistency"]) + [dir], environment: environment)
        XCTAssertEqual(pegasus.status, 0, pegasus.stdout + pegasus.stderr)
        XCTAssertFalse(pegasus.stderr.contains("Traceback"), pegasus.stderr)
        let skein = try SkeinBinary.run(["statistics", dir], environment: environment, in: scratch)
        XCTAssertEqual(skein.status, 0, skein.stderr)
        for type in ["Tasks", "Jobs", "Sub-Workflows"] {
            XCTAssertFalse(PegasusTools.row(type, in: pegasus.stdout).isEmpty, pegasus.stdout)
            XCTAssertEqual(PegasusTools.row(type, in: skein.stdout), PegasusTools.row(type, in: pegasus.stdout), "\(type) in \(dir)")
        }
        for label in ["Workflow wall time ", "Cumulative job wall time ", "Cumulative job wall time as seen from submit side",
                      "Cumulative job badput wall time ", "Cumulative job badput wall time as seen from submit side"] {
            XCTAssertNotNil(line(label, in: pegasus.stdout), label)
            XCTAssertEqual(line(label, in: skein.stdout), line(label, in: pegasus.stdout), "\(label) in \(dir)")
        }
        // The per-transformation breakdown pegasus-statistics wrote, row for row.
        let breakdown = try String(contentsOfFile: dir + "/statistics/breakdown.txt", encoding: .utf8)
        let pegasusRows = breakdown.components(separatedBy: "\n\n").dropFirst().first.map {
            $0.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("Transformation") }.map { $0.split(separator: " ").map(String.init) }
        } ?? []
        let skeinJSON = try json(try SkeinBinary.run(["statistics", dir, "--json"], environment: environment, in: scratch).stdout)
        let groups = try XCTUnwrap(skeinJSON["transformations"] as? [[String: Any]])
        let ours = (groups.first?["rows"] as? [[String: Any]] ?? []).map { [$0["transformation"] as? String ?? "", $0["type"] as? String ?? "", "\($0["count"] as? Int ?? -1)"] }
        XCTAssertEqual(ours, pegasusRows.map { Array($0.prefix(3)) }, "transformations in \(dir)")
    }

    /// pegasus-analyzer and `skein analyze --json` on `dir`: the same counts, failed jobs,
    /// exit codes and task stderr.
    func compareAnalyzer(_ tools: PegasusTools, _ dir: String, exitCode: Int32) throws {
        let pegasus = try tools.run("pegasus-analyzer", [dir], environment: environment)
        XCTAssertEqual(pegasus.status, exitCode, pegasus.stdout + pegasus.stderr)
        XCTAssertFalse(pegasus.stderr.contains("Traceback"), pegasus.stderr)
        let skein = try SkeinBinary.run(["analyze", dir, "--json", "--tail", "0"], environment: environment, in: scratch)
        XCTAssertEqual(skein.status, exitCode, skein.stderr)
        let report = try json(skein.stdout)
        func count(_ label: String) -> Int? {
            line(" " + label, in: pegasus.stdout).flatMap { $0.split(separator: ":").last?.split(separator: " ").first.flatMap { Int($0) } }
        }
        XCTAssertEqual(report["total"] as? Int, count("Total jobs"))
        XCTAssertEqual(report["succeeded"] as? Int, count("# jobs succeeded"))
        XCTAssertEqual(report["failed"] as? Int, count("# jobs failed"))
        XCTAssertEqual(report["held"] as? Int, count("# jobs held"))
        XCTAssertEqual(report["unsubmitted"] as? Int, count("# jobs unsubmitted"))
        XCTAssertEqual(line(" Workflow Status", in: pegasus.stdout)?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces),
                       report["workflowStatus"] as? String)
        let lines = pegasus.stdout.components(separatedBy: "\n")
        let start = lines.firstIndex { $0.contains("Failed jobs' details") } ?? lines.count
        let pegasusFailed = lines[start...].filter { $0.count == 80 && $0.hasPrefix("=") && $0.hasSuffix("=") }
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "=")) }
        let failedJobs = report["failedJobs"] as? [[String: Any]] ?? []
        XCTAssertEqual(failedJobs.compactMap { $0["job"] as? String }, pegasusFailed)
        let tasks = failedJobs.flatMap { ($0["tasks"] as? [[String: Any]] ?? []).filter { ($0["seq"] as? Int ?? 0) >= -1 && ($0["rawStatus"] as? Int ?? 0) != 0 } }
        let pegasusExit = lines.filter { $0.hasPrefix("exitcode    :") }.compactMap { Int($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) }
        XCTAssertEqual(tasks.compactMap { $0["exitCode"] as? Int }, pegasusExit)
        for task in tasks {
            if let stderr = (task["stderr"] as? [String: Any])?["text"] as? String {
                XCTAssertTrue(pegasus.stdout.contains(stderr), "kickstart stderr \(stderr) not in:\n\(pegasus.stdout)")
            }
        }
    }

    func testPegasusToolsAgreeWithSkeinOnSkeinRuns() throws {
        let tools = try pegasusTools()
        let succeeded = try runExample("diamond", expect: 0)
        let failed = try runExample("failing", expect: 1)
        try compareStatistics(tools, succeeded)
        try compareStatistics(tools, failed)
        try compareAnalyzer(tools, succeeded, exitCode: 0)
        try compareAnalyzer(tools, failed, exitCode: 2)
        // The failing example's facts, to be sure the comparison compared something.
        let report = try json(try SkeinBinary.run(["analyze", failed, "--json"], environment: environment, in: scratch).stdout)
        XCTAssertEqual((report["failedJobs"] as? [[String: Any]])?.compactMap { $0["job"] as? String }, ["calibrate"])
    }

    func testPegasusToolsAgreeWithSkeinOnPegasusRuns() throws {
        let tools = try pegasusTools()
        let fixtures = SkeinBinary.fixtures.appendingPathComponent("pegasus-runs")
        for (name, exit) in [("process_wf_success", Int32(0)), ("process_wf_failure", 2), ("hierarchical_wf_failure", 2)] {
            // A writable copy: pegasus-statistics writes its files into the submit directory.
            let copy = scratch.appendingPathComponent(name)
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: copy)
            _ = try sh(["chmod", "-R", "u+w", copy.path])
            try compareStatistics(tools, copy.path)
            try compareAnalyzer(tools, copy.path, exitCode: exit)
        }
    }
}
