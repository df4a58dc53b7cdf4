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
        let wrapped = ContainerLaunch.wrap(spec, job: job(), container: container, name: "skein-u-a-0", userID: 0, groupID: 0)
        XCTAssertEqual(wrapped.executable, "/usr/bin/podman")
        XCTAssertEqual(wrapped.arguments, [
            "run", "--rm", "--init", "--name", "skein-u-a-0", "--pull", "never", "--entrypoint", "",
            "--volume", "/scratch/run:/scratch/run", "--workdir", "/scratch/run", "--volume", "/data/in.txt:/data/in.txt:ro", "--volume", "/opt:/opt:ro",
            "--env", "MYVAR=1", "--env", "PEGASUS_JOBID=a", "localhost/skein/box:u", "/bin/sh", "-c", "cat in.txt",
        ])
        XCTAssertEqual(wrapped.environment, spec.environment, "the runtime keeps the engine's environment")
        XCTAssertEqual(wrapped.stdout, spec.stdout)
        let rootless = ContainerLaunch.wrap(spec, job: job(), container: container, name: "n", userID: 1000, groupID: 1000)
        XCTAssertTrue(rootless.arguments.joined(separator: " ").contains("--userns keep-id"), "files the job writes stay the user's")
    }

    func testTheJobsRuntimeOptionsAndGPUsComeBeforeTheImage() {
        var container = PlannedContainer(name: "box", type: "docker", runtime: "docker", runtimePath: "/usr/bin/docker", image: "img")
        container.arguments = ["--cap-add", "SYS_PTRACE"]
        container.gpus = true
        let wrapped = ContainerLaunch.wrap(spec, job: job(), container: container, name: "n", userID: 1000, groupID: 100)
        XCTAssertEqual(Array(wrapped.arguments.suffix(10)), ["--env", "PEGASUS_JOBID=a", "--gpus", "all", "--cap-add", "SYS_PTRACE", "img", "/bin/sh", "-c", "cat in.txt"])
        XCTAssertTrue(wrapped.arguments.contains("--user") && wrapped.arguments.contains("1000:100"), "docker runs the job as the user")
    }

    func testApptainerExecsTheImageFile() {
        let container = PlannedContainer(name: "box", type: "singularity", runtime: "apptainer", runtimePath: "/usr/bin/apptainer", image: "/scratch/run/box.sif")
        let wrapped = ContainerLaunch.wrap(spec, job: job(), container: container, name: "n", userID: 0, groupID: 0)
        XCTAssertEqual(wrapped.arguments, [
            "exec", "--no-home", "--cleanenv", "--pwd", "/scratch/run", "--bind", "/scratch/run", "--bind", "/data/in.txt:/data/in.txt:ro",
            "--env", "MYVAR=1", "--env", "PEGASUS_JOBID=a", "/scratch/run/box.sif", "/bin/sh", "-c", "cat in.txt",
        ])
    }

    func testASlurmJobRunsTheContainerOnItsNode() {
        var planned = job()
        planned.executor = "slurm"
        planned.container = PlannedContainer(name: "box", type: "singularity", runtime: "apptainer", runtimePath: "/usr/bin/apptainer", image: "/scratch/run/box.sif")
        let wrapped = ContainerLaunch.wrap(spec, job: planned, container: planned.container!, name: "n", userID: 0, groupID: 0)
        let launch = AttemptLaunch(job: 0, attempt: 0, planned: planned, spec: wrapped, recordFile: "/run/a.out.000", workflowLabel: "w")
        let text = SlurmBatchScript.text(launch, kickstart: "/opt/skein-kickstart", slurmLog: "/run/a.slurm")
        XCTAssertTrue(text.contains("-r /run/a.out.000 -- /usr/bin/apptainer exec --no-home"), text)
        XCTAssertTrue(text.contains("/scratch/run/box.sif /bin/sh -c 'cat in.txt'\n"), text)
    }

    func testContainerNamesAreAcceptedByTheRuntimes() {
        XCTAssertEqual(ContainerLaunch.containerName(workflowUUID: "0123456789ab", job: "ID0000001/x y", attempt: 2), "skein-01234567-ID0000001_x_y-2")
    }
}
