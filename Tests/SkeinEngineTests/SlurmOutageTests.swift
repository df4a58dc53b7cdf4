@testable import SkeinEngine
import Foundation
import SkeinRunFormat
import XCTest

/// The Slurm executor through fake `sbatch`/`squeue`/`scontrol` scripts (`FakeSlurm`; an
/// outage cannot be produced on demand with the real cluster): a failed, slow or garbled
/// query changes no job's state, queries back off while Slurm is down, and only a query that
/// succeeded without the job ends it (issue 13, item 11). Polls are driven by the test at
/// virtual times (`pollNow(at:)`); the poll timer never fires.
final class SlurmOutageTests: XCTestCase {
    /// Named fakes of Slurm's commands; each reads its behaviour from a mode file.
    struct FakeSlurm {
        let bin: URL
        func set(_ command: String, _ mode: String) throws {
            try mode.write(to: bin.appendingPathComponent("\(command).mode"), atomically: true, encoding: .utf8)
        }

        init(in directory: URL) throws {
            bin = directory.appendingPathComponent("fake-slurm-bin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            let scripts = [
                "sbatch": "echo 101\n",
                "squeue": """
                    case "$(cat "$(dirname "$0")/squeue.mode")" in
                    down) echo 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)' >&2; exit 1 ;;
                    garbage) echo '<html><body>502 Bad Gateway</body></html>' ;;
                    slow) sleep 0.3; echo '101|RUNNING|None|node7' ;;
                    gone) echo 'slurm_load_jobs error: Invalid job id specified' >&2; exit 1 ;;
                    *) echo '101|RUNNING|None|node7' ;;
                    esac

                    """,
                "scontrol": """
                    case "$(cat "$(dirname "$0")/scontrol.mode")" in
                    down) echo 'slurm_load_jobs error: Socket timed out on send/recv operation' >&2; exit 1 ;;
                    *) echo 'JobId=101 JobName=a UserId=u(1) JobState=CANCELLED Reason=None NodeList=node7 ExitCode=0:15' ;;
                    esac

                    """,
                "scancel": "exit 0\n",
            ]
            for (name, body) in scripts {
                let path = bin.appendingPathComponent(name).path
                try ("#!/bin/sh\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
                chmod(path, 0o755)
            }
            try set("squeue", "running")
            try set("scontrol", "ok")
        }
    }

    final class Ends: @unchecked Sendable {
        let lock = NSLock()
        var submitted = false
        var ended: [AttemptEnd] = []
    }

    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-slurm-outage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("jobs"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// An executor with one job submitted (Slurm id 101).
    func submittedJob(_ fake: FakeSlurm) throws -> (SlurmExecutor, Ends) {
        let settings = SlurmSettings(pollInterval: 1_000_000, binDirectory: fake.bin.path, kickstart: "/bin/true")
        let executor = SlurmExecutor(settings: settings, processes: LocalExecutor.shared, runDirectory: directory.path)
        let job = ExecutableJob(
            id: "a", kind: .compute, transformation: "t", site: "hpc", executor: "slurm", executable: "/bin/true", arguments: [],
            environment: [:], workingDirectory: directory.path, stdin: nil, stdout: nil, stderr: nil, retries: 0, maxWalltime: nil,
            priority: 0, category: nil, abortOnExitCode: nil, abortReturnValue: nil, successMessage: nil, failureMessage: nil,
            parents: [], inputLinks: [], outputs: [], hooks: [], profiles: [:])
        let record = directory.appendingPathComponent("jobs/a.out.000").path
        let spec = LaunchSpec(executable: "/bin/true", arguments: [], environment: [], workingDirectory: directory.path, stdin: nil,
                              stdout: directory.appendingPathComponent("jobs/a.stdout.000").path, stderr: directory.appendingPathComponent("jobs/a.stderr.000").path)
        let ends = Ends()
        _ = executor.start(AttemptLaunch(job: 0, attempt: 0, planned: job, spec: spec, recordFile: record, workflowLabel: "w"), progress: { update in
            if case .submitted = update { ends.lock.lock(); ends.submitted = true; ends.lock.unlock() }
        }, ended: { end in ends.lock.lock(); ends.ended.append(end); ends.lock.unlock() })
        let deadline = Date().addingTimeInterval(30)
        while !(ends.lock.withLock { ends.submitted }) {
            guard Date() < deadline else { throw XCTSkip("the fake sbatch was not called") }
            usleep(10_000)
        }
        return (executor, ends)
    }

    func endCount(_ ends: Ends) -> Int { ends.lock.withLock { ends.ended.count } }

    func testAnOutageChangesNoStateAndQueriesBackOff() throws {
        let fake = try FakeSlurm(in: directory)
        let (executor, ends) = try submittedJob(fake)
        try fake.set("squeue", "down")
        try fake.set("scontrol", "down")
        var now = 1_000.0
        for _ in 0..<10 {
            executor.pollNow(at: now)
            now += 10_000  // past any backoff
        }
        XCTAssertEqual(endCount(ends), 0, "an outage never ends a job")
        XCTAssertEqual(executor.failedQueries, 10)
        // Right after a failure the next query waits (doubling backoff).
        let squeueCalls = executor.commands.counts["squeue"] ?? 0
        executor.pollNow(at: now)
        executor.pollNow(at: now + 0.5)
        XCTAssertEqual(executor.commands.counts["squeue"], squeueCalls + 1, "no query during the backoff")
        // Slurm is back: the job is still running, and nothing happened to it.
        try fake.set("squeue", "running")
        executor.pollNow(at: now + 100_000)
        XCTAssertEqual(endCount(ends), 0)
    }

    func testGarbageAndSlowAnswersChangeNoState() throws {
        let fake = try FakeSlurm(in: directory)
        let (executor, ends) = try submittedJob(fake)
        try fake.set("squeue", "garbage")
        executor.pollNow(at: 1_000)
        XCTAssertEqual(executor.failedQueries, 1, "an unreadable answer is a failed query")
        try fake.set("squeue", "slow")
        executor.pollNow(at: 100_000)
        XCTAssertEqual(executor.failedQueries, 1, "a slow answer is still an answer")
        XCTAssertEqual(endCount(ends), 0)
    }

    func testOnlyASuccessfulQueryWithoutTheJobEndsIt() throws {
        let fake = try FakeSlurm(in: directory)
        let (executor, ends) = try submittedJob(fake)
        try fake.set("squeue", "gone")
        try fake.set("scontrol", "down")
        for step in 0..<5 { executor.pollNow(at: 1_000 + Double(step) * 100_000) }
        XCTAssertEqual(endCount(ends), 0, "left the queue, but why is unknown while scontrol fails: no verdict")
        try fake.set("scontrol", "ok")
        executor.pollNow(at: 10_000_000)
        XCTAssertEqual(endCount(ends), 1)
        XCTAssertEqual(ends.lock.withLock { ends.ended.first?.reason }, "cancelled in Slurm from outside Skein (scancel)")
    }
}
