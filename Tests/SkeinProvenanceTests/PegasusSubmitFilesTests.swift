import Foundation
import XCTest
import SkeinRunFormat
@testable import SkeinProvenance

/// braindump.yml may hold only Pegasus's keys, must hold `properties`; monitord files follow
/// the real ones byte for byte in shape.
final class PegasusSubmitFilesTests: XCTestCase {
    func testBraindumpHasOnlyPegasusKeys() throws {
        let dir = try TestPaths.tempDir(self)
        let brain = Braindump(wfUUID: "u-1", submitDir: dir, dag: "diamond-0.dag", properties: "skein.properties",
                              plannerArguments: "--conf \"a b\"\\x")
        try PegasusSubmitFiles.writeBraindump(brain, to: dir)
        let text = try String(contentsOfFile: dir + "/braindump.yml", encoding: .utf8)
        let keys = text.split(separator: "\n").map { String($0.prefix { $0 != ":" }) }
        XCTAssertTrue(Set(keys).isSubset(of: Braindump.allowedKeys), "\(keys)")
        for required in ["wf_uuid", "root_wf_uuid", "submit_dir", "dag", "properties"] { XCTAssertTrue(keys.contains(required), required) }
        XCTAssertTrue(text.contains(#"planner_arguments: "--conf \"a b\"\\x""#), text)
        XCTAssertTrue(text.contains("uses_pmc: false\n"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/skein.properties"))
        XCTAssertEqual(PegasusSubmitFiles.databaseFileName(dag: "diamond-0.dag"), "diamond-0.stampede.db")

        // Pegasus's own braindump uses no key outside the list either.
        let real = try String(contentsOf: TestPaths.fixtureRuns.appendingPathComponent("process_wf_success/braindump.yml"), encoding: .utf8)
        let realKeys = real.split(separator: "\n").map { String($0.prefix { $0 != ":" }) }
        XCTAssertTrue(Set(realKeys).isSubset(of: Braindump.allowedKeys))
        XCTAssertEqual(Set(keys).subtracting(realKeys), [], "we write no key Pegasus itself does not write")
    }

    func testMonitordFilesMatchPegasusFormat() throws {
        let dir = try TestPaths.tempDir(self)
        let utc = TimeZone(identifier: "America/Los_Angeles")!
        XCTAssertEqual(PegasusSubmitFiles.isodate(1_677_911_025, timeZone: utc), "2023-03-03T22:23:45-0800")
        XCTAssertEqual(PegasusSubmitFiles.isodate(1_677_911_025, short: true, timeZone: utc), "20230303T222345-0800")

        try "stale".write(toFile: dir + "/monitord.done", atomically: true, encoding: .utf8)
        try PegasusSubmitFiles.writeMonitordStarted(submitDir: dir, pid: 132_897, timestamp: 1_677_911_025)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/monitord.done"))
        try PegasusSubmitFiles.writeMonitordDone(submitDir: dir, start: 1_677_911_025, end: 1_677_911_101)
        let started = try String(contentsOfFile: dir + "/monitord.started", encoding: .utf8)
        let done = try String(contentsOfFile: dir + "/monitord.done", encoding: .utf8)
        let startedPattern = #"^pid 132897\ntimestamp \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}\n$"#
        let donePattern = #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} 76\.000\n$"#
        XCTAssertNotNil(started.range(of: startedPattern, options: .regularExpression), started)
        XCTAssertNotNil(done.range(of: donePattern, options: .regularExpression), done)
        // The fixture files have the same shape.
        let fixture = TestPaths.fixtureRuns.appendingPathComponent("process_wf_success")
        let realStarted = try String(contentsOf: fixture.appendingPathComponent("monitord.started"), encoding: .utf8)
        let realDone = try String(contentsOf: fixture.appendingPathComponent("monitord.done"), encoding: .utf8)
        XCTAssertNotNil(realStarted.range(of: startedPattern.replacingOccurrences(of: "132897", with: #"\d+"#), options: .regularExpression))
        XCTAssertNotNil(realDone.range(of: donePattern, options: .regularExpression))
    }
}
