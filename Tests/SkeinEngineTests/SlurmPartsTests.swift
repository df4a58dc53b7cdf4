@testable import SkeinEngine
import SkeinRunFormat
import XCTest
import SkeinTestSupport

/// The pure parts of the Slurm executor: profiles to sbatch options, the batch script,
/// and reading squeue, jobcomp and scontrol output.
final class SlurmPartsTests: XCTestCase {
    func job(_ profiles: [String: String]) -> ExecutableJob {
        ExecutableJob(
            id: "ID0000001", kind: .compute, transformation: "diamond::preprocess:4.0", site: "hpc", executor: "slurm",
            executable: "/usr/bin/keg", arguments: ["-a", "it's here"], environment: ["HOME_DIR": "/a b", "bad-name": "x"],
            workingDirectory: "/scratch/run0001", stdin: nil, stdout: "out.txt", stderr: nil, retries: 0, maxWalltime: nil,
            priority: 0, category: nil, abortOnExitCode: nil, abortReturnValue: nil, successMessage: nil, failureMessage: nil,
            parents: [], inputLinks: [], outputs: ["f.b", "out.txt"], hooks: [], profiles: profiles)
    }

    func testProfilesMapToSbatchOptions() {
        let options = SlurmBatchScript.options(
            for: job(["pegasus.cores": "4", "pegasus.memory": "2048", "pegasus.runtime": "3600", "pegasus.queue": "normal",
                      "pegasus.project": "astro", "pegasus.glite.arguments": "--exclusive --qos=high"]),
            name: "ID0000001", slurmLog: "/run/x.slurm.000")
        XCTAssertEqual(options, [
            "--job-name=ID0000001", "--output=/run/x.slurm.000", "--chdir=/scratch/run0001", "--export=ALL", "--no-requeue",
            "--cpus-per-task=4", "--mem=2048M", "--time=60", "--partition=normal", "--account=astro", "--exclusive", "--qos=high",
        ])
        XCTAssertTrue(SlurmBatchScript.options(for: job(["pegasus.maxwalltime": "2.5", "pegasus.runtime": "10"]), name: "j", slurmLog: "l").contains("--time=3"),
                      "maxwalltime (minutes) wins over runtime and rounds up")
    }

    func testScriptRunsTheJobUnderKickstartWithQuotedArguments() {
        let spec = LaunchSpec(executable: "/usr/bin/keg", arguments: [], environment: [], workingDirectory: "/scratch/run0001", stdin: nil,
                              stdout: "/scratch/run0001/out.txt", stderr: "/run/jobs/000/ID0000001.stderr.000")
        let launch = AttemptLaunch(job: 1, attempt: 0, planned: job([:]), spec: spec, recordFile: "/run/jobs/000/ID0000001.out.000", workflowLabel: "diamond")
        let text = SlurmBatchScript.text(launch, kickstart: "/opt/skein/skein-kickstart", slurmLog: "/run/jobs/000/ID0000001.slurm.000")
        XCTAssertTrue(text.hasPrefix("#!/opt/skein/skein-kickstart --script\n"), "skein-kickstart reads the script itself")
        XCTAssertTrue(text.contains("#SBATCH --job-name=ID0000001\n"))
        XCTAssertTrue(text.contains("export HOME_DIR='/a b'\n"))
        XCTAssertFalse(text.contains("bad-name"), "only valid shell names are exported")
        XCTAssertTrue(text.contains("exec /opt/skein/skein-kickstart -n diamond::preprocess:4.0 -N ID0000001 -R hpc -L diamond -w /scratch/run0001 -o /scratch/run0001/out.txt -e /run/jobs/000/ID0000001.stderr.000 -s f.b=/scratch/run0001/f.b -r /run/jobs/000/ID0000001.out.000 -- /usr/bin/keg -a 'it'\\''s here'\n"), text)
    }

