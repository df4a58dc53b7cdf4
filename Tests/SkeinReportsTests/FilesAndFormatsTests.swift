import Foundation
import XCTest
@testable import SkeinReports

/// Run location and Pegasus's number formats (braindump and properties parsing are
/// SkeinRunFormat's and SkeinProperties' tests).
final class FilesAndFormatsTests: XCTestCase {
    func testLocatesPegasusFixturesLikePegasus() throws {
        // The recorded submit directory is on another machine: the database and the
        // properties are found beside the braindump instead, and the user is told.
        let loc = try RunLocation.locate(Paths.fixture("process_wf_failure"))
        XCTAssertEqual(loc.kind, .pegasus)
        XCTAssertEqual(loc.wfUUID, "f84f05fc-a8d0-42b5-bac5-52d6f41a77e3")
        XCTAssertEqual(loc.label, "process")
        XCTAssertEqual(loc.database, Paths.fixture("process_wf_failure") + "/process-0.stampede.db")
        XCTAssertTrue(loc.databaseExists)
        XCTAssertEqual(loc.propertiesFile, Paths.fixture("process_wf_failure") + "/pegasus.2817501345871824389.properties")
        XCTAssertTrue(loc.notes.contains { $0.contains("/home/mzalam/processwf/process-workflow/submit/mzalam/pegasus/process/run0001") }, "\(loc.notes)")
        XCTAssertEqual(loc.dagmanOutFiles, [Paths.fixture("process_wf_failure") + "/process-0.dag.dagman.out"])
    }

    func testDatabaseURLFromPropertiesWins() throws {
        let dir = try Paths.temp(self)
        try "wf_uuid: \"u1\"\nroot_wf_uuid: \"u1\"\nsubmit_dir: \"\(dir)\"\nproperties: \"p.properties\"\ndag: \"x-0.dag\"\n"
            .write(toFile: dir + "/braindump.yml", atomically: true, encoding: .utf8)
        try "pegasus.catalog.workflow.url=sqlite:///\(dir)/elsewhere.db\n".write(toFile: dir + "/p.properties", atomically: true, encoding: .utf8)
        XCTAssertEqual(try RunLocation.locate(dir).database, dir + "/elsewhere.db")
        try "pegasus.monitord.output=mysql://u:p@host/db\n".write(toFile: dir + "/p.properties", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RunLocation.locate(dir)) { error in
            XCTAssertEqual(error as? ReportError, .unsupportedDatabase("mysql://u:p@host/db"))
        }
        try "".write(toFile: dir + "/p.properties", atomically: true, encoding: .utf8)
        XCTAssertEqual(try RunLocation.locate(dir).database, dir + "/x-0.stampede.db")
    }

    func testSubWorkflowDirectoryLeadsToTheRootDatabase() throws {
        let root = try Paths.temp(self)
        try "wf_uuid: \"root\"\nroot_wf_uuid: \"root\"\nsubmit_dir: \"\(root)\"\nproperties: \"p\"\ndag: \"top-0.dag\"\n"
            .write(toFile: root + "/braindump.yml", atomically: true, encoding: .utf8)
        let sub = root + "/00/00/inner"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        try "wf_uuid: \"child\"\nroot_wf_uuid: \"root\"\nsubmit_dir: \"\(sub)\"\nproperties: \"p\"\ndag: \"inner-0.dag\"\ndax_label: \"inner\"\n"
            .write(toFile: sub + "/braindump.yml", atomically: true, encoding: .utf8)
        let loc = try RunLocation.locate(sub)
        XCTAssertEqual(loc.wfUUID, "child")
        XCTAssertEqual(loc.database, root + "/top-0.stampede.db")
        XCTAssertEqual(loc.label, "inner")
    }

    func testNotARun() throws {
        let dir = try Paths.temp(self)
        XCTAssertThrowsError(try RunLocation.locate(dir)) { error in
            guard case .notARun = error as? ReportError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try RunLocation.locate(dir + "/missing")) { error in
            XCTAssertEqual(error as? ReportError, .notFound(dir + "/missing"))
        }
    }

