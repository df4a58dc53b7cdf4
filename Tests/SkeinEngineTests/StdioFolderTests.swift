@testable import SkeinEngine
import Foundation
import SkeinRunFormat
import XCTest

/// A job whose declared stdout folder is missing fails with that said, not with "could not
/// start /bin/sh" (issue 13, item 15).
final class StdioFolderTests: XCTestCase {
    func testAMissingStdoutFolderIsNamed() {
        let job = ExecutableJob(
            id: "a", kind: .compute, transformation: "t", site: "local", executor: "local", executable: "/bin/sh", arguments: [],
            environment: [:], workingDirectory: NSTemporaryDirectory(), stdin: nil, stdout: "no-such-folder-\(UUID().uuidString)/out.txt", stderr: nil,
            retries: 0, maxWalltime: nil, priority: 0, category: nil, abortOnExitCode: nil, abortReturnValue: nil, successMessage: nil,
            failureMessage: nil, parents: [], inputLinks: [], outputs: [], hooks: [], profiles: [:])
        let exit = ProcessExit(pid: 0, rawStatus: 127 << 8, usage: rusage(), start: 0, end: 0, spawnError: ENOENT)
        let outcome = PostRunChecks.outcome(of: .process(exit), job: job, stdoutFile: "/nonexistent", stderrFile: "/nonexistent")
        XCTAssertFalse(outcome.succeeded)
        XCTAssertTrue(outcome.reason?.contains("of the stdout file") == true, outcome.reason ?? "")
        XCTAssertFalse(outcome.reason?.contains("could not start") == true)
    }
}