    func testScriptFallsBackToShWhenTheWrapperCannotBeItsInterpreter() {
        let spec = LaunchSpec(executable: "/usr/bin/keg", arguments: [], environment: [], workingDirectory: "/scratch/run0001", stdin: nil,
                              stdout: "/scratch/run0001/out.txt", stderr: "/run/jobs/000/ID0000001.stderr.000")
        let launch = AttemptLaunch(job: 1, attempt: 0, planned: job([:]), spec: spec, recordFile: "/run/jobs/000/ID0000001.out.000", workflowLabel: "diamond")
        for kickstart in ["/opt/my tools/skein-kickstart", "/" + String(repeating: "d", count: 120) + "/skein-kickstart", "skein-kickstart"] {
            let text = SlurmBatchScript.text(launch, kickstart: kickstart, slurmLog: "/run/jobs/000/ID0000001.slurm.000")
            XCTAssertTrue(text.hasPrefix("#!/bin/sh\n"), "a #! line cannot name \(kickstart)")
            XCTAssertTrue(text.contains("\nexec " + SlurmBatchScript.quote(kickstart) + " -n "), text)
        }
        XCTAssertTrue(SlurmBatchScript.canInterpret("/" + String(repeating: "d", count: 90) + "/skein-kickstart"))
    }

    func testQueueAndFinalStateParsing() {
        let queued = SlurmQueueParser.squeue("12|RUNNING|None|node1\n13|PENDING|Resources|\n14|PENDING|JobHeldUser|\n")
        XCTAssertEqual(queued["12"], .init(id: "12", state: "RUNNING", reason: "None", node: "node1"))
        XCTAssertEqual(queued["13"]?.reason, "Resources")
        XCTAssertEqual(queued.count, 3)
        let jobcomp = """
            JobId=12 UserId=root(0) GroupId=root(0) Name=ID0000001 JobState=COMPLETED Partition=debug TimeLimit=UNLIMITED StartTime=2026-11-21T11:00:00 EndTime=2026-11-21T11:00:01 NodeList=node1 NodeCnt=1 ProcCnt=1 WorkDir=/tmp ExitCode=0:0
            JobId=15 UserId=root(0) GroupId=root(0) Name=ID0000002 JobState=CANCELLED Partition=debug NodeList=node1 ExitCode=0:15
            """
        let finals = SlurmQueueParser.finalStates(jobcomp, of: ["15", "99"])
        XCTAssertEqual(finals.count, 1)
        XCTAssertEqual(finals["15"]?.state, "CANCELLED")
        XCTAssertEqual(finals["15"]?.node, "node1")
        XCTAssertEqual(SlurmQueueParser.finalStates("JobId=16 JobName=x JobState=NODE_FAIL Reason=NodeDown NodeList=n2", of: ["16"])["16"]?.state, "NODE_FAIL")
    }

    /// An array task is `ARRAY_TASK` to squeue and scancel; jobcomp and scontrol give it a job
    /// id of its own (the array's last task has the array's), and its ArrayJobId/ArrayTaskId.
    func testArrayTasksAreNamedAsSqueueNamesThem() {
        let jobcomp = """
            JobId=96 UserId=root(0) Name=c1 JobState=COMPLETED NodeList=node1 ArrayJobId=95 ArrayTaskId=0 DerivedExitCode=0:0 ExitCode=0:0
            JobId=95 UserId=root(0) Name=c1 JobState=FAILED NodeList=node1 ArrayJobId=95 ArrayTaskId=1 DerivedExitCode=0:0 ExitCode=3:0
            JobId=97 UserId=root(0) Name=join JobState=COMPLETED NodeList=node1 ArrayJobId= ArrayTaskId= ExitCode=0:0
            """
        let finals = SlurmQueueParser.finalStates(jobcomp, of: ["95_0", "95_1", "97", "95", "96"])
        XCTAssertEqual(finals.keys.sorted(), ["95_0", "95_1", "97"])
        XCTAssertEqual(finals["95_1"]?.state, "FAILED")
        XCTAssertEqual(SlurmQuery.queued(status: 0, output: "95_0|RUNNING|None|node1\n95_1|PENDING|Resources|\n")?.keys.sorted(), ["95_0", "95_1"])
    }

