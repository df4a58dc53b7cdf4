import Foundation
import XCTest

/// Local jobs sent to skein-spawner ahead of a free slot, end to end: the real binary, real
/// processes, the run's database. Never more than `--maxjobs` run at once; a job sent ahead
/// is SUBMIT in provenance until it starts, and its record's start is its own process's;
/// `SKEIN_LAUNCH_AHEAD=0` sends none ahead.
final class LaunchAheadTests: XCTestCase {
    var scratch: URL!
    var marks: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-ahead-\(UUID().uuidString)")
        marks = scratch.appendingPathComponent("marks")
        try FileManager.default.createDirectory(at: marks, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Six independent jobs that note their start and end and run for 0.4 s, run with
    /// `--maxjobs 2`; returns the run's database.
    func run(launchAhead: String?, name: String) throws -> URL {
        var workflow = TestWorkflow(in: scratch.appendingPathComponent(name))
        workflow.name = name
        workflow.jobs = (1...6).map { i in
            let id = "\(name)_\(i)"
            return TestWorkflow.Job(id: id, script: "date +%s.%N > '\(marks.path)/\(id).start'; sleep 0.4; date +%s.%N > '\(marks.path)/\(id).end'")
        }
        var environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path]
        environment["SKEIN_LAUNCH_AHEAD"] = launchAhead
        let file = try workflow.write()
        let result = try SkeinBinary.run(["run", file, "--batch", "--maxjobs", "2", "--dir", workflow.directory.appendingPathComponent("runs").path],
                                         environment: environment)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        return workflow.runDirectory().appendingPathComponent("\(name)-0.stampede.db")
    }

    func mark(_ job: String, _ kind: String) throws -> Double {
        try XCTUnwrap(Double(String(contentsOf: marks.appendingPathComponent("\(job).\(kind)"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)), "\(job).\(kind)")
    }

    /// Per job of `name`: its SUBMIT and EXECUTE times in provenance and its record's start.
    func states(_ db: URL, _ name: String) throws -> [String: (submit: Double, execute: Double, recordStart: Double)] {
        let out = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            for job, in db.execute("select exec_job_id from job where exec_job_id like ?", (sys.argv[2] + '_%',)):
                times = dict(db.execute("select s.state, s.timestamp from jobstate s join job_instance i using (job_instance_id) join job j using (job_id) where j.exec_job_id = ?", (job,)))
                start, = db.execute("select v.start_time from invocation v join job_instance i using (job_instance_id) join job j using (job_id) where j.exec_job_id = ?", (job,)).fetchone()
                print(job, times['SUBMIT'], times['EXECUTE'], start)
            """, db.path, name])
        XCTAssertEqual(out.status, 0, out.stderr)
        var result: [String: (Double, Double, Double)] = [:]
        for line in out.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 4, let submit = Double(fields[1]), let execute = Double(fields[2]), let start = Double(fields[3]) else {
                XCTFail("unexpected row \(line)")
                continue
            }
            result[String(fields[0])] = (submit, execute, start)
        }
        return result
    }

    func testJobsSentAheadWaitInTheSpawnerAndNeverExceedMaxjobs() throws {
        let db = try run(launchAhead: nil, name: "ahead")
        let jobs = (1...6).map { "ahead_\($0)" }
        let spans = try jobs.map { (try mark($0, "start"), try mark($0, "end")) }
        let mostAtOnce = spans.map { span in spans.filter { $0.0 <= span.0 && span.0 < $0.1 }.count }.max()
        XCTAssertEqual(mostAtOnce, 2, "--maxjobs 2, reached and never passed")

        let firstEnd = try XCTUnwrap(spans.map(\.1).min())
        let rows = try states(db, "ahead")
        XCTAssertEqual(rows.count, 6)
        // Two running and four sent ahead (the default) before any job had ended.
        let submittedEarly = rows.filter { $0.value.submit < firstEnd }
        XCTAssertEqual(submittedEarly.count, 6, "\(rows)")
        let starts = try Dictionary(uniqueKeysWithValues: jobs.map { ($0, try mark($0, "start")) })
        let sentAhead = jobs.filter { rows[$0]!.submit < firstEnd && starts[$0]! >= firstEnd }
        XCTAssertEqual(sentAhead.count, 4, "four of them started only once a job had ended")
        for job in sentAhead {
            let row = rows[job]!
            XCTAssertGreaterThan(row.execute - row.submit, 0.2, "\(job) was SUBMIT while it waited for a slot")
            XCTAssertGreaterThanOrEqual(row.recordStart, firstEnd - 0.01, "\(job)'s record starts when its process did")
            XCTAssertLessThanOrEqual(row.recordStart, starts[job]! + 0.01)
        }
    }

    func testLaunchAheadZeroSendsAJobOnlyToAFreeSlot() throws {
        let db = try run(launchAhead: "0", name: "slots")
        let jobs = (1...6).map { "slots_\($0)" }
        let firstEnd = try XCTUnwrap(jobs.map { try mark($0, "end") }.min())
        let rows = try states(db, "slots")
        XCTAssertEqual(rows.filter { $0.value.submit < firstEnd }.count, 2, "\(rows)")
    }
}
