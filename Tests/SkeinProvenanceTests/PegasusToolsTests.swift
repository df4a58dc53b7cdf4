import Foundation
import XCTest
@testable import SkeinProvenance

/// The compatibility promise, checked with Pegasus's own tools: `pegasus-statistics -s all` and
/// `pegasus-analyzer` (from the `pegasus-wms` PyPI package, in a venv cached at
/// `.build-pegasus-venv` in the repo root) must read a run written by `StampedeWriter` and
/// report the right counts. Skipped, with the reason, when Python or PyPI is unavailable.
final class PegasusToolsTests: XCTestCase {
    struct Tools { var python: String; var cli: String }

    static let venv = TestPaths.repoRoot.appendingPathComponent(".build-pegasus-venv").path

    /// Runs a command, returning (exit status, stdout, stderr). Output goes through files so
    /// a chatty tool cannot fill a pipe and hang.
    @discardableResult
    func sh(_ args: [String], in dir: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("skein-sh-\(UUID().uuidString)")
        let outURL = tmp.appendingPathExtension("out"), errURL = tmp.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        if let dir { p.currentDirectoryURL = URL(fileURLWithPath: dir) }
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        p.waitUntilExit()
        return (p.terminationStatus, try String(contentsOf: outURL, encoding: .utf8), try String(contentsOf: errURL, encoding: .utf8))
    }

    /// Finds or creates the venv with pegasus-wms; throws XCTSkip when that is impossible.
    func pegasusTools() throws -> Tools {
        let fm = FileManager.default
        let python = Self.venv + "/bin/python"
        func cliDir() -> String? {
            guard let libs = try? fm.contentsOfDirectory(atPath: Self.venv + "/lib") else { return nil }
            return libs.filter { $0.hasPrefix("python") }
                .map { "\(Self.venv)/lib/\($0)/site-packages/Pegasus/cli" }
                .first { fm.fileExists(atPath: $0 + "/pegasus-statistics.py") }
        }
        if let cli = cliDir(), fm.isExecutableFile(atPath: python) { return Tools(python: python, cli: cli) }
        guard (try? sh(["python3", "--version"]))?.status == 0 else { throw XCTSkip("python3 not found: cannot install pegasus-wms") }
        if !fm.isExecutableFile(atPath: python) {
            let made = try sh(["python3", "-m", "venv", Self.venv])
            guard made.status == 0 else { throw XCTSkip("python3 -m venv failed: \(made.err)") }
        }
        let pip = try sh([Self.venv + "/bin/pip", "install", "--quiet", "pegasus-wms"])
        guard pip.status == 0, let cli = cliDir() else {
            throw XCTSkip("pip install pegasus-wms failed (no network to PyPI?): \(pip.err.suffix(500))")
        }
        return Tools(python: python, cli: cli)
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

    /// The numbers of the "Jobs" / "Tasks" row of pegasus-statistics' summary table.
    func row(_ name: String, in text: String) -> [Int] {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + " ") }) else { return [] }
        return line.split(separator: " ").dropFirst().compactMap { Int($0) }
    }

    func testPegasusToolsReadSucceededRun() throws {
        let tools = try pegasusTools()
        let dir = try runDir("pegasus-ok")
        try SampleRun(dir: dir, failed: false).write()

        let stats = try sh([tools.python, tools.cli + "/pegasus-statistics.py", "-s", "all", dir])
        print("pegasus-statistics -s all (succeeded run):\n\(stats.out)\(stats.err)")
        XCTAssertEqual(stats.status, 0, stats.err)
        XCTAssertFalse(stats.err.contains("Traceback") || stats.err.contains("ERROR"), stats.err)
        //                                 Succeeded Failed Incomplete Total Retries Total+Retries
        XCTAssertEqual(row("Jobs", in: stats.out), [3, 0, 0, 3, 1, 4])
        XCTAssertEqual(row("Tasks", in: stats.out), [2, 0, 0, 2, 1, 3])
        XCTAssertEqual(row("Sub-Workflows", in: stats.out), [0, 0, 0, 0, 0, 0])
        XCTAssertTrue(stats.out.contains("Workflow wall time"), stats.out)

        let analyzer = try sh([tools.python, tools.cli + "/pegasus-analyzer.py", dir])
        print("pegasus-analyzer (succeeded run):\n\(analyzer.out)\(analyzer.err)")
        XCTAssertEqual(analyzer.status, 0, analyzer.err)
        XCTAssertTrue(analyzer.out.contains("Workflow Status    : success"), analyzer.out)
        XCTAssertTrue(analyzer.out.contains("# jobs succeeded   :      3 (100.00%)"), analyzer.out)
        XCTAssertTrue(analyzer.out.contains("# jobs failed      :      0"), analyzer.out)
    }

    func testPegasusToolsReadFailedRun() throws {
        let tools = try pegasusTools()
        let dir = try runDir("pegasus-fail")
        try SampleRun(dir: dir, failed: true).write()

        let stats = try sh([tools.python, tools.cli + "/pegasus-statistics.py", "-s", "all", dir])
        print("pegasus-statistics -s all (failed run):\n\(stats.out)\(stats.err)")
        XCTAssertEqual(stats.status, 0, stats.err)
        XCTAssertFalse(stats.err.contains("Traceback"), stats.err)
        XCTAssertEqual(row("Jobs", in: stats.out), [2, 1, 0, 3, 2, 5])
        XCTAssertEqual(row("Tasks", in: stats.out), [1, 1, 0, 2, 2, 4])

        let analyzer = try sh([tools.python, tools.cli + "/pegasus-analyzer.py", dir])
        print("pegasus-analyzer (failed run):\n\(analyzer.out)\(analyzer.err)")
        XCTAssertEqual(analyzer.status, 2, "pegasus-analyzer exits 2 for a failed workflow: \(analyzer.err)")
        XCTAssertFalse(analyzer.err.contains("Traceback"), analyzer.err)
        let out = analyzer.out
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
