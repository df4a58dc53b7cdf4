#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import SkeinEngine
import SkeinRunFormat
import SkeinTestSupport
import XCTest

/// The batch script of a sandboxed (nonsharedfs) job on a Slurm site: a folder of its own
/// made on the node, inputs brought in and outputs taken back by skein-transfer around
/// skein-kickstart. Two forms: skein-kickstart as the script's interpreter doing all of it
/// (`--sandbox`), and, when its path cannot follow `#!`, the same in sh. The script is run
/// here (directly, and by /bin/sh: its `#SBATCH` lines are comments) with the real
/// skein-transfer and skein-kickstart; Slurm itself is not needed for what it does on the node.
final class SlurmSandboxScriptTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-slurm-sandbox-\(UUID().uuidString)")
        for folder in ["staging", "replicas", "node-tmp", "run/jobs/000"] {
            try FileManager.default.createDirectory(at: scratch.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    var binaries: URL {
        var dir = Bundle(for: SlurmSandboxScriptTests.self).bundleURL
        if dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
        return dir
    }

    func path(_ name: String) -> String { scratch.appendingPathComponent(name).path }

    func launch() -> AttemptLaunch {
        var job = ExecutableJob(
            id: "ID0000002", kind: .compute, transformation: "sh", site: "hpc", executor: "slurm", executable: "/bin/sh",
            arguments: ["-c", "cat in.txt rep.txt > out.txt; pwd > where.txt"], environment: [:], workingDirectory: path("staging"),
            parents: [], inputLinks: [InputLink(lfn: "rep.txt", source: path("replicas/rep.txt"))], outputs: ["out.txt"])
        job.sandbox = JobSandbox(root: path("staging"), inputs: [SandboxFile(lfn: "in.txt", path: path("staging/in.txt"))],
                                 outputs: [SandboxFile(lfn: "out.txt", path: path("staging/out.txt"))])
        let spec = LaunchSpec(executable: "/bin/sh", arguments: [], environment: [], workingDirectory: path("staging"), stdin: nil,
                              stdout: path("run/jobs/000/ID0000002.stdout.000"), stderr: path("run/jobs/000/ID0000002.stderr.000"))
        return AttemptLaunch(job: 1, attempt: 0, planned: job, spec: spec, recordFile: path("run/jobs/000/ID0000002.out.000"), workflowLabel: "two")
    }

    /// The built tools behind a path too long for a `#!` line (symbolic links), so the
    /// engine writes the sh form.
    func longToolsFolder() throws -> String {
        let folder = path(String(repeating: "l", count: 80))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for tool in ["skein-kickstart", "skein-transfer"] {
            try? FileManager.default.createSymbolicLink(atPath: folder + "/" + tool, withDestinationPath: binaries.appendingPathComponent(tool).path)
        }
        return folder
    }

    func script(_ launch: AttemptLaunch, inShell: Bool = false) throws -> String {
        let (inputs, outputs) = try XCTUnwrap(SlurmBatchScript.sandboxTransfers(launch.planned))
        let lists = SlurmBatchScript.SandboxLists(inputs: path("run/jobs/000/ID0000002.stagein.000.json"), outputs: path("run/jobs/000/ID0000002.stageout.000.json"))
        try inputs.write(to: URL(fileURLWithPath: lists.inputs))
        try outputs.write(to: URL(fileURLWithPath: lists.outputs))
        let kickstart = inShell ? try longToolsFolder() + "/skein-kickstart" : binaries.appendingPathComponent("skein-kickstart").path
        XCTAssertEqual(SlurmBatchScript.canInterpret(kickstart), !inShell, "the test's folders are too long: \(kickstart)")
        return SlurmBatchScript.text(launch, kickstart: kickstart, slurmLog: path("run/jobs/000/ID0000002.slurm.000"), sandboxLists: lists)
    }

    func testKickstartMakesTheNodesFolderAndMovesFilesAroundTheJob() throws {
        let text = try script(launch())
        let kickstart = binaries.appendingPathComponent("skein-kickstart").path
        XCTAssertTrue(text.hasPrefix("#!\(kickstart) --script\n"), text)
        XCTAssertTrue(text.contains("#SBATCH --chdir=\(path("run/jobs/000"))\n"), "the node cannot enter the staging folder first: \(text)")
        XCTAssertTrue(text.contains("\nexec \(kickstart) --sandbox ID0000002 --transfer \(binaries.appendingPathComponent("skein-transfer").path)"
                                    + " --stage-in \(path("run/jobs/000/ID0000002.stagein.000.json")) --stage-out \(path("run/jobs/000/ID0000002.stageout.000.json"))"
                                    + " --taken-back \(path("run/jobs/000/ID0000002.out.000.back")) -n sh "), text)
        XCTAssertTrue(text.contains(" -w . "), "the job's folder is the one kickstart made: \(text)")
        XCTAssertTrue(text.contains(" -s out.txt=./out.txt "), text)
        XCTAssertFalse(text.contains("$sandbox") || text.contains("mktemp") || text.contains("rm -rf"), text)
    }

    func testTheShellScriptNamesTheNodesFolderAndMovesFilesAroundKickstart() throws {
        let text = try script(launch(), inShell: true)
        XCTAssertTrue(text.hasPrefix("#!/bin/sh\n"), text)
        XCTAssertTrue(text.contains("#SBATCH --chdir=\(path("run/jobs/000"))\n"), "the node cannot enter the staging folder first: \(text)")
        XCTAssertTrue(text.contains("sandbox=$(mktemp -d \"${SKEIN_WN_TMP:-${TMPDIR:-/tmp}}\"/ID0000002.sandbox-XXXXXX) || exit 1\n"), text)
        XCTAssertTrue(text.contains("-w ''\"$sandbox\"'' "), text)
        XCTAssertTrue(text.contains("/skein-transfer -f \(path("run/jobs/000/ID0000002.stagein.000.json"))"), text)
        XCTAssertFalse(text.contains("exec "), "the shell stays to take the outputs back and remove the folder")
    }

    /// A job without files (condorio's default sandbox of a job that declares none) starts
    /// no skein-transfer on the node.
    func testAJobWithoutFilesStartsNoTransfer() throws {
        var bare = launch()
        bare.planned.inputLinks = []
        bare.planned.sandbox = JobSandbox(root: path("staging"), inputs: [], outputs: [])
        let text = try script(bare)
        XCTAssertFalse(text.contains("skein-transfer") || text.contains("--stage-") || text.contains("--taken-back"), text)
        XCTAssertTrue(text.contains("\nexec \(binaries.appendingPathComponent("skein-kickstart").path) --sandbox ID0000002 -n sh "), text)
        let shell = try script(bare, inShell: true)
        XCTAssertFalse(shell.contains("skein-transfer"), shell)
        XCTAssertTrue(shell.contains("cd \"$sandbox\" || exit 1\n"), shell)
    }

    func testOnTheNodeInputsComeInAndOnlyTheOutputsGoBack() throws {
        for tool in ["skein-kickstart", "skein-transfer"] where !FileManager.default.isExecutableFile(atPath: binaries.appendingPathComponent(tool).path) {
            throw missingRealPart("\(tool) is not built beside the tests (swift build builds it)")
        }
        // As Slurm runs it (kickstart its interpreter), by sh, and the sh form by sh.
        for (inShell, runner) in [(false, [String]()), (false, ["/bin/sh"]), (true, ["/bin/sh"])] {
            try runOnTheNode(inShell: inShell, runner: runner)
        }
    }

    func runOnTheNode(inShell: Bool, runner: [String]) throws {
        for file in ["staging/out.txt", "staging/where.txt", "run/jobs/000/ID0000002.out.000", "run/jobs/000/ID0000002.out.000.back"] {
            try? FileManager.default.removeItem(atPath: path(file))
        }
        try "staged\n".write(toFile: path("staging/in.txt"), atomically: true, encoding: .utf8)
        try "replica\n".write(toFile: path("replicas/rep.txt"), atomically: true, encoding: .utf8)
        let file = path("run/jobs/000/ID0000002.sbatch.000")
        try script(launch(), inShell: inShell).write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o755)
        let result = try Command.run(runner + [file], environment: ["SKEIN_WN_TMP": path("node-tmp")])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(try String(contentsOfFile: path("staging/out.txt"), encoding: .utf8), "staged\nreplica\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("staging/where.txt")), "undeclared files stay on the node")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("node-tmp")), [], "the node's folder is removed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("run/jobs/000/ID0000002.out.000")), "kickstart wrote the record")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("run/jobs/000/ID0000002.out.000.back")), "the outputs are back: the marker")
        let record = try String(contentsOfFile: path("run/jobs/000/ID0000002.out.000"), encoding: .utf8)
        XCTAssertTrue(record.contains("\n  cwd: \(path("node-tmp"))/ID0000002.sandbox-"), record)
        XCTAssertTrue(record.contains("\n      file_name: \(path("node-tmp"))/ID0000002.sandbox-"), "outputs named by their real path on the node")

        // A missing input: no record, the job never ran, the reason in the Slurm log (stderr here).
        try FileManager.default.removeItem(atPath: path("staging/in.txt"))
        try FileManager.default.removeItem(atPath: path("run/jobs/000/ID0000002.out.000"))
        let missing = try Command.run(runner + [file], environment: ["SKEIN_WN_TMP": path("node-tmp")])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("inputs could not be brought in"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("run/jobs/000/ID0000002.out.000")))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("node-tmp")), [])
    }
}
