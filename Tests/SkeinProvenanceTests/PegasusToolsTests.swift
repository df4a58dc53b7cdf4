import Foundation
import XCTest
import SkeinTestSupport
@testable import SkeinProvenance

/// The compatibility promise, checked with Pegasus's own tools: `pegasus-statistics -s all` and
/// `pegasus-analyzer` (from the `pegasus-wms` PyPI package, in a venv cached at
/// `.build-pegasus-venv` in the repo root) must read a run written by `StampedeWriter` and
/// report the right counts. Skipped, with the reason, when Python or PyPI is unavailable.
final class PegasusToolsTests: XCTestCase {
    /// Pegasus's tools, or a skip saying why they cannot be had.
    func pegasusTools() throws -> PegasusTools {
        do { return try PegasusTools.locate(repository: TestPaths.repoRoot) } catch let why as PegasusTools.Unavailable { throw missingRealPart(why.description) }
    }

    /// Where a run is written: a temp dir, or `$SKEIN_PEGASUS_RUN_DIR/<name>` (kept, for
    /// looking at what the tools wrote by hand).
    func runDir(_ name: String) throws -> String {
        guard let keep = ProcessInfo.processInfo.environment["SKEIN_PEGASUS_RUN_DIR"] else {
            return try TestPaths.tempDir(self, name)
        }
        let dir = keep + "/" + name
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func testPegasusToolsReadSucceededRun() throws {
        let tools = try pegasusTools()
        let dir = try runDir("pegasus-ok")
        try SampleRun(dir: dir, failed: false).write()

        let stats = try tools.run("pegasus-statistics", ["-s", "all", dir])
        print("pegasus-statistics -s all (succeeded run):\n\(stats.stdout)\(stats.stderr)")
        XCTAssertEqual(stats.status, 0, stats.stderr)
        XCTAssertFalse(stats.stderr.contains("Traceback") || stats.stderr.contains("ERROR"), stats.stderr)
        //                                 Succeeded Failed Incomplete Total Retries Total+Retries
        XCTAssertEqual(PegasusTools.row("Jobs", in: stats.stdout), [3, 0, 0, 3, 1, 4])
        XCTAssertEqual(PegasusTools.row("Tasks", in: stats.stdout), [2, 0, 0, 2, 1, 3])
        XCTAssertEqual(PegasusTools.row("Sub-Workflows", in: stats.stdout), [0, 0, 0, 0, 0, 0])
        XCTAssertTrue(stats.stdout.contains("Workflow wall time"), stats.stdout)

        let analyzer = try tools.run("pegasus-analyzer", [dir])
        print("pegasus-analyzer (succeeded run):\n\(analyzer.stdout)\(analyzer.stderr)")
        XCTAssertEqual(analyzer.status, 0, analyzer.stderr)
        XCTAssertTrue(analyzer.stdout.contains("Workflow Status    : success"), analyzer.stdout)
        XCTAssertTrue(analyzer.stdout.contains("# jobs succeeded   :      3 (100.00%)"), analyzer.stdout)
        XCTAssertTrue(analyzer.stdout.contains("# jobs failed      :      0"), analyzer.stdout)
    }

    func testPegasusToolsReadFailedRun() throws {
        let tools = try pegasusTools()
        let dir = try runDir("pegasus-fail")
        try SampleRun(dir: dir, failed: true).write()

        let stats = try tools.run("pegasus-statistics", ["-s", "all", dir])
        print("pegasus-statistics -s all (failed run):\n\(stats.stdout)\(stats.stderr)")
        XCTAssertEqual(stats.status, 0, stats.stderr)
        XCTAssertFalse(stats.stderr.contains("Traceback"), stats.stderr)
        XCTAssertEqual(PegasusTools.row("Jobs", in: stats.stdout), [2, 1, 0, 3, 2, 5])
        XCTAssertEqual(PegasusTools.row("Tasks", in: stats.stdout), [1, 1, 0, 2, 2, 4])

        let analyzer = try tools.run("pegasus-analyzer", [dir])
        print("pegasus-analyzer (failed run):\n\(analyzer.stdout)\(analyzer.stderr)")
        XCTAssertEqual(analyzer.status, 2, "pegasus-analyzer exits 2 for a failed workflow: \(analyzer.stderr)")
        XCTAssertFalse(analyzer.stderr.contains("Traceback"), analyzer.stderr)
        let out = analyzer.stdout
        XCTAssertTrue(out.contains("Workflow Status    : failure"), out)
        XCTAssertTrue(out.contains("# jobs succeeded   :      2 (66.67%)"), out)
        XCTAssertTrue(out.contains("# jobs failed      :      1 (33.33%)"), out)
        XCTAssertTrue(out.contains("=analyze_ID0000002="), out)
        XCTAssertTrue(out.contains("last state: JOB_FAILURE"), out)
        XCTAssertTrue(out.contains("exitcode    : 2"), out)
        XCTAssertTrue(out.contains("hostname    : node1"), out)
        XCTAssertTrue(out.contains(SampleRun.analyzeStderr.trimmingCharacters(in: .newlines)), out)
    }
}
