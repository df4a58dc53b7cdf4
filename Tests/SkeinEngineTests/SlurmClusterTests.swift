@testable import SkeinEngine
import Foundation
import SkeinRunFormat
import XCTest

/// A clustered job on Slurm: one batch job that runs skein-kickstart's cluster mode over the
/// attempt's task list, judged by the record's `[cluster-summary]` line.
final class SlurmClusterTests: XCTestCase {
    func cluster() -> ExecutableJob {
        var job = ExecutableJob(
            id: "merge_keg_PID1_ID1", kind: .compute, transformation: "pegasus::seqexec", site: "hpc", executor: "slurm",
            executable: "skein-kickstart", arguments: [], environment: ["TOOL_HOME": "/opt/tool"], workingDirectory: "/scratch/run0001",
            parents: [], profiles: ["pegasus.runtime": "120", "pegasus.queue": "short"])
        job.tasks = [
            ExecutableTask(id: "ID0000001", transformation: "keg", executable: "/usr/bin/keg", arguments: ["-a", "1"]),
            ExecutableTask(id: "ID0000002", transformation: "keg", executable: "/usr/bin/keg", arguments: ["-a", "2"]),
        ]
        return job
    }

    func testOneBatchJobRunsTheClusterUnderKickstart() {
        let spec = LaunchSpec(
            executable: "/usr/local/bin/skein-kickstart", arguments: ["--cluster", "/run/jobs/000/merge_keg_PID1_ID1.in.001", "-r", "/run/jobs/000/merge_keg_PID1_ID1.out.001"],
            environment: [], workingDirectory: "/scratch/run0001", stdin: nil, stdout: "/run/jobs/000/merge_keg_PID1_ID1.stdout.001",
            stderr: "/run/jobs/000/merge_keg_PID1_ID1.stderr.001")
        let launch = AttemptLaunch(job: 3, attempt: 1, planned: cluster(), spec: spec, recordFile: "/run/jobs/000/merge_keg_PID1_ID1.out.001", workflowLabel: "keg")
        let text = SlurmBatchScript.text(launch, kickstart: "/opt/skein/skein-kickstart", slurmLog: "/run/jobs/000/merge_keg_PID1_ID1.slurm.001")
        XCTAssertTrue(text.contains("#SBATCH --job-name=merge_keg_PID1_ID1\n"), text)
        XCTAssertTrue(text.contains("#SBATCH --time=2\n"), "the cluster's runtime (the tasks' sum, in seconds) as minutes: \(text)")
        XCTAssertTrue(text.contains("#SBATCH --partition=short\n"))
        XCTAssertTrue(text.contains("export TOOL_HOME=/opt/tool\n"))
        XCTAssertTrue(text.hasSuffix(
            "exec /opt/skein/skein-kickstart --cluster /run/jobs/000/merge_keg_PID1_ID1.in.001 -r /run/jobs/000/merge_keg_PID1_ID1.out.001 >/run/jobs/000/merge_keg_PID1_ID1.stdout.001 2>/run/jobs/000/merge_keg_PID1_ID1.stderr.001\n"),
            text)
        XCTAssertFalse(text.contains("/usr/bin/keg"), "the tasks are in the task list, not the script")
    }

    func testTheSummaryLineIsTheClustersVerdict() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("skein-slurm-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let task = """
            - invocation: True
              version: 3.0
              start: 2026-11-21T08:06:43.023+00:00
              duration: 0.5
              derivation: ID0000001
              hostname: node7
              mainjob:
                start: 2026-11-21T08:06:43.023+00:00
                duration: 0.5
                usage: {utime: 0.25, stime: 0.125, maxrss: 2048}
                status: {raw: 0, regular_exitcode: 0}

            """
        let line = "[cluster-task id=1, start=\"2026-11-21T08:06:43.023+00:00\", duration=0.500, status=0, line=2, pid=7, app=\"/usr/bin/keg\"]\n"
        let ok = folder.appendingPathComponent("ok.out").path
        try (task + line + "[cluster-summary stat=\"ok\", lines=2, tasks=1, succeeded=1, failed=0, extra=0, duration=0.600, start=\"2026-11-21T08:06:43.000+00:00\", pid=6, app=\"skein-kickstart\"]\n")
            .write(toFile: ok, atomically: true, encoding: .utf8)
        let facts = try XCTUnwrap(KickstartRecordReader.read(ok))
        XCTAssertEqual(facts.exit.rawStatus, 0)
        XCTAssertEqual(facts.hostname, "node7")
        XCTAssertEqual(facts.exit.end - facts.exit.start, 0.6, accuracy: 0.001)
        XCTAssertEqual(facts.exit.usage.ru_maxrss, 2048)

        let failed = folder.appendingPathComponent("failed.out").path
        try (task + line + "[cluster-summary stat=\"fail\", lines=4, tasks=2, succeeded=1, failed=1, extra=0, duration=0.900, start=\"2026-11-21T08:06:43.000+00:00\", pid=6, app=\"skein-kickstart\"]\n")
            .write(toFile: failed, atomically: true, encoding: .utf8)
        XCTAssertEqual(try XCTUnwrap(KickstartRecordReader.read(failed)).exit.exitCode, 5, "pegasus-cluster's exit code for a failed task")

        let unfinished = folder.appendingPathComponent("unfinished.out").path
        try (task + line).write(toFile: unfinished, atomically: true, encoding: .utf8)
        XCTAssertNil(KickstartRecordReader.read(unfinished), "no summary: the record does not say how the cluster ended")
    }
}