    /// Attempts with the same resources share an array; the array's script lists each task's
    /// own batch script and Slurm log, read by skein-kickstart --array (or sh).
    func testAttemptsWithTheSameResourcesShareAnArrayScript() {
        func launch(_ id: String, _ profiles: [String: String]) -> AttemptLaunch {
            var planned = job(profiles)
            planned.id = id
            let spec = LaunchSpec(executable: "/usr/bin/keg", arguments: [], environment: [], workingDirectory: "/scratch/run0001", stdin: nil,
                                  stdout: "/run/jobs/000/\(id).stdout.000", stderr: "/run/jobs/000/\(id).stderr.000")
            return AttemptLaunch(job: 1, attempt: 0, planned: planned, spec: spec, recordFile: "/run/jobs/000/\(id).out.000", workflowLabel: "wf")
        }
        let kickstart = "/opt/skein/skein-kickstart"
        let key = SlurmArrayScript.key(of: launch("a", ["pegasus.cores": "2"]), kickstart: kickstart)
        XCTAssertNotNil(key)
        XCTAssertEqual(key, SlurmArrayScript.key(of: launch("b", ["pegasus.cores": "2"]), kickstart: kickstart), "the name and log do not count")
        XCTAssertNotEqual(key, SlurmArrayScript.key(of: launch("c", ["pegasus.cores": "4"]), kickstart: kickstart))
        XCTAssertNil(SlurmArrayScript.key(of: launch("d", [:]), kickstart: "/opt/my tools/skein-kickstart"), "sh scripts go alone")
        let text = SlurmArrayScript.text(tasks: [("/run/a.sbatch.000", "/run/a.slurm.000"), ("/run/b b.sbatch.000", "/run/b.slurm.000")],
                                         name: "a", options: key!, kickstart: kickstart, workflowLabel: "wf")
        XCTAssertTrue(text.hasPrefix("#!/opt/skein/skein-kickstart --array\n"), text)
        XCTAssertTrue(text.contains("#SBATCH --array=0-1\n#SBATCH --job-name=a\n#SBATCH --output=/dev/null\n#SBATCH --chdir=/scratch/run0001\n"), text)
        XCTAssertTrue(text.contains("#SBATCH --cpus-per-task=2\n"), text)
        XCTAssertTrue(text.contains("\nset -- /run/a.sbatch.000 /run/a.slurm.000 '/run/b b.sbatch.000' /run/b.slurm.000\n"), text)
        XCTAssertEqual(SlurmArrayScript.taskID("95", 1), "95_1")
    }

    func testKickstartRecordsGiveTheExitAndHost() throws {
        let fixtures = TestFixtures.kickstart
        let failed = try XCTUnwrap(KickstartRecordReader.read(fixtures.appendingPathComponent("ks_failed_real.yml").path))
        XCTAssertEqual(failed.exit.rawStatus, 768)
        XCTAssertEqual(failed.exit.exitCode, 3)
        XCTAssertGreaterThan(failed.exit.start, 1_700_000_000)
        let signalled = try XCTUnwrap(KickstartRecordReader.read(fixtures.appendingPathComponent("ks_signalled_real.yml").path))
        XCTAssertEqual(signalled.exit.signal, 9)
        XCTAssertNil(KickstartRecordReader.read("/nonexistent"))
    }

    /// Slurm commands write their output to files reused from one command to the next (no
    /// inode made and freed per `sbatch`), one per command running at once, all removed at the end.
    func testCommandOutputFilesAreReusedAndRemoved() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-outputs-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var files = OutputFiles(folder: folder)
        let first = files.take()
        let second = files.take()
        XCTAssertNotEqual(first, second, "two commands at once never share a file")
        files.giveBack(first)
        XCTAssertEqual(files.take(), first, "a file given back is used again")
        for path in [first, second] { XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("x".utf8))) }
        files.removeAll()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [])
    }
}
