import XCTest
import SkeinRunFormat
import SkeinReports
import SkeinProvenance
@testable import SkeinTUI

/// The data layer on real Pegasus submit directories: runs list, run data, job detail,
/// records, logs, and the background service that delivers them.
final class DataTests: XCTestCase {
    func testRunsLoaderReadsDirectoriesAndSaysWhatIsWrong() throws {
        let process = try Fixture.pegasus("process_wf_failure")
        let sample = try Fixture.pegasus("dagman-out-samples/sample1")
        let loader = RunsLoader(registryDirectory: nil, extraDirectories: [process, sample, "/nonexistent/run"], pegasusMasterDatabase: nil)
        let runs = try XCTUnwrap(loader.load())
        XCTAssertEqual(runs.map(\.label), ["process", "Drug-Combination-Therapy", "run"])
        XCTAssertEqual(runs[0].kind, .pegasus)
        XCTAssertEqual(runs[0].phase, .failed)
        XCTAssertEqual(runs[0].counts.failed, 1)
        XCTAssertEqual(runs[0].wallTime(now: Fixture.now).map { Int($0) }, 96)
        XCTAssertEqual(runs[1].counts.done, 17, "a submit directory without a database: DAGMan's counts")
        XCTAssertEqual(runs[2].error, "the run directory is gone")
        XCTAssertNil(loader.load(), "nothing changed: nothing to deliver")
        XCTAssertNotNil(loader.load(force: true))
    }

    /// Runs Pegasus's master database (`~/.pegasus/workflow.db`) knows are listed, newest
    /// first, once each; the ones whose submit directory is gone are left out.
    func testPegasusMasterDatabaseRunsAreListed() throws {
        let success = try Fixture.pegasus("process_wf_success")
        let failure = try Fixture.pegasus("process_wf_failure")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skein-master-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let master = dir.appendingPathComponent("workflow.db").path
        let db = try SQLiteDatabase(path: master)
        // The columns of master_workflow in stampede schema v14.
        try db.execute("""
            CREATE TABLE master_workflow (wf_id INTEGER NOT NULL PRIMARY KEY, wf_uuid VARCHAR(255) NOT NULL UNIQUE,
              dax_label VARCHAR(255), dax_version VARCHAR(255), dax_file VARCHAR(255), dag_file_name VARCHAR(255),
              timestamp NUMERIC(16, 6), submit_hostname VARCHAR(255), submit_dir TEXT, planner_arguments TEXT,
              user VARCHAR(255), grid_dn VARCHAR(255), planner_version VARCHAR(255), db_url TEXT, archived BOOLEAN NOT NULL)
            """)
        for (n, (path, time)) in [(failure, 1_700_000_300.0), (success, 1_700_000_100.0), ("/nonexistent/submit", 1_700_000_200.0)].enumerated() {
            try db.run("INSERT INTO master_workflow (wf_uuid, timestamp, submit_dir, archived) VALUES (?, ?, ?, 0)",
                       ["uuid-\(n)", time, path])
        }
        let loader = RunsLoader(registryDirectory: nil, extraDirectories: [success], pegasusMasterDatabase: master)
        let runs = try XCTUnwrap(loader.load())
        XCTAssertEqual(runs.map(\.directory), [success, failure], "the command line's first, each run once, the gone one left out")
        XCTAssertEqual(runs.map(\.origin), [.commandLine, .pegasus])
        XCTAssertEqual(runs.map(\.kind), [.pegasus, .pegasus])
        XCTAssertEqual(runs[1].phase, .failed)
    }

    func testRunDataOfAHierarchicalPegasusRun() throws {
        let dir = try Fixture.pegasus("hierarchical_wf_failure")
        let d = try RunDataReader.read(RunLocation.locate(dir), now: Fixture.now)
        XCTAssertEqual(d.jobs.count, 13)
        XCTAssertTrue(d.readOnly)
        let curl = Int(d.index["curl_ID0000001"]!)
        XCTAssertEqual(d.transformation[curl], "curl")
        XCTAssertEqual(d.parents[curl].map { d.jobs[Int($0)].id }.sorted(), ["create_dir_hierarchical-workflow_0_local", "stage_worker_local_hierarchical-workflow_0_local"])
        // Every job appears once in full; the rest are references.
        let primary = (0..<d.tree.count).filter { !d.tree.isReference($0) }.map { d.tree.node[$0] }
        XCTAssertEqual(Set(primary).count, 13)
        XCTAssertEqual(primary.count, 13)
        XCTAssertEqual(d.byLevel.groupTitles.count, Int(d.byLevel.node.filter { $0 < 0 }.count))
        XCTAssertTrue(d.matches(curl, Array("curl".utf8)))
        XCTAssertFalse(d.matches(curl, Array("wc".utf8)))
    }