    func testPegasusNumberFormats() {
        XCTAssertEqual(PegasusFormat.regularExitCode(512), 2)
        XCTAssertEqual(PegasusFormat.regularExitCode(9), -9)
        XCTAssertEqual(PegasusFormat.regularExitCode(-1), -128)
        XCTAssertEqual(PegasusFormat.describeRawStatus(768), "exit code 3")
        XCTAssertEqual(PegasusFormat.describeRawStatus(9), "killed by signal 9 (SIGKILL)")
        XCTAssertEqual(PegasusFormat.formatSeconds(96, decimal: true), "1 min, 36 secs")
        XCTAssertEqual(PegasusFormat.formatSeconds(2.226), "2.23 secs")
        XCTAssertEqual(PegasusFormat.formatSeconds(5.0), "5.0 secs")
        XCTAssertEqual(PegasusFormat.formatSeconds(0.006), "0.01 secs")
        XCTAssertEqual(PegasusFormat.formatSeconds(0, decimal: true), "0.00 secs")
        XCTAssertEqual(PegasusFormat.formatSeconds(3725), "1 hr, 2 mins")
        XCTAssertEqual(PegasusFormat.formatSeconds(90061), "1 day, 1 hr")
        XCTAssertEqual(PegasusFormat.formatSeconds(nil), "-")
        XCTAssertEqual(PegasusFormat.python(2.22), "2.22")
        XCTAssertEqual(PegasusFormat.python(1), "1.0")
        XCTAssertEqual(PegasusFormat.python(0.0029999), "0.003")
        XCTAssertEqual(PegasusFormat.python(0.6666666, digits: 3), "0.667")
        XCTAssertEqual(PegasusFormat.python(66.666666, digits: 2), "66.67")
        XCTAssertEqual(PegasusFormat.python(-1.5), "-1.5")
        XCTAssertEqual(PegasusFormat.python(0.00001), "0.0")
        XCTAssertEqual(PegasusFormat.python(1234567.0001), "1234567.0")
        XCTAssertEqual(PegasusFormat.percent(6, of: 13), "46.15")
        XCTAssertEqual(PegasusFormat.percent(0, of: 0), "0.00")
    }

    func testBannersAreCentredAsPython() throws {
        // Every banner line of pegasus-analyzer's real output, rebuilt.
        let text = try Paths.expected("analyzer_sample_hierarchical_failure.txt")
        var checked = 0
        for line in text.split(separator: "\n") where line.count == 80 {
            for fill: Character in ["*", "=", "-"] where line.first == fill && line.last == fill {
                let inner = line.trimmingCharacters(in: CharacterSet(charactersIn: String(fill)))
                XCTAssertEqual(PegasusFormat.center(inner, 80, fill), String(line))
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 4)
    }

    func testStreamingJSONRoundTrips() throws {
        var counts = StateCounts()
        counts.count(.done); counts.count(.failed); counts.count(.futile); counts.count(.running)
        let job = JobStatus(id: "a \"quoted\"\njob\u{1}", workflow: "w", state: .failed, attempt: 2, maxAttempts: 3, site: "local",
                            host: nil, started: nil, duration: 1.25, exitCode: -9, reason: "killed by signal 9 (SIGKILL)")
        let report = StatusReport(directory: "/r", kind: .skein, label: "l", wfUUID: "u", source: "database", database: "/r/l-0.stampede.db",
                                  condition: RunCondition(phase: .stopped, text: "Stopped (engine not running)", shortText: "Stopped",
                                                          hint: "skein run /r", engine: .init(alive: false, pid: 42), started: 1.5,
                                                          finished: nil, restarts: 1, status: nil, reason: nil),
                                  workflows: [WorkflowStatus(wfUUID: "u", name: "l-0.dag", label: "l", depth: 0, state: "Stopped", counts: counts)],
                                  totals: counts, jobs: [job], notes: [], readAt: 2)
        for pretty in [true, false] {
            let data = Data(try ReportJSON.data(report, pretty: pretty))
            XCTAssertEqual(try JSONDecoder().decode(StatusReport.self, from: data), report)
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            XCTAssertEqual((object?["totals"] as? [String: Any])?["percentDone"] as? Double, 25)
            XCTAssertNil((object?["jobs"] as? [[String: Any]])?.first?["host"], "nil optionals are left out")
        }
    }
}
