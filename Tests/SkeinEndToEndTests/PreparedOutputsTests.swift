import Foundation
import XCTest

/// The stdout and stderr of the next job of a chain are made while the job before it runs (so
/// its start does not wait for two new files), end to end with the real binary: they are there
/// before it starts, it writes into them, and when it will not run they are removed.
final class PreparedOutputsTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-prepared-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// A chain `first -> second`: `first` waits until `second`'s stdout and stderr exist and
    /// notes it, then ends with `exitCode`. Returns the run's result and its jobs folder.
    func runChain(firstExitCode exitCode: Int) throws -> (result: SkeinBinary.Output, jobs: URL) {
        var workflow = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        workflow.dataConfiguration = "sharedfs"
        let jobs = workflow.runDirectory().appendingPathComponent("jobs/000")
        let seen = scratch.appendingPathComponent("seen").path
        let prepared = jobs.appendingPathComponent("second.stdout.000").path
        let preparedErr = jobs.appendingPathComponent("second.stderr.000").path
        workflow.jobs = [
            .init(id: "first", script: """
                for i in $(seq 500); do [ -e '\(prepared)' ] && [ -e '\(preparedErr)' ] && { echo yes > '\(seen)'; break; }; sleep 0.01; done; exit \(exitCode)
                """),
            .init(id: "second", script: "echo second out; echo second err >&2", parents: ["first"]),
        ]
        let file = try workflow.write()
        let result = try SkeinBinary.run(["run", file, "--batch", "--dir", workflow.directory.appendingPathComponent("runs").path],
                                         environment: ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path])
        XCTAssertEqual((try? String(contentsOfFile: seen, encoding: .utf8)) ?? "", "yes\n", "second's files were there while first ran")
        return (result, jobs)
    }

    func testTheNextJobsFilesAreMadeWhileItsParentRunsAndItWritesIntoThem() throws {
        let (result, jobs) = try runChain(firstExitCode: 0)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(try String(contentsOf: jobs.appendingPathComponent("second.stdout.000"), encoding: .utf8), "second out\n")
        XCTAssertEqual(try String(contentsOf: jobs.appendingPathComponent("second.stderr.000"), encoding: .utf8), "second err\n")
        let names = try FileManager.default.contentsOfDirectory(atPath: jobs.path)
        XCTAssertFalse(names.contains { $0.hasSuffix(".001") }, "no files for attempts that did not run: \(names)")
    }

    func testTheFilesOfAJobThatWillNotRunAreRemoved() throws {
        let (result, jobs) = try runChain(firstExitCode: 3)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("second will not run: first failed"), result.stdout)
        let names = try FileManager.default.contentsOfDirectory(atPath: jobs.path)
        XCTAssertFalse(names.contains { $0.hasPrefix("second.") }, "second never ran: none of its files are left: \(names)")
    }
}