    func testJobDetailRecordAndLogsOfAPegasusJob() throws {
        let dir = try Fixture.pegasus("process_wf_failure")
        let detail = try JobDetailReader.read(RunLocation.locate(dir), job: "ls_ID0000001", plan: nil)
        XCTAssertEqual(detail.attempts.count, 2)
        XCTAssertEqual(detail.definition.executable?.hasSuffix("pegasus-lite-local.sh") ?? false || detail.definition.executable != nil, true)
        let last = detail.attempts[1]
        XCTAssertEqual(last.record, dir + "/00/00/ls_ID0000001.out.001")
        XCTAssertEqual(last.stderr, .file(dir + "/00/00/ls_ID0000001.err.001"))
        let record = try KickstartRecord.read(last.record!)
        let inv = try XCTUnwrap(record.invocations.first)
        XCTAssertEqual(inv.exitCode, 2)
        XCTAssertEqual(inv.rawStatus, 512)
        XCTAssertEqual(inv.hostname, "workflow.isi.edu")
        XCTAssertEqual(inv.arguments, ["-z", "/"])
        XCTAssertEqual(inv.maxrssKB.map { $0 > 0 }, true)
        XCTAssertEqual(inv.files.first { $0.name == "listing.txt" }?.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(inv.stderrData?.contains("invalid option"), true)
        let log = LogReader(path: dir + "/00/00/ls_ID0000001.err.001").read()
        XCTAssertEqual(log.lines.last, "PegasusLite: exitcode 2")
    }

    func testLogReaderFollowsAGrowingFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("skein-follow-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try "one\ntw".write(to: url, atomically: false, encoding: .utf8)
        let reader = LogReader(path: url.path)
        XCTAssertEqual(reader.read().lines, ["one", "tw"])
        let h = try FileHandle(forWritingTo: url)
        h.seekToEndOfFile()
        h.write(Data("o\nthree\r\n".utf8))
        try h.close()
        XCTAssertEqual(reader.read().lines, ["one", "two", "three"])
        try "new\n".write(to: url, atomically: true, encoding: .utf8)  // replaced
        XCTAssertEqual(reader.read().lines, ["new"])
        XCTAssertNotNil(LogReader(path: "/nonexistent").read().error)
    }

    func testTheServiceDeliversInTheBackgroundAndOnlyWhatIsWanted() throws {
        let dir = try Fixture.pegasus("process_wf_failure")
        let box = Mailbox()
        let service = DataService(.init(registryDirectory: nil, directories: [dir], pegasusMasterDatabase: nil, interval: 0.05)) { box.post(.data($0)) }
        service.start()
        defer { service.stop() }
        service.want([.runs, .run(dir)])
        var got: [DataKey: DataPayload] = [:]
        let deadline = Date().addingTimeInterval(10)
        while got.count < 2, Date() < deadline {
            for case .data(let u) in box.drain() { got[u.key] = u.payload }
            usleep(20_000)
        }
        guard case .runs(let runs)? = got[.runs], case .run(let data)? = got[.run(dir)] else { return XCTFail("got \(got.keys)") }
        XCTAssertEqual(runs.first?.label, "process")
        XCTAssertEqual(data.jobs.count, 5)
        // Unchanged files: no reload.
        usleep(300_000)
        XCTAssertTrue(box.drain().isEmpty)
    }

    func testBenchmarkRunsOnAFixture() throws {
        let dir = try Fixture.pegasus("hierarchical_wf_failure")
        let r = try TUIBenchmark.run(directory: dir, repeats: 2)
        XCTAssertEqual(r.jobs, 13)
        XCTAssertEqual(r.keys.count, TUIBenchmark.script.count)
        XCTAssertTrue(TUIBenchmark.table([("h", r)]).contains("every key: worst (ms)"))
    }
}

final class FileSearchTests: XCTestCase {
    func testFindsTheFirstMatchWithItsLineNumberAcrossBlocks() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("skein-search-\(UUID().uuidString.prefix(8)).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = ""
        for n in 1...400_000 { text += "line \(n): nothing to see\n" }  // ~10 MB: more than one 8 MiB block
        text += "line 400001: The NEEDLE is here\n"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let size = text.utf8.count
        var steps: [Double] = []
        let outcome = FileSearch().first("needle", in: path, before: size) { steps.append($0) }
        XCTAssertEqual(outcome, .found(.init(line: 400_001, byte: size - "line 400001: The NEEDLE is here\n".utf8.count, text: "line 400001: The NEEDLE is here")))
        XCTAssertFalse(steps.isEmpty, "progress after the first block")
        XCTAssertEqual(FileSearch().first("absent", in: path, before: size), .notFound)
        let stopped = FileSearch()
        stopped.cancel()
        XCTAssertEqual(stopped.first("needle", in: path, before: size), .cancelled)
    }

    func testEscapeStopsABackgroundSearchInsteadOfGoingBack() {
        let (app, _) = Fixture.runModel()
        _ = app.handle(.enter)
        app.fileSearch = "needle"
        XCTAssertEqual(app.handle(.escape), [.cancelFileSearch])
        XCTAssertEqual(app.top.kind, .job)
        XCTAssertEqual(app.fileSearchEnded(.cancelled), [])
        XCTAssertNil(app.fileSearch)
        XCTAssertEqual(app.currentMessage?.text, "search stopped")
    }
}
