import Foundation
import XCTest

/// The built `skein-kickstart` on real commands, mirroring the jobs behind the real Pegasus
/// records: its records must have the same keys as those (at the levels consumers read), its
/// exit code must follow kickstart's convention, and it must forward termination signals.
final class KickstartBinaryTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        try KickstartBinary.requireBinary()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-ks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    let header = ["-n", "diamond::preprocess:4.0", "-N", "ID0000001", "-R", "local", "-L", "diamond", "-T", "2023-11-14T22:13:20+00:00"]
    let stdio = ["-i", "/dev/null", "-o", "job.out", "-e", "job.err"]

    func testSuccessWithOutputFile() throws {
        try Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: scratch.appendingPathComponent("f.a"))
        let run = try KickstartBinary.run(header + stdio + ["-s", "f.b=f.b", "/bin/sh", "-c", "cat f.a > f.b; echo done-preprocess"], in: scratch)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stderr, "")
        try assertSameKeys(run.record, as: "ks_success_real.yml")

        let output = scratch.appendingPathComponent("f.b")
        let reference = try KickstartBinary.runProgram(URL(fileURLWithPath: "/usr/bin/sha256sum"), [output.path], in: scratch)
        let digest = String(reference.stdout.prefix(64))
        XCTAssertEqual(digest.count, 64)
        XCTAssertTrue(run.record.contains("\n      sha256: \(digest)\n"), run.record)
        XCTAssertTrue(run.record.contains("\n    f.b:\n      lfn: \"f.b\"\n      file_name: \(output.resolvingSymlinksInPath().path)\n"))
        XCTAssertTrue(run.record.contains("\n      size: 200000\n"))
        XCTAssertTrue(run.record.contains("\n      data: |\n        done-preprocess\n        \n"))
        XCTAssertTrue(run.record.contains("\n      regular_exitcode: 0\n"))
        XCTAssertFalse(run.record.contains("\n  environment:\n"), "environment only on failure or -f")
    }

    func testExitCodeThree() throws {
        let run = try KickstartBinary.run(header + stdio + ["/bin/sh", "-c", "echo partial-output; echo \"analyze: cannot open f.c\" >&2; exit 3"], in: scratch)
        XCTAssertEqual(run.status, 3)
        XCTAssertTrue(run.record.contains("\n    status:\n      raw: 768\n      regular_exitcode: 3\n"), run.record)
        XCTAssertTrue(run.record.contains("\n      - \"echo partial-output; echo \\\"analyze: cannot open f.c\\\" >&2; exit 3\"\n"))
        try assertSameKeys(run.record, as: "ks_failed_real.yml")
    }

    func testKilledBySignalNine() throws {
        let run = try KickstartBinary.run(["-n", "diamond::sig", "-N", "ID0000009", "-R", "local"] + stdio
                                          + ["sh", "-c", "echo about-to-die; kill -9 $$"], in: scratch)
        XCTAssertEqual(run.status, 128 + 9)
        XCTAssertTrue(run.record.contains("\n      raw: 9\n      signalled_signal: 9\n      singalled_name: \"Killed\"\n      corefile: false\n"), run.record)
        try assertSameKeys(run.record, as: "ks_signalled_real.yml")
    }

    func testNotFound() throws {
        let run = try KickstartBinary.run(["-n", "x", "-N", "y", "-R", "local"] + stdio + ["/nonexistent/binary"], in: scratch)
        XCTAssertEqual(run.status, 127)
        XCTAssertTrue(run.stderr.contains("/nonexistent/binary"), run.stderr)
        XCTAssertTrue(run.record.contains("\n      raw: -127\n      failure_error: 2   No such file or directory\n    executable:\n      error: 2\n      file_name: /nonexistent/binary\n    argument_vector:\n"), run.record)
        try assertSameKeys(run.record, as: "ks_notfound_real.yml")

        let path = try KickstartBinary.run(["no-such-program-\(UUID().uuidString)"], in: scratch)
        XCTAssertEqual(path.status, 127)
        XCTAssertTrue(path.record.contains("failure_error: 2   No such file or directory"))
        let plainFile = scratch.appendingPathComponent("data.txt")
        try Data("not a program\n".utf8).write(to: plainFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: plainFile.path)
        let notExecutable = try KickstartBinary.run([plainFile.path], in: scratch)
        XCTAssertEqual(notExecutable.status, 127)
        XCTAssertTrue(notExecutable.record.contains("failure_error: 13   Permission denied"), notExecutable.record)
    }

    func testTerminationIsForwardedToTheJobsProcessGroup() throws {
        try KickstartBinary.requireBinary()
        let process = Process()
        process.executableURL = KickstartBinary.url
        let record = scratch.appendingPathComponent("term.yml")
        // The job starts a grandchild in its group; both must go.
        process.arguments = ["-r", record.path, "/bin/sh", "-c", "sleep 300 & echo $! > grandchild; wait"]
        process.currentDirectoryURL = scratch
        try process.run()
        let pidFile = scratch.appendingPathComponent("grandchild")
        let started = Date()
        while (try? String(contentsOf: pidFile, encoding: .utf8))?.hasSuffix("\n") != true, Date().timeIntervalSince(started) < 20 { usleep(10_000) }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 128 + 15)
        let text = try String(contentsOf: record, encoding: .utf8)
        XCTAssertTrue(text.contains("\n      signalled_signal: 15\n"), text)
        let grandchild = try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        // Gone, or a zombie waiting for a PID 1 that may never reap it (containers).
        func state() -> Substring? {
            (try? String(contentsOfFile: "/proc/\(grandchild)/stat", encoding: .utf8))?.split(separator: ")").last?.split(separator: " ").first
        }
        let deadline = Date().addingTimeInterval(10)
        while let s = state(), s != "Z", Date() < deadline { usleep(20_000) }
        let state = state()
        XCTAssertTrue(state == nil || state == "Z", "the grandchild in the job's process group was killed too (state \(state ?? "-"))")
    }

    func testArbitraryOutputStaysValidYAML() throws {
        // Control characters, quotes, colons, YAML indicators, CR LF, leading blanks, non-UTF-8.
        let script = #"printf '  lead\n\033[31mred\033[0m: "q" # c\n\000nul\007\r\nkey: v\n- item\n--- x\n\377\376 bad \303( ok \303\251\n'; printf 'tab\tx\n%s\n' "$1" >&2"#
        let argument = "arg with \"quotes\", colon: and\ttab\u{1}ctl"
        let run = try KickstartBinary.run(["-n", "odd: \"name\"\n#x", "-o", "o.txt", "-e", "e.txt", "-f",
                                           "/bin/sh", "-c", script, "sh", argument], in: scratch)
        XCTAssertEqual(run.status, 0, run.stderr)
        let file = scratch.appendingPathComponent("record.yml")
        let loaded = try KickstartBinary.pyYAML(file, "[d[0]['transformation'], d[0]['mainjob']['argument_vector'][-1], d[0]['files']['stdout']['data'], d[0]['files']['stderr']['data']]")
        XCTAssertEqual(loaded.status, 0, loaded.output + "\n" + run.record)
        let values = try JSONSerialization.jsonObject(with: Data(loaded.output.utf8)) as? [String]
        XCTAssertEqual(values?[0], "odd: \"name\"\n#x")
        XCTAssertEqual(values?[1], argument)
        XCTAssertEqual(values?[2], "  lead\n\u{241B}[31mred\u{241B}[0m: \"q\" # c\n\u{2400}nul\u{2407}\nkey: v\n- item\n--- x\n\u{FFFD}\u{FFFD} bad \u{FFFD}( ok é\n")
        XCTAssertEqual(values?[3], "tab\tx\n" + argument.replacingOccurrences(of: "\u{1}", with: "\u{2401}") + "\n")
    }

    func testLargeOutputKeepsHeadAndTail() throws {
        let run = try KickstartBinary.run(["-o", "big.out", "/bin/sh", "-c", "echo FIRST; seq 1 100000; echo LAST; exit 1"], in: scratch)
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.record.contains("\n      data_truncated: true\n      data: |\n        FIRST\n"))
        XCTAssertTrue(run.record.contains("bytes omitted ...]\n"))
        XCTAssertTrue(run.record.contains("\n        LAST\n        \n"))
        let loaded = try KickstartBinary.pyYAML(scratch.appendingPathComponent("record.yml"), "len(d[0]['files']['stdout']['data'])")
        XCTAssertEqual(loaded.status, 0, loaded.output)
        let kept = Int(loaded.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        XCTAssertGreaterThan(kept, 2 * 65_536 - 8)
        XCTAssertLessThan(kept, 2 * 65_536 + 100, "64 KiB from each end plus the marker line")
    }

    func testUsageErrorsAndVersion() throws {
        let none = try KickstartBinary.runProgram(KickstartBinary.url, [], in: scratch)
        XCTAssertEqual(none.status, 127)
        XCTAssertTrue(none.stderr.contains("Usage:"))
        XCTAssertEqual(try KickstartBinary.runProgram(KickstartBinary.url, ["-Z", "true"], in: scratch).status, 127)
        XCTAssertEqual(try KickstartBinary.runProgram(KickstartBinary.url, ["-V"], in: scratch).status, 0)
        // Record on stdout by default; the job's own output inherited.
        let plain = try KickstartBinary.runProgram(KickstartBinary.url, ["-w", "/", "--", "pwd"], in: scratch)
        XCTAssertEqual(plain.status, 0)
        XCTAssertTrue(plain.stdout.hasPrefix("/\n- invocation: True\n"), plain.stdout)
        XCTAssertTrue(plain.stdout.contains("\n  cwd: /\n"))
    }

    // MARK: - Keys against the real records

    /// Same keys as the real record at the levels consumers read. Allowed differences:
    /// `hostname` (Pegasus writes it only when reverse DNS resolves; Skein always, from
    /// gethostname) and how stdio files are named (see RecordKeys.sourceNormalized).
    func assertSameKeys(_ record: String, as fixtureName: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertFalse(record.isEmpty, "no record written", file: file, line: line)
        let ours = RecordKeys(record)
        let real = RecordKeys(try KickstartBinary.fixture(fixtureName))
        let optional: Set<String> = ["hostname"]
        XCTAssertEqual(ours.keys("").subtracting(optional), real.keys("").subtracting(optional), "top level", file: file, line: line)
        for path in ["mainjob", "mainjob/usage", "mainjob/status", "mainjob/executable", "usage", "limits"] {
            XCTAssertEqual(ours.keys(path), real.keys(path), path, file: file, line: line)
        }
        if real.keys("machine").contains("procs_total") == ours.keys("machine").contains("procs_total") {
            // States with zero processes are left out by both, so compare the fixed part.
            let states = Set(["running", "sleeping", "waiting", "stopped", "zombie", "other"].flatMap { ["procs_\($0)", "task_\($0)"] })
            XCTAssertEqual(ours.keys("machine").subtracting(states), real.keys("machine").subtracting(states), "machine", file: file, line: line)
        } else {
            XCTAssertEqual(fixtureName, "ks_success_real.yml", "only successful runs leave out the process counts", file: file, line: line)
        }
        XCTAssertEqual(ours.keys("files"), real.keys("files"), "files", file: file, line: line)
        for entry in real.keys("files") {
            XCTAssertEqual(ours.sourceNormalized("files/" + entry), real.sourceNormalized("files/" + entry), "files/\(entry)", file: file, line: line)
        }
    }
}
