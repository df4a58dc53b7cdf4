import Foundation
import SkeinTestSupport
import XCTest

/// A run folder on a full filesystem (a real 2 MB tmpfs): the engine reports the failed
/// write at once, starts no more jobs, exits 4 with the cause, never "succeeded"; once space
/// is freed, `skein run RUNDIR` finishes the run and completes its database (issue 13, item 6).
final class DiskFullTests: ReliabilityTestCase {
    var mountPoint: URL?

    override func tearDownWithError() throws {
        if let mountPoint { _ = try? SkeinBinary.runProgram(URL(fileURLWithPath: "/bin/umount"), [mountPoint.path]) }
        try super.tearDownWithError()
    }

    func mountSmallFilesystem(size: String) throws -> URL {
        guard getuid() == 0 else { throw missingRealPart("mounting a small tmpfs needs root") }
        let point = scratch.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: point, withIntermediateDirectories: true)
        let mounted = try SkeinBinary.runProgram(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", point.path])
        guard mounted.status == 0 else { throw missingRealPart("cannot mount a tmpfs here: \(mounted.stderr)") }
        mountPoint = point
        return point
    }

    func testAFullDiskStopsTheRunWhichCompletesOnceSpaceIsFreed() throws {
        let small = try mountSmallFilesystem(size: "2m")
        var wf = TestWorkflow(in: small.appendingPathComponent("wf"))
        let ids = (0..<40).map { String(format: "write%02d", $0) }
        wf.jobs = ids.map { .init(id: $0, script: "head -c 61440 /dev/zero | tr '\\\\0' x") }
        let first = try SkeinBinary.run(["run", try wf.write(), "--batch"], environment: environment, in: wf.directory)
        let output = first.stdout + first.stderr
        XCTAssertEqual(first.status, 4, output)
        XCTAssertTrue(output.contains("No space left on device"), output)
        XCTAssertTrue(output.contains("records could not be written"), output)
        XCTAssertFalse(output.contains("workflow test succeeded"), output)

        let grown = try SkeinBinary.runProgram(URL(fileURLWithPath: "/bin/mount"), ["-o", "remount,size=64m", small.path])
        XCTAssertEqual(grown.status, 0, grown.stderr)
        let run = wf.runDirectory()
        let resumed = try SkeinBinary.run(["run", run.path, "--batch"], environment: environment, in: wf.directory)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        try checkDatabaseMatchesJournal(run, jobs: ids)
        let status = try SkeinBinary.run(["status", run.path], environment: environment)
        XCTAssertTrue(status.stdout.contains("Success") || status.stdout.contains("Succeeded") || status.stdout.contains("succeeded"), status.stdout)
    }
}
