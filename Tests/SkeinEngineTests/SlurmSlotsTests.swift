@testable import SkeinEngine
import Foundation
import SkeinEngineCore
import SkeinRunFormat
import XCTest

/// `--maxjobs` counts this machine's slots; jobs on a Slurm site are limited by
/// `--slurm-max-queued` and `dagman.maxjobs`, not by the local core count (a 500-job Slurm
/// fan-out used to go out two at a time). The real engine and Slurm executor in virtual
/// engine time, with named fake `sbatch`/`squeue` commands (`SlurmSettings.binDirectory`):
/// the real Slurm is not started in unit tests.
final class SlurmSlotsTests: XCTestCase {
    var directory: URL!
    let clock = VirtualClock(now: 1_700_000_000)

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-slurm-slots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("work"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// Fake Slurm commands: sbatch hands out ids 1000, 1001, ... and remembers them (an
    /// array's tasks as squeue names them, 1000_0, 1000_1, ...); squeue
    /// lists every remembered job as running until the test writes `ended` (then none).
    func fakeSlurm() throws -> URL {
        let bin = directory.appendingPathComponent("fake-slurm-bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let scripts = [
            "sbatch": """
                d="$(dirname "$0")"
                last=$(sed -n 's/^#SBATCH --array=0-//p' "$2")
                ( flock 9; n=$(( $(cat "$d/next" 2>/dev/null || echo 1000) )); echo $((n + 1)) > "$d/next"
                  if [ -n "$last" ]; then i=0; while [ $i -le $last ]; do echo "${n}_$i" >> "$d/ids"; i=$((i + 1)); done; else echo "$n" >> "$d/ids"; fi
                  echo "$n" ) 9>"$d/lock"

                """,
            "squeue": """
                d="$(dirname "$0")"
                [ -f "$d/ended" ] && exit 0
                [ -f "$d/ids" ] && sed 's/$/|RUNNING|None|node1/' "$d/ids"
                exit 0

                """,
            "scontrol": "echo \"JobId=$4 JobState=FAILED Reason=NonZeroExitCode NodeList=node1 ExitCode=1:0\"\n",
            "scancel": "exit 0\n",
        ]
        for (name, body) in scripts {
            let path = bin.appendingPathComponent(name).path
            try ("#!/bin/sh\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
        }
        return bin
    }

    func submittedIDs(_ bin: URL) -> Int {
        ((try? String(contentsOf: bin.appendingPathComponent("ids"), encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    func plan(slurmJobs: Int) -> ExecutablePlan {
        let work = directory.appendingPathComponent("work").path
        return ExecutablePlan(
            label: "slots", wfUUID: UUID().uuidString, workflowFile: "wf.yml", runDirectory: directory.path, scratchDirectory: work,
            outputDirectory: work, createdAt: clock.now(), plannerArguments: [],
            jobs: (0..<slurmJobs).map {
                ExecutableJob(id: "s\($0)", kind: .compute, transformation: "t", site: "hpc", executor: "slurm", executable: "/bin/true",
                              arguments: [], environment: [:], workingDirectory: work, parents: [])
            })
    }

    /// Runs the plan until `expected` jobs were submitted, checks no more are, then lets
    /// every job leave the queue (they fail: no record) so the engine ends.
    func submitted(maxJobs: Int, batchMaxJobs: Int?, jobs: Int, expected: Int) throws -> Int {
        let bin = try fakeSlurm()
        let settings = SlurmSettings(pollInterval: 0.05, submitRate: 10_000, maxQueued: 1000, binDirectory: bin.path, kickstart: "/bin/true")
        let slurm = SlurmExecutor(settings: settings, processes: LocalExecutor.shared, runDirectory: directory.path)
        let engine = try WorkflowEngine(plan: plan(slurmJobs: jobs), options: EngineOptions(maxJobs: maxJobs, batchMaxJobs: batchMaxJobs, controlPollInterval: 1),
                                        executors: ["slurm": slurm], clock: clock)
        let ended = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = engine.run()
            ended.signal()
        }
        let deadline = Date().addingTimeInterval(60)
        while submittedIDs(bin) < expected {
            guard Date() < deadline else { break }
            usleep(10_000)
        }
        let onBatch = engine.queue.sync { engine.scheduler.runningOnBatch }
        XCTAssertEqual(onBatch, expected, "jobs handed to Slurm at once")
        try "".write(to: bin.appendingPathComponent("ended"), atomically: true, encoding: .utf8)
        XCTAssertEqual(ended.wait(timeout: .now() + 60), .success, "the engine ends once the jobs left the queue")
        return submittedIDs(bin)
    }

    func testSlurmJobsAreNotLimitedByTheLocalSlots() throws {
        let count = try submitted(maxJobs: 2, batchMaxJobs: nil, jobs: 40, expected: 40)
        XCTAssertEqual(count, 40, "all 40 submitted though --maxjobs is 2")
    }

    func testDagmanMaxjobsCapsSlurmJobs() throws {
        let count = try submitted(maxJobs: 2, batchMaxJobs: 7, jobs: 40, expected: 7)
        XCTAssertGreaterThanOrEqual(count, 7)
    }
}
