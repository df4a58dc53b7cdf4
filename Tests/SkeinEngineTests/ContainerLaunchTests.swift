import SkeinRunFormat
import XCTest
@testable import SkeinEngine

/// The command a container job's attempt runs: the runtime around the job's own command.
final class ContainerLaunchTests: XCTestCase {
    let spec = LaunchSpec(executable: "/bin/sh", arguments: ["-c", "cat in.txt"], environment: ["PATH=/host/bin", "MYVAR=1", "PEGASUS_JOBID=a"],
                          workingDirectory: "/scratch/run", stdin: nil, stdout: "/run/a.stdout", stderr: "/run/a.stderr")

    func job() -> ExecutableJob {
        ExecutableJob(id: "a", kind: .compute, transformation: "sh", site: "local", executable: "/bin/sh", arguments: ["-c", "cat in.txt"],
                      environment: ["MYVAR": "1"], workingDirectory: "/scratch/run", parents: [], inputLinks: [InputLink(lfn: "in.txt", source: "/data/in.txt")])
    }

    func testPodmanRunsTheJobWithItsFolderInputsMountsAndEnvironment() {
        let container = PlannedContainer(name: "box", type: "docker", runtime: "podman", runtimePath: "/usr/bin/podman", image: "localhost/skein/box:u", mounts: ["/opt:/opt:ro"])
        let wrapped = ContainerLaunch.wrap(spec, job: job(), container: container, name: "skein-u-a-0", userID: 0, groupID: 0, usageHelper: nil)
        XCTAssertEqual(wrapped.executable, "/usr/bin/podman")
        XCTAssertEqual(wrapped.arguments, [
            "run", "--rm", "--init", "--name", "skein-u-a-0", "--pull", "never", "--entrypoint", "",
            "--volume", "/scratch/run:/scratch/run", "--workdir", "/scratch/run", "--volume", "/data/in.txt:/data/in.txt:ro", "--volume", "/opt:/opt:ro",
            "--env", "MYVAR=1", "--env", "PEGASUS_JOBID=a", "localhost/skein/box:u", "/bin/sh", "-c", "cat in.txt",
        ])
        XCTAssertEqual(wrapped.environment, spec.environment, "the runtime keeps the engine's environment")
        XCTAssertEqual(wrapped.stdout, spec.stdout)
        let rootless = ContainerLaunch.wrap(spec, job: job(), container: container, name: "n", userID: 1000, groupID: 1000, usageHelper: nil)
        XCTAssertTrue(rootless.arguments.joined(separator: " ").contains("--userns keep-id"), "files the job writes stay the user's")
    }

    /// podman's client is not the job's parent: skein-rusage runs the command inside and its
    /// figures replace the client's in the attempt's end.
    func testTheJobsOwnRusageComesFromInsideTheContainer() throws {
        let container = PlannedContainer(name: "box", type: "docker", runtime: "podman", runtimePath: "/usr/bin/podman", image: "img")
        let wrapped = ContainerLaunch.wrap(spec, job: job(), container: container, name: "n", userID: 0, groupID: 0, usageHelper: "/opt/skein/skein-rusage")
        XCTAssertTrue(wrapped.arguments.joined(separator: " ").contains("--volume /opt/skein/skein-rusage:/.skein-rusage:ro"), wrapped.arguments.joined(separator: " "))
        XCTAssertEqual(Array(wrapped.arguments.suffix(7)), ["img", "/.skein-rusage", "/scratch/run/.n.rusage", "--", "/bin/sh", "-c", "cat in.txt"])

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("skein-rusage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "1.250000 0.500000 98304\n".write(toFile: folder.path + "/.n.rusage", atomically: true, encoding: .utf8)
        let client = ProcessExit(pid: 7, rawStatus: 0, usage: rusage(), start: 1, end: 2)
        let end = ContainerLaunch.withJobUsage(AttemptEnd(.process(client)), workingDirectory: folder.path, name: "n")
        XCTAssertEqual(end.termination.usage?.ru_utime.tv_sec, 1)
        XCTAssertEqual(end.termination.usage?.ru_utime.tv_usec, 250_000)
        XCTAssertEqual(end.termination.usage?.ru_stime.tv_usec, 500_000)
        XCTAssertEqual(end.termination.usage?.ru_maxrss, 98304)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path + "/.n.rusage"), "the file is the engine's to remove")
    }

    func testTheJobsRuntimeOptionsAndGPUsComeBeforeTheImage() {
        var container = PlannedContainer(name: "box", type: "docker", runtime: "docker", runtimePath: "/usr/bin/docker", image: "img")
        container.arguments = ["--cap-add", "SYS_PTRACE"]
        container.gpus = true
        let wrapped = ContainerLaunch.wrap(spec, job: job(), container: container, name: "n", userID: 1000, groupID: 100, usageHelper: nil)
        XCTAssertEqual(Array(wrapped.arguments.suffix(10)), ["--env", "PEGASUS_JOBID=a", "--gpus", "all", "--cap-add", "SYS_PTRACE", "img", "/bin/sh", "-c", "cat in.txt"])
        XCTAssertTrue(wrapped.arguments.contains("--user") && wrapped.arguments.contains("1000:100"), "docker runs the job as the user")
    }

    func testApptainerExecsTheImageFile() {
        let container = PlannedContainer(name: "box", type: "singularity", runtime: "apptainer", runtimePath: "/usr/bin/apptainer", image: "/scratch/run/box.sif")
        let wrapped = ContainerLaunch.wrap(spec, job: job(), container: container, name: "n", userID: 0, groupID: 0, usageHelper: nil)
        XCTAssertEqual(wrapped.arguments, [
            "exec", "--no-home", "--cleanenv", "--pwd", "/scratch/run", "--bind", "/scratch/run", "--bind", "/data/in.txt:/data/in.txt:ro",
            "--env", "MYVAR=1", "--env", "PEGASUS_JOBID=a", "/scratch/run/box.sif", "/bin/sh", "-c", "cat in.txt",
        ])
    }

    func testASlurmJobRunsTheContainerOnItsNode() {
        var planned = job()
        planned.executor = "slurm"
        planned.container = PlannedContainer(name: "box", type: "singularity", runtime: "apptainer", runtimePath: "/usr/bin/apptainer", image: "/scratch/run/box.sif")
        let wrapped = ContainerLaunch.wrap(spec, job: planned, container: planned.container!, name: "n", userID: 0, groupID: 0, usageHelper: nil)
        let launch = AttemptLaunch(job: 0, attempt: 0, planned: planned, spec: wrapped, recordFile: "/run/a.out.000", workflowLabel: "w")
        let text = SlurmBatchScript.text(launch, kickstart: "/opt/skein-kickstart", slurmLog: "/run/a.slurm")
        XCTAssertTrue(text.contains("-r /run/a.out.000 -- /usr/bin/apptainer exec --no-home"), text)
        XCTAssertTrue(text.contains("/scratch/run/box.sif /bin/sh -c 'cat in.txt'\n"), text)
    }

    func testContainerNamesAreAcceptedByTheRuntimes() {
        XCTAssertEqual(ContainerLaunch.containerName(workflowUUID: "0123456789ab", job: "ID0000001/x y", attempt: 2), "skein-01234567-ID0000001_x_y-2")
    }
}
