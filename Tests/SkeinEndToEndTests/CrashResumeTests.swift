import Foundation
import SkeinTestSupport
import XCTest

/// Crashes of the engine and of its helper (issue 13, items 7 and 10).
final class CrashResumeTests: ReliabilityTestCase {
    /// `kill -9` of skein-spawner with 4 jobs running: the jobs are run again without using up
    /// a retry (they have none), and the workflow succeeds.
    func testKillingTheSpawnerRerunsItsJobsWithoutUsingRetries() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // a marker the first attempt leaves for the retry
        let ids = (0..<4).map { "hold\($0)" }
        wf.jobs = ids.map { .init(id: $0, script: "if [ -f ran-$PEGASUS_JOBID ]; then exit 0; fi; touch ran-$PEGASUS_JOBID; sleep 60") }
        let (engine, log) = try background(["run", try wf.write(), "--batch", "--maxjobs", "4"], in: wf.directory)
        defer { if engine.isRunning { engine.terminate() } }
        waitFor("4 jobs running") {
            ids.allSatisfy { id in
                ((try? FileManager.default.subpathsOfDirectory(atPath: wf.directory.appendingPathComponent("scratch").path)) ?? []).contains { $0.hasSuffix("ran-" + id) }
            }
        }
        var spawner: Int32?
        waitFor("skein-spawner") { spawner = child(named: "skein-spawner", of: engine.processIdentifier); return spawner != nil }
        kill(try XCTUnwrap(spawner), SIGKILL)
        guard waitForExit(engine, timeout: 60) else { return XCTFail("the engine goes on: \(text(log))") }
        XCTAssertEqual(engine.terminationStatus, 0, text(log))
        XCTAssertTrue(text(log).contains("without using up a retry"), text(log))
        XCTAssertTrue(text(log).contains("workflow test succeeded"), text(log))
    }

    /// A local job's end launches the jobs it made ready before its record and journal end
    /// line are written ("launch first, write later"): the journal shows a child's start
    /// before its parent's `S` line, a retry's start after its failed attempt's `F` line, and
    /// every attempt still gets its record, rows and progress lines in order.
    func testAChildIsLaunchedBeforeItsParentsRecordAndEveryAttemptIsRecorded() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // the retried job leaves a marker in the shared scratch
        let ids = ["c0", "c1", "c2", "c3"]
        wf.jobs = ids.enumerated().map { i, id in .init(id: id, script: "true", parents: i > 0 ? [ids[i - 1]] : []) }
        wf.jobs.append(.init(id: "flaky", script: "if [ -f flaky-ran ]; then exit 0; fi; touch flaky-ran; exit 1", parents: ["c3"],
                             profiles: ["dagman": ["retry": "1"]]))
        let run = try SkeinBinary.run(["run", try wf.write(), "--batch", "--maxjobs", "1"], environment: environment, in: wf.directory)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let folder = wf.runDirectory()
        let lines = text(folder.appendingPathComponent("engine.journal")).split(separator: "\n").map(String.init)
        func position(_ line: String) -> Int? { lines.firstIndex(of: line) }
        for (parent, child) in zip(ids, ids.dropFirst() + ["flaky"]) {
            let launched = try XCTUnwrap(position("A 0 \(child)"), lines.joined(separator: "\n"))
            let parentEnded = try XCTUnwrap(position("S 0 \(parent)"), lines.joined(separator: "\n"))
            XCTAssertLessThan(launched, parentEnded, "\(child) launched before \(parent)'s end line")
        }
        let retried = try XCTUnwrap(position("A 1 flaky"))
        XCTAssertLessThan(try XCTUnwrap(position("F 0 flaky")), retried, "a job's attempts stay in order in the journal")
        // Every attempt's record, and progress lines in the order the attempts ended and started.
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder.path).map { ($0 as NSString).lastPathComponent }
        for record in ids.map({ $0 + ".out.000" }) + ["flaky.out.000", "flaky.out.001"] {
            XCTAssertTrue(files.contains(record), "\(record) in \(files)")
        }
        let progress = run.stdout.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1).last.map(String.init) ?? "" }
        for (parent, child) in zip(ids, ids.dropFirst()) {
            let ended = try XCTUnwrap(progress.firstIndex { $0.hasPrefix("\(parent) succeeded") }, run.stdout)
            let started = try XCTUnwrap(progress.firstIndex { $0.hasPrefix("\(child) started") }, run.stdout)
            XCTAssertLessThan(ended, started, run.stdout)
        }
        try checkDatabaseMatchesJournal(folder, jobs: ids + ["flaky"])
    }

    /// A few hundred jobs; the engine killed (KILL, TERM, INT) and its `skein-spawner`
    /// killed (KILL) at random moments (seeded and printed), then run to the end. Each job
    /// holds a lock (`flock -n` on a file of its own) while it runs and leaves a marker when
    /// the lock is already held, so two copies of one job at once are caught. Checked: no
    /// two copies at once, no job ran again after its success, no job process outlives the
    /// run, the database has one attempt row per journal attempt with its states and
    /// invocation, and is intact.
    func testChaosKillsOfTheEngineAndSpawnerLoseNoAttempt() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/flock") else { throw missingRealPart("flock (util-linux) is not installed") }
        var random = SeededRandom("CrashResumeTests chaos")
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // every job appends to one ran.log
        let locks = scratch.appendingPathComponent("locks")
        try FileManager.default.createDirectory(at: locks, withIntermediateDirectories: true)
        let ids = (0..<240).map { String(format: "j%03d", $0) }
        wf.jobs = ids.enumerated().map { i, id in
            let lock = locks.appendingPathComponent(id).path
            let script = "exec 9>>\(lock).lock; if ! /usr/bin/flock -n 9; then touch \(lock).twice; echo two copies of $PEGASUS_JOBID >&2; exit 1; fi; "
                + "echo $PEGASUS_JOBID >> ran.log; sleep 0.\(i % 10)"
            return .init(id: id, script: script, parents: i >= 40 ? [ids[i - 40]] : [])
        }
        let workflowFile = try wf.write()
        let run = wf.runDirectory()
        let journal = run.appendingPathComponent("engine.journal")
        func lines() -> Int { text(journal).split(separator: "\n").count }
        var arguments = ["run", workflowFile, "--batch", "--maxjobs", "16"]
        var uuid: String?
        for round in 0..<6 {
            let (engine, log) = try background(arguments, in: wf.directory)
            arguments = ["run", run.path, "--batch"]
            // Up to two spawner kills, then a signal to the engine.
            let spawnerKills = Int.random(in: 0...2, using: &random)
            for kill in 0...spawnerKills {
                let target = lines() + Int.random(in: 5...60, using: &random)
                let toEngine = kill == spawnerKills
                let signal = toEngine ? [SIGKILL, SIGKILL, SIGTERM, SIGINT][Int.random(in: 0...3, using: &random)] : SIGKILL
                print("round \(round): \(toEngine ? "engine" : "skein-spawner") gets signal \(signal) at journal line \(target)")
                waitFor("journal growth") { lines() >= target || !engine.isRunning }
                guard engine.isRunning else { break }
                if toEngine {
                    Foundation.kill(engine.processIdentifier, signal)
                } else if let spawner = child(named: "skein-spawner", of: engine.processIdentifier) {
                    Foundation.kill(spawner, SIGKILL)
                }
            }
            guard waitForExit(engine, timeout: 60) else { return XCTFail("the engine does not stop: \(text(log))") }
            if engine.terminationReason == .exit { XCTAssertTrue([0, 3].contains(engine.terminationStatus), text(log)) }
            uuid = uuid ?? workflowUUID(run)
        }
        let last = try SkeinBinary.run(arguments, environment: environment, in: wf.directory)
        XCTAssertEqual(last.status, 0, last.stdout + last.stderr)
        // No two copies of a job at once.
        let twice = try FileManager.default.contentsOfDirectory(atPath: locks.path).filter { $0.hasSuffix(".twice") }
        XCTAssertEqual(twice, [], "jobs that ran twice at once")
        // No rerun after a recorded success.
        var succeeded = Set<String>()
        for line in text(journal).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3 else { continue }
            if parts[0] == "S" { succeeded.insert(String(parts[2])) }
            if parts[0] == "A" { XCTAssertFalse(succeeded.contains(String(parts[2])), "\(parts[2]) started again after it succeeded") }
        }
        // No job process outlives the run.
        let uuidText = try XCTUnwrap(uuid, "the run's wf_uuid")
        XCTAssertEqual(processes(withEnvironment: "PEGASUS_WF_UUID=" + uuidText), [], "job processes left running")
        try checkDatabaseMatchesJournal(run, jobs: ids)
    }

    /// The run's workflow UUID, from its braindump.
    func workflowUUID(_ run: URL) -> String? {
        for line in text(run.appendingPathComponent("braindump.yml")).split(separator: "\n") where line.hasPrefix("wf_uuid:") {
            return line.dropFirst("wf_uuid:".count).trimmingCharacters(in: CharacterSet(charactersIn: " '\""))
        }
        return nil
    }

    /// Live processes whose environment holds `entry` (KEY=VALUE).
    func processes(withEnvironment entry: String) -> [Int32] {
        let needle = Data((entry + "\u{0}").utf8)
        return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { name in
            guard let pid = Int32(name), let environ = FileManager.default.contents(atPath: "/proc/\(name)/environ"),
                  environ.range(of: needle) != nil,
                  let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"), !stat[stat.index(after: close)...].hasPrefix(" Z") else { return nil }
            return pid
        }
    }
}
