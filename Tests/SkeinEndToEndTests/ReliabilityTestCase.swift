import Foundation
import XCTest

/// What the reliability tests share: a scratch folder with its own registry, engines in the
/// background, waiting for events with a deadline, and SQL on a run database.
class ReliabilityTestCase: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-reliability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path, "NO_COLOR": "1"]
    }

    override func tearDownWithError() throws {
        // SKEIN_KEEP_TEST_FILES=1 keeps the run for a post-mortem of a failure.
        if ProcessInfo.processInfo.environment["SKEIN_KEEP_TEST_FILES"] == nil { try? FileManager.default.removeItem(at: scratch) }
    }

    func background(_ arguments: [String], in directory: URL) throws -> (Process, URL) {
        let process = Process()
        process.executableURL = SkeinBinary.url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = directory
        let log = scratch.appendingPathComponent("engine-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        try process.run()
        return (process, log)
    }

    @discardableResult
    func waitFor(_ what: String, timeout: Double = 60, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { XCTFail("timed out waiting for \(what)"); return false }
            usleep(20_000)
        }
        return true
    }

    func waitForExit(_ process: Process, timeout: Double) -> Bool {
        let exited = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { process.waitUntilExit(); exited.signal() }
        return exited.wait(timeout: .now() + timeout) == .success
    }

    func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    func sql(_ database: URL, _ query: String) throws -> [String] {
        let out = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import sqlite3, sys
            for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join('' if v is None else str(v) for v in row))
            """, database.path, query])
        XCTAssertEqual(out.status, 0, out.stderr)
        return out.stdout.split(separator: "\n").map(String.init)
    }

    /// The journal's attempts (`A` lines, the engine's own start lines aside) per job.
    func journalAttempts(_ run: URL) -> [String: Set<Int>] {
        var attempts: [String: Set<Int>] = [:]
        for line in text(run.appendingPathComponent("engine.journal")).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, parts[0] == "A", parts[2] != "-", let n = Int(parts[1]) else { continue }
            attempts[String(parts[2]), default: []].insert(n)
        }
        return attempts
    }

    /// One job_instance per journal attempt, closed; an invocation for each ended attempt;
    /// every job's last attempt succeeded; the database is intact.
    func checkDatabaseMatchesJournal(_ run: URL, jobs: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let db = run.appendingPathComponent("test-0.stampede.db")
        XCTAssertEqual(try sql(db, "pragma integrity_check"), ["ok"], file: file, line: line)
        let journal = journalAttempts(run)
        var rows: [String: Int] = [:]
        for row in try sql(db, "select j.exec_job_id, count(*) from job_instance ji join job j using (job_id) group by j.exec_job_id") {
            let p = row.split(separator: "|")
            rows[String(p[0])] = Int(p[1])
        }
        for job in jobs {
            XCTAssertEqual(rows[job], journal[job]?.count, "one attempt row per journal attempt of \(job)", file: file, line: line)
        }
        XCTAssertEqual(try sql(db, "select count(*) from job_instance where exitcode is null"), ["0"], "no attempt left open", file: file, line: line)
        let lastFailed = try sql(db, """
            select j.exec_job_id from job j join job_instance ji using (job_id)
            where ji.job_submit_seq = (select max(m.job_submit_seq) from job_instance m where m.job_id = j.job_id) and ji.exitcode != 0
            """)
        XCTAssertEqual(lastFailed.filter { jobs.contains($0) }, [], "every job's last attempt succeeded", file: file, line: line)
        let succeededWithoutInvocation = try sql(db, """
            select j.exec_job_id from job j join job_instance ji using (job_id)
            where ji.exitcode = 0 and not exists (select 1 from invocation i where i.job_instance_id = ji.job_instance_id)
            """)
        XCTAssertEqual(succeededWithoutInvocation.filter { jobs.contains($0) }, [], "succeeded attempts have their invocation", file: file, line: line)
    }

    /// The pid of a live process named `name` whose parent is `parent`.
    func child(named name: String, of parent: Int32) -> Int32? {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            let comm = stat[stat.index(after: open)..<close]
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if comm == name, fields.count > 1, fields[0] != "Z", Int32(fields[1]) == parent { return pid }
        }
        return nil
    }
}
