@testable import SkeinEngine
import Foundation
import SkeinRunFormat
import XCTest

/// A job ends as soon as its kickstart record says it succeeded, with no Slurm command
/// (`RecordWatch`); a failed record still waits for a poll, which asks Slurm why. The fake
/// `squeue` (`SlurmOutageTests.FakeSlurm`) lists the job as running throughout, and the poll
/// interval is too long to fire during the test.
final class SlurmRecordWatchTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-slurm-records-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("jobs"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    static func record(exitCode: Int) -> String {
        """
        - invocation: True
          version: 3.0
          start: 2026-11-21T08:06:43.023+00:00
          duration: 0.5
          derivation: a
          hostname: node7
          mainjob:
            start: 2026-11-21T08:06:43.023+00:00
            duration: 0.5
            usage: {utime: 0.25, stime: 0.125, maxrss: 2048}
            status: {raw: \(exitCode << 8), regular_exitcode: \(exitCode)}

        """
    }

    final class Ends: @unchecked Sendable {
        let lock = NSLock()
        var submitted = false
        var ended: [AttemptEnd] = []
        var count: Int { lock.withLock { ended.count } }
    }

    func submit(sandboxed: Bool = false) throws -> (SlurmExecutor, Ends, String) {
        let fake = try SlurmOutageTests.FakeSlurm(in: directory)
        let settings = SlurmSettings(pollInterval: 1_000_000, binDirectory: fake.bin.path, kickstart: "/bin/true", recordCheckInterval: 0.02)
        let executor = SlurmExecutor(settings: settings, processes: LocalExecutor.shared, runDirectory: directory.path)
        var job = ExecutableJob(
            id: "a", kind: .compute, transformation: "t", site: "hpc", executor: "slurm", executable: "/bin/true", arguments: [],
            environment: [:], workingDirectory: directory.path, parents: [])
        if sandboxed { job.sandbox = JobSandbox(root: directory.path, inputs: [], outputs: [SandboxFile(lfn: "f.out", path: directory.appendingPathComponent("f.out").path)]) }
        let record = directory.appendingPathComponent("jobs/a.out.000").path
        let spec = LaunchSpec(executable: "/bin/true", arguments: [], environment: [], workingDirectory: directory.path, stdin: nil,
                              stdout: directory.appendingPathComponent("jobs/a.stdout.000").path, stderr: directory.appendingPathComponent("jobs/a.stderr.000").path)
        let ends = Ends()
        _ = executor.start(AttemptLaunch(job: 0, attempt: 0, planned: job, spec: spec, recordFile: record, workflowLabel: "w"), progress: { update in
            if case .submitted = update { ends.lock.withLock { ends.submitted = true } }
        }, ended: { end in ends.lock.withLock { ends.ended.append(end) } })
        try wait("the fake sbatch to be called") { ends.lock.withLock { ends.submitted } }
        return (executor, ends, record)
    }

    func wait(_ what: String, until condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(30)
        while !condition() {
            guard Date() < deadline else { return XCTFail("gave up waiting for \(what)") }
            usleep(5_000)
        }
    }

    func testASucceededRecordEndsTheJobWithoutAskingSlurm() throws {
        let (executor, ends, record) = try submit()
        // Opened by kickstart before the job runs: an empty record says nothing.
        FileManager.default.createFile(atPath: record, contents: nil)
        try Self.record(exitCode: 0).write(toFile: record, atomically: false, encoding: .utf8)
        try wait("the job to end from its record") { ends.count == 1 }
        let end = try XCTUnwrap(ends.lock.withLock { ends.ended.first })
        XCTAssertTrue(end.recordWritten)
        XCTAssertEqual(end.schedulerID, "101")
        XCTAssertEqual(end.host, "node7")
        XCTAssertEqual(end.termination.process?.exitCode, 0)
        XCTAssertNil(executor.commands.counts["squeue"], "no Slurm query was needed")
    }

    func testAFailedRecordWaitsForSlurmToSayWhy() throws {
        let (executor, ends, record) = try submit()
        try Self.record(exitCode: 3).write(toFile: record, atomically: false, encoding: .utf8)
        // The watch looks at the settled record (two checks) and leaves it to the poll.
        try wait("the record to be read") { executor.sync { executor.recordLooks } >= 1 }
        XCTAssertEqual(ends.count, 0)
        XCTAssertEqual(executor.sync { executor.recordEnds }, 0)
    }

    func testASandboxedJobEndsOnceItsOutputsAreBack() throws {
        // Its script takes the outputs back after kickstart wrote the record, then leaves the
        // marker: the record alone does not end the job.
        let (executor, ends, record) = try submit(sandboxed: true)
        try Self.record(exitCode: 0).write(toFile: record, atomically: false, encoding: .utf8)
        // Checks at later and later times (past the throttle): the record settles, the job stays.
        let now = WallClock.now()
        for k in 1...3 { executor.sync { executor.checkRecords(at: now + Double(k)) } }
        XCTAssertEqual(ends.count, 0, "ended before its outputs were back")
        FileManager.default.createFile(atPath: SlurmBatchScript.takenBackMarker(of: record), contents: nil)
        try wait("the job to end once its outputs are back") { ends.count == 1 }
        XCTAssertFalse(FileManager.default.fileExists(atPath: SlurmBatchScript.takenBackMarker(of: record)), "the marker is removed")
    }
}
