import Foundation
import XCTest

/// `skein-kickstart --array FILE`, the interpreter of the Slurm job arrays Skein writes: task N
/// (SLURM_ARRAY_TASK_ID) runs the N-th batch script of the `set --` line with its output in the
/// task's log, as `sh FILE` does with the same script; a task the line lacks runs nothing.
final class KickstartArrayTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        try KickstartBinary.requireBinary()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-ks-array-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    /// Two batch scripts in SlurmBatchScript's form and the array script that runs them.
    private func writeArray() throws -> URL {
        let kickstart = KickstartBinary.url.path
        for task in ["a", "b b"] {
            try """
                #!\(kickstart) --script
                export TASK='\(task)'
                exec \(kickstart) -n t -N job -R hpc -L wf -w \(scratch.path) -o '\(task).out' -e '\(task).err' -r '\(task).yml' -- /bin/sh -c 'echo "task $TASK"'

                """.write(to: scratch.appendingPathComponent("\(task).sbatch"), atomically: true, encoding: .utf8)
        }
        let array = scratch.appendingPathComponent("array.sbatch")
        try """
            #!\(kickstart) --array
            #SBATCH --array=0-1
            set -- '\(scratch.path)/a.sbatch' '\(scratch.path)/a.slurm' '\(scratch.path)/b b.sbatch' '\(scratch.path)/b b.slurm'
            shift $((SLURM_ARRAY_TASK_ID * 2)) && exec \(kickstart) --script "$1" >"$2" 2>&1

            """.write(to: array, atomically: true, encoding: .utf8)
        return array
    }

    func testEachTaskRunsItsScriptLikeShellWould() throws {
        let array = try writeArray()
        let env = URL(fileURLWithPath: "/usr/bin/env")
        let direct = try KickstartBinary.runProgram(env, ["SLURM_ARRAY_TASK_ID=1", KickstartBinary.url.path, "--array", array.path], in: scratch)
        XCTAssertEqual(direct.status, 0, direct.stderr)
        XCTAssertEqual(try String(contentsOf: scratch.appendingPathComponent("b b.out"), encoding: .utf8), "task b b\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("b b.slurm").path), "the task's own log")
        XCTAssertTrue(try String(contentsOf: scratch.appendingPathComponent("b b.yml"), encoding: .utf8).contains("regular_exitcode: 0"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("a.out").path), "only task 1 ran")

        let shell = try KickstartBinary.runProgram(env, ["SLURM_ARRAY_TASK_ID=0", "/bin/sh", array.path], in: scratch)
        XCTAssertEqual(shell.status, 0, shell.stderr)
        XCTAssertEqual(try String(contentsOf: scratch.appendingPathComponent("a.out"), encoding: .utf8), "task a\n")
    }

    func testATaskTheArrayLacksRunsNothing() throws {
        let array = try writeArray()
        let env = URL(fileURLWithPath: "/usr/bin/env")
        let missing = try KickstartBinary.runProgram(env, ["SLURM_ARRAY_TASK_ID=2", KickstartBinary.url.path, "--array", array.path], in: scratch)
        XCTAssertEqual(missing.status, 127)
        XCTAssertTrue(missing.stderr.contains("no task 2"), missing.stderr)
        let unset = try KickstartBinary.runProgram(env, ["-u", "SLURM_ARRAY_TASK_ID", KickstartBinary.url.path, "--array", array.path], in: scratch)
        XCTAssertEqual(unset.status, 127)
        XCTAssertTrue(unset.stderr.contains("SLURM_ARRAY_TASK_ID is not set"), unset.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("a.out").path))
    }
}
