import Foundation
import SkeinKickstart
import SkeinTestSupport
import XCTest

/// Data staging end to end: inputs that exist only at a URL are fetched by `stage_in_*`
/// jobs from a real HTTP server, `stageOut: true` outputs reach the output site's storage
/// through `stage_out_*` jobs, and a missing or corrupt input fails its stage-in job with
/// the reason, before the job that needs it runs.
final class StagingTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]
    var server: LocalHTTPServer!
    var served: String { scratch.appendingPathComponent("served").path }

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-staging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: scratch.appendingPathComponent("served").path, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path]
        server = try LocalHTTPServer(root: served, tls: false, scratch: scratch.path)
    }

    override func tearDownWithError() throws {
        server = nil
        try? FileManager.default.removeItem(at: scratch)
    }

    /// `count` jobs `job<i>` each reading `in<i>.txt` (served over HTTP) and writing `out<i>.txt`.
    func writeWorkflow(count: Int, replicas: [(lfn: String, url: String, sha256: String?)]) throws -> TestWorkflow {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.name = "staging"
        wf.jobs = (0..<count).map { i in .init(id: "job\(i)", script: "tr a-z A-Z < in\(i).txt > out\(i).txt", outputs: ["out\(i).txt"], inputs: ["in\(i).txt"]) }
        _ = try wf.write()
        var text = "pegasus: 5.0.4\nreplicas:\n"
        for r in replicas {
            text += "- lfn: \(r.lfn)\n  pfns: [{site: web, pfn: '\(r.url)'}]\n"
            if let sha = r.sha256 { text += "  checksum: {sha256: \(sha)}\n" }
        }
        try text.write(to: wf.directory.appendingPathComponent("replicas.yml"), atomically: true, encoding: .utf8)
        return wf
    }

    func run(_ wf: TestWorkflow, _ extra: [String] = ["--output-site", "local"]) throws -> SkeinBinary.Output {
        try SkeinBinary.run(["run", "workflow.yml", "--batch"] + extra, environment: environment, in: wf.directory)
    }

    func testInputsComeOverHTTPAndOutputsReachTheOutputSite() throws {
        var replicas: [(lfn: String, url: String, sha256: String?)] = []
        for i in 0..<12 {
            let content = "input \(i)\n"
            try content.write(toFile: served + "/in\(i).txt", atomically: true, encoding: .utf8)
            replicas.append(("in\(i).txt", server.url("in\(i).txt"), i == 0 ? SHA256.hash(Array(content.utf8)) : nil))
        }
        let wf = try writeWorkflow(count: 12, replicas: replicas)
        let result = try run(wf)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        // 12 jobs on one level: two stage-in and two stage-out jobs (ceil(12 / 10)).
        for id in ["stage_in_local_local_0_0", "stage_in_local_local_0_1", "stage_out_local_local_0_0", "stage_out_local_local_0_1"] {
            XCTAssertTrue(result.stdout.contains("\(id) succeeded"), "\(id): \(result.stdout)")
        }
        let output = wf.directory.appendingPathComponent("output")
        for i in 0..<12 {
            XCTAssertEqual(try String(contentsOf: output.appendingPathComponent("out\(i).txt"), encoding: .utf8), "INPUT \(i)\n", "out\(i).txt staged out")
        }
        let runDirectory = wf.runDirectory()
        let db = runDirectory.appendingPathComponent("staging-0.stampede.db")
        let kinds = try sql(db, "select type_desc, count(*) from job group by type_desc order by type_desc")
        XCTAssertEqual(kinds, ["cleanup|3", "compute|12", "create-dir|1", "stage-in-tx|2", "stage-out-tx|2"])
        XCTAssertEqual(try sql(db, "select count(*) from task"), ["12"], "transfer jobs are no tasks of the workflow")
        // Every compute job waits for the stage-in job that fetches its input.
        XCTAssertEqual(try sql(db, "select count(*) from job_edge where parent_exec_job_id like 'stage_in_%' and child_exec_job_id like 'job%'"), ["12"])
        let log = try String(contentsOf: runDirectory.appendingPathComponent("jobs/000/stage_in_local_local_0_0.stdout.000"), encoding: .utf8)
        XCTAssertTrue(log.contains("Stats: 6 of 6 files"), log)
        XCTAssertTrue(log.contains(server.url("in0.txt") + " -> "), log)
        XCTAssertTrue(log.contains("sha256 \(replicas[0].sha256!)"), "the catalog's checksum was verified: \(log)")
        // in0.txt's catalog checksum is compared by its stage-in; the 11 other inputs are
        // hashed as they arrive; each job compares its input before it starts; the 12 results
        // are hashed when made and compared once staged out.
        XCTAssertEqual(try sql(db, "select type, file_type, sum(count) from integrity group by type, file_type order by type, file_type"),
                       ["check|input|13", "check|output|12", "compute|output|23"])
        let statistics = try SkeinBinary.run(["statistics", runDirectory.path], environment: environment)
        XCTAssertTrue(statistics.stdout.contains("# Integrity Metrics\n25 files checksums compared with total duration of"), statistics.stdout)
        XCTAssertTrue(statistics.stdout.contains("23 files checksums generated with total duration of"), statistics.stdout)

        // Without an output site (as pegasus-plan without -o) outputs stay in scratch.
        let unstaged = try run(wf, [])
        XCTAssertEqual(unstaged.status, 0, unstaged.stdout + unstaged.stderr)
        XCTAssertFalse(unstaged.stdout.contains("stage_out_"), unstaged.stdout)
        XCTAssertTrue(unstaged.stdout.contains("stage_in_local_local_0_0 succeeded"), unstaged.stdout)
    }

    /// A stageable executable given by URL is fetched by a stage-in job (its sha256 checked)
    /// into the run's bin/ folder, made runnable, then run by the jobs that name it.
    func testAStageableExecutableAtAURLIsFetchedBeforeItsJobs() throws {
        let tool = "#!/bin/sh\necho \"fetched tool ran with $1\" > out.txt\n"
        try tool.write(toFile: served + "/tool", atomically: true, encoding: .utf8)
        let folder = scratch.appendingPathComponent("fetched")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
            pegasus: 5.0.4
            name: fetched
            jobs:
            - {type: job, name: tool, id: a, arguments: [first], uses: [{lfn: out.txt, type: output, stageOut: false}]}
            """.write(to: folder.appendingPathComponent("workflow.yml"), atomically: true, encoding: .utf8)
        try """
            pegasus: 5.0.4
            transformations:
            - name: tool
              checksum: {sha256: \(SHA256.hash(Array(tool.utf8)))}
              sites: [{name: local, pfn: '\(server.url("tool"))', type: stageable}]
            """.write(to: folder.appendingPathComponent("transformations.yml"), atomically: true, encoding: .utf8)
        try """
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch', operation: all}]}
            """.write(to: folder.appendingPathComponent("sites.yml"), atomically: true, encoding: .utf8)
        let result = try SkeinBinary.run(["run", "workflow.yml", "--batch", "--cleanup", "none"], environment: environment, in: folder)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("stage_in_executable_tool succeeded"), result.stdout)
        XCTAssertEqual(server.requests("tool"), 1, "fetched once")
        let out = try String(contentsOf: URL(fileURLWithPath: try SkeinBinary.scratchDirectory(of: folder.appendingPathComponent("runs/fetched/run0001"))).appendingPathComponent("out.txt"), encoding: .utf8)
        XCTAssertEqual(out, "fetched tool ran with first\n")
    }

    func testAMissingOrCorruptInputFailsItsStageInWithTheReason() throws {
        try "good\n".write(toFile: served + "/in0.txt", atomically: true, encoding: .utf8)
        let wf = try writeWorkflow(count: 2, replicas: [
            ("in0.txt", server.url("in0.txt"), String(repeating: "0", count: 64)),
            ("in1.txt", server.url("nowhere.txt"), nil),
        ])
        let result = try run(wf)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("stage_in_local_local_0_0 failed: "), result.stdout)
        XCTAssertTrue(result.stdout.contains("sha256 is \(SHA256.hash(Array("good\n".utf8))), the catalog says 000") || result.stdout.contains("HTTP 404"), result.stdout)
        XCTAssertFalse(result.stdout.contains("job0 started"), "a job never runs without its inputs: \(result.stdout)")
        let stderr = try String(contentsOf: wf.runDirectory().appendingPathComponent("jobs/000/stage_in_local_local_0_0.stderr.000"), encoding: .utf8)
        XCTAssertTrue(stderr.contains("\(server.url("nowhere.txt")): HTTP 404"), stderr)
        XCTAssertTrue(stderr.contains("the catalog says 000"), stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: wf.scratch().path).filter { $0.hasPrefix("in") }, [], "nothing half-fetched or unverified in scratch")
        let analysis = try SkeinBinary.run(["analyze", wf.runDirectory().path], environment: environment)
        XCTAssertTrue(analysis.stdout.contains("stage_in_local_local_0_0"), analysis.stdout)
    }

    func testStagedResultsAreRegisteredInTheRunsOutputReplicaCatalog() throws {
        try "x\n".write(toFile: served + "/in0.txt", atomically: true, encoding: .utf8)
        let wf = try writeWorkflow(count: 1, replicas: [("in0.txt", server.url("in0.txt"), nil)])
        let file = wf.directory.appendingPathComponent("workflow.yml")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "stageOut: true}", with: "stageOut: true, registerReplica: true}")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try run(wf)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("register_local_0_0 succeeded"), result.stdout)
        let output = wf.directory.appendingPathComponent("output/out0.txt").path
        let catalog = wf.runDirectory().appendingPathComponent("staging-0.replicas.db")
        XCTAssertEqual(try sql(catalog, "select lfn, pfn, site from rc_lfn join rc_pfn using(lfn_id)"), ["out0.txt|file://\(output)|local"])
        XCTAssertEqual(try sql(catalog, "select value from rc_meta where key = 'checksum.value'"), [SHA256.hash(Array("X\n".utf8))])
        XCTAssertEqual(try sql(catalog, "select value from rc_meta where key = 'size'"), ["2"])
        let db = wf.runDirectory().appendingPathComponent("staging-0.stampede.db")
        XCTAssertEqual(try sql(db, "select type_desc from job where exec_job_id = 'register_local_0_0'"), ["registration"])
        // The run's own database keeps them too, as monitord records a register job's success.
        XCTAssertEqual(try sql(db, "select lfn, pfn, site from rc_lfn join rc_pfn using(lfn_id)"), ["out0.txt|file://\(output)|local"])
        XCTAssertEqual(try sql(db, "select value from rc_meta where key = 'checksum.type'"), ["sha256"])
    }

    func sql(_ database: URL, _ query: String) throws -> [String] {
        let out = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import sqlite3, sys
            for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join('' if v is None else str(v) for v in row))
            """, database.path, query])
        XCTAssertEqual(out.status, 0, out.stderr)
        return out.stdout.split(separator: "\n").map(String.init)
    }
}
