import Foundation
import XCTest

/// `skein-kickstart --script FILE`, the interpreter of Skein's Slurm batch scripts: the script
/// run directly (its `#!` line naming the built wrapper) must do what `sh FILE` does with it,
/// and a line it does not understand must stop it before the job starts, naming file, line and
/// column.
final class KickstartScriptTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        try KickstartBinary.requireBinary()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-ks-script-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    /// A script in the form SlurmBatchScript writes: exports, then one exec line.
    private func script(record: String, output: String) -> String {
        let kickstart = KickstartBinary.url.path
        return """
            #!\(kickstart) --script
            # Skein attempt 0 of job ID0000001 (workflow diamond)
            #SBATCH --job-name=ID0000001
            export GREETING='it'\\''s "quoted" $HOME'
            export EMPTY=''
            exec \(kickstart) -n diamond::preprocess:4.0 -N ID0000001 -R hpc -L diamond -w \(scratch.path) -o job.out -e job.err -r \(record) -- /bin/sh -c 'printf "%s|%s|%s\\n" "$GREETING" "${EMPTY-unset}" "$1" > \(output)' sh 'two  words'

            """
    }

    func testScriptRunsLikeShellWouldRunIt() throws {
        let path = scratch.appendingPathComponent("job.sbatch")
        try script(record: "direct.yml", output: "direct.txt").write(to: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path.path)
        // The kernel reads at most 127 bytes of a #! line on older kernels: run through the
        // option when this build's path is too long for that, as the engine falls back to sh.
        let direct = KickstartBinary.url.path.utf8.count + 11 <= 127
            ? try KickstartBinary.runProgram(path, [], in: scratch)
            : try KickstartBinary.runProgram(KickstartBinary.url, ["--script", path.path], in: scratch)
        XCTAssertEqual(direct.status, 0, direct.stderr)

        try script(record: "shell.yml", output: "shell.txt").write(to: path, atomically: true, encoding: .utf8)
        let shell = try KickstartBinary.runProgram(URL(fileURLWithPath: "/bin/sh"), [path.path], in: scratch)
        XCTAssertEqual(shell.status, 0, shell.stderr)

        let byKickstart = try String(contentsOf: scratch.appendingPathComponent("direct.txt"), encoding: .utf8)
        XCTAssertEqual(byKickstart, "it's \"quoted\" $HOME||two  words\n")
        XCTAssertEqual(byKickstart, try String(contentsOf: scratch.appendingPathComponent("shell.txt"), encoding: .utf8))

        let record = try String(contentsOf: scratch.appendingPathComponent("direct.yml"), encoding: .utf8)
        XCTAssertTrue(record.contains("\n  derivation: \"ID0000001\"\n  resource: \"hpc\"\n"), record)
        XCTAssertTrue(record.contains("\n      - \"two  words\"\n"), record)
        XCTAssertTrue(record.contains("\n      regular_exitcode: 0\n"), record)
        let shellRecord = try String(contentsOf: scratch.appendingPathComponent("shell.yml"), encoding: .utf8)
        XCTAssertEqual(argumentVector(record.replacingOccurrences(of: "direct.txt", with: "shell.txt")), argumentVector(shellRecord))
        XCTAssertFalse(argumentVector(record).isEmpty)
    }

    func testALineItDoesNotUnderstandStopsItBeforeTheJob() throws {
        let path = scratch.appendingPathComponent("odd.sbatch")
        let kickstart = KickstartBinary.url.path
        try """
            #!\(kickstart) --script
            export A=1
            touch ran-anyway; exec \(kickstart) -r odd.yml -- /bin/true

            """.write(to: path, atomically: true, encoding: .utf8)
        let run = try KickstartBinary.runProgram(KickstartBinary.url, ["--script", path.path], in: scratch)
        XCTAssertEqual(run.status, 127)
        XCTAssertTrue(run.stderr.contains("\(path.path):3:17: not in the quoting Skein writes"), run.stderr)
        XCTAssertTrue(run.stderr.contains("/bin/sh"), "says what to do: \(run.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("ran-anyway").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("odd.yml").path))
    }

    func testAnExecLineRunningAnotherProgramIsRefused() throws {
        let path = scratch.appendingPathComponent("other.sbatch")
        try "#!/bin/sh\nexec /bin/echo -r other.yml -- /bin/true\n".write(to: path, atomically: true, encoding: .utf8)
        let run = try KickstartBinary.runProgram(KickstartBinary.url, ["--script", path.path], in: scratch)
        XCTAssertEqual(run.status, 127)
        XCTAssertTrue(run.stderr.contains("the exec line runs /bin/echo"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("other.yml").path))
    }

    /// The `argument_vector:` lines of a record.
    private func argumentVector(_ record: String) -> [Substring] {
        let lines = record.split(separator: "\n")
        guard let start = lines.firstIndex(of: "    argument_vector:") else { return [] }
        return Array(lines[(start + 1)...].prefix { $0.hasPrefix("      - ") })
    }
}
