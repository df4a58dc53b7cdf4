import Foundation
import SkeinRunFormat
import SkeinWorkflow
import XCTest
@testable import SkeinPlanner

/// Containers in planning: which runtime runs which image, the jobs that make each image
/// ready once per run, what the container jobs carry, and the refusal where nothing here
/// can run the image. Runtimes are given (as `PlanOptions.containerRuntimes`), not searched.
final class ContainerPassTests: PlannerFilesTestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: boxed
            jobs:
            - {type: job, name: boxed, id: a, arguments: [one], uses: [{lfn: in.txt, type: input}]}
            - {type: job, name: boxed, id: b, arguments: [], uses: []}
            - {type: job, name: staged, id: c, arguments: [], uses: []}
            - {type: job, name: plain, id: d, arguments: [], uses: []}
            """)
        try write("sites.yml", """
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch'}]}
            """)
        try write("replicas.yml", "pegasus: 5.0.4\nreplicas:\n- {lfn: in.txt, pfns: [{site: local, pfn: data/in.txt}]}\n")
        try write("bin/tool.sh", "#!/bin/sh\n")
    }

    func catalog(image: String, type: String = "docker", extra: String = "") throws {
        try write("transformations.yml", """
            pegasus: 5.0.4
            transformations:
            - name: boxed
              sites: [{name: local, pfn: /bin/sh, type: installed, container: box}]
            - name: staged
              sites: [{name: local, pfn: bin/tool.sh, type: stageable, container: box}]
            - name: plain
              sites: [{name: local, pfn: /bin/true, type: installed}]
            containers:
            - name: box
              type: \(type)
              image: \(image)
              mounts: ['/data:/data:ro']\(extra)
            """)
    }

    func plan(_ runtimes: [ContainerRuntime]) throws -> ExecutableWorkflow {
        let loaded = WorkflowLoader.load(WorkflowSources(workflow: scratch.appendingPathComponent("workflow.yml").path))
        let validation = WorkflowValidator.validate(loaded.sources)
        XCTAssertTrue(validation.isValid, "\(validation.diagnostics)")
        var options = PlanOptions()
        options.containerRuntimes = runtimes
        let context = PlanningContext(loaded, try XCTUnwrap(loaded.workflow), options: options)
        var workflow = ExecutableWorkflow(label: "boxed", wfUUID: "u-1", workflowFile: "w", runDirectory: scratch.appendingPathComponent("run").path, createdAt: 0, plannerArguments: [])
        for pass in [PlacementPass(), ProfilesPass(), ExecutablesPass(), DataflowPass(), DirectoriesPass(), StagingPass(), ContainerPass()] as [any PlannerPass] {
            pass.run(&workflow, context)
        }
        return workflow
    }

    func job(_ id: String, _ workflow: ExecutableWorkflow) throws -> PlannedJob {
        try XCTUnwrap(workflow.jobs.first { $0.job.id == id }, id)
    }

    let podman = ContainerRuntime(.podman, path: "/usr/bin/podman")
    let apptainer = ContainerRuntime(.apptainer, path: "/usr/bin/apptainer")

    func testAnImageArchiveIsStagedAndLoadedOnceThenEveryContainerJobWaitsForIt() throws {
        try catalog(image: "file://images/box.tar", extra: "\n  checksum: {sha256: \(String(repeating: "ab", count: 32))}")
        let planned = try plan([podman, apptainer])
        XCTAssertEqual(planned.problems, [])
        XCTAssertEqual(planned.jobs.map(\.job.id), ["create_dir_boxed_0_local", "stage_in_container_box", "load_container_box", "stage_in_local_local_0_0", "a", "b", "c", "d", "clean_up_container_box"],
                       "condorio (the default): the jobs' input is staged like the image")
        let stage = try job("stage_in_container_box", planned)
        XCTAssertEqual(stage.job.executor, "transfer")
        XCTAssertEqual(stage.job.transfers.map(\.source), [scratch.appendingPathComponent("images/box.tar").path])
        XCTAssertEqual(stage.job.transfers.first?.sha256, String(repeating: "ab", count: 32))
        let staged = try XCTUnwrap(stage.job.transfers.first?.destination)
        let load = try job("load_container_box", planned)
        XCTAssertEqual(load.parentIDs, ["stage_in_container_box"])
        XCTAssertEqual(load.job.kind, .stageIn)
        XCTAssertEqual(load.job.executable, "/bin/sh")
        XCTAssertEqual(Array(load.job.arguments.suffix(3)), ["/usr/bin/podman", staged, "localhost/skein/box:u-1"])
        for id in ["a", "b", "c"] {
            let container = try XCTUnwrap(try job(id, planned).job.container, id)
            XCTAssertEqual(container.runtime, "podman")
            XCTAssertEqual(container.image, "localhost/skein/box:u-1")
            XCTAssertTrue(try job(id, planned).parentIDs.contains("load_container_box"), id)
        }
        XCTAssertEqual(try job("a", planned).job.container?.mounts, ["/data:/data:ro"])
        let tool = try job("c", planned).job.executable
        XCTAssertEqual(try job("c", planned).job.container?.mounts, ["/data:/data:ro", "\(tool):\(tool):ro"], "a staged executable is mounted read-only")
        XCTAssertNil(try job("d", planned).job.container, "a transformation without container runs on the host")
        let cleanup = try job("clean_up_container_box", planned)
        XCTAssertEqual(cleanup.parentIDs, ["a", "b", "c"], "the run's tag and staged archive go once every job of the container is done")
        XCTAssertEqual(Array(cleanup.job.arguments.suffix(3)), ["/usr/bin/podman", "localhost/skein/box:u-1", staged])
    }

    func testTheContainersEnvironmentAndTheJobsRuntimeOptionsGoWithTheJob() throws {
        try catalog(image: "docker://debian:12", extra: "\n  profiles: {env: {FROM_BOX: box, SHARED: box}}")
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: boxed
            jobs:
            - type: job
              name: boxed
              id: a
              arguments: []
              uses: []
              profiles: {env: {SHARED: job}, pegasus: {container.arguments: '--cap-add  SYS_PTRACE', gpus: '1'}}
            """)
        let planned = try job("a", try plan([podman])).job
        XCTAssertEqual(planned.environment, ["FROM_BOX": "box", "SHARED": "job"], "the container's env profiles, the job's winning")
        XCTAssertEqual(planned.container?.arguments, ["--cap-add", "SYS_PTRACE"])
        XCTAssertEqual(planned.container?.gpus, true)
    }

    func testAnImageInPodmansStoreIsRefusedForASlurmSite() throws {
        try write("sites.yml", """
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch'}]}
            - name: hpc
              grids:
              - {type: batch, contact: localhost, scheduler: slurm, jobtype: compute}
            """)
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: boxed
            jobs:
            - {type: job, name: boxed, id: a, arguments: [], uses: [], profiles: {selector: {execution.site: hpc}}}
            """)
        try write("transformations.yml", """
            pegasus: 5.0.4
            transformations:
            - name: boxed
              sites: [{name: hpc, pfn: /bin/sh, type: installed, container: box}]
            containers:
            - {name: box, type: docker, image: 'docker://debian:12'}
            """)
        let refused = try plan([podman])
        XCTAssertTrue(refused.problems.first?.contains("job 'a' runs on slurm site 'hpc' in container 'box', but podman keeps its images on this machine only") == true, "\(refused.problems)")
        XCTAssertEqual(try plan([podman, apptainer]).problems, [], "apptainer can run it: a .sif in the shared scratch")
    }

    func testRegistryImagesArePulledAndSifFilesNeedNoLoad() throws {
        try catalog(image: "docker://debian:12")
        let pulled = try plan([podman])
        XCTAssertEqual(try job("load_container_box", pulled).job.arguments.suffix(3), ["/usr/bin/podman", "docker://debian:12", "localhost/skein/box:u-1"])
        XCTAssertFalse(pulled.jobs.contains { $0.job.id.hasPrefix("stage_in_container") })

        let viaApptainer = try plan([apptainer])
        let build = try job("load_container_box", viaApptainer).job
        XCTAssertEqual(build.executable, "/usr/bin/apptainer")
        XCTAssertEqual(build.arguments.first, "pull")
        XCTAssertEqual(build.arguments.last, "docker://debian:12")
        XCTAssertEqual(try job("a", viaApptainer).job.container?.image, build.arguments[2], "jobs run the .sif the pull made")

        try catalog(image: "/images/box.sif", type: "singularity", extra: "\n  bypass: true")
        let sif = try plan([podman, apptainer])
        XCTAssertEqual(sif.problems, [])
        XCTAssertFalse(sif.jobs.contains { $0.job.id.contains("container_box") }, "a bypassed .sif is run where it is")
        XCTAssertEqual(try job("a", sif).job.container?.runtime, "apptainer", "podman cannot run a .sif: the next runtime does")
        XCTAssertEqual(try job("a", sif).job.container?.image, "/images/box.sif")
    }

    func testNoRuntimeThatCanRunTheImageIsAPlanningErrorNamingWhatToInstall() throws {
        try catalog(image: "file:///images/box.tar")
        let none = try plan([])
        XCTAssertEqual(none.problems.count, 1, "one message per container, not per job: \(none.problems)")
        let message = try XCTUnwrap(none.problems.first)
        XCTAssertTrue(message.hasPrefix(scratch.appendingPathComponent("transformations.yml").path + ":10:3: "), message)
        XCTAssertTrue(message.contains("transformation 'boxed' runs in docker container 'box'"), message)
        XCTAssertTrue(message.contains("no container runtime was found"), message)
        XCTAssertTrue(message.contains("install podman"), message)

        try catalog(image: "library://user/box:1", type: "singularity")
        let onlyPodman = try plan([podman])
        XCTAssertTrue(onlyPodman.problems.first?.contains("the runtimes found (podman) cannot run it: install apptainer") == true, "\(onlyPodman.problems)")

        try catalog(image: "debian:12")
        XCTAssertTrue(try plan([podman]).problems.first?.contains("give docker://NAME:TAG") == true)
    }

    func testRuntimesAreFoundInTheConfiguredOrder() throws {
        let bin = scratch.appendingPathComponent("bin")
        for name in ["podman", "apptainer", "docker"] {
            try write("bin/\(name)", "#!/bin/sh\n")
            chmod(bin.appendingPathComponent(name).path, 0o755)
        }
        let path = ["PATH": bin.path]
        XCTAssertEqual(ContainerRuntimes.discover(properties: nil, environment: path).runtimes.map(\.kind), [.podman, .apptainer],
                       "docker without a daemon runs nothing")
        XCTAssertEqual(ContainerRuntimes.discover(properties: nil, environment: path.merging(["DOCKER_HOST": "tcp://x"]) { $1 }).runtimes.map(\.kind),
                       [.podman, .docker, .apptainer])
        let chosen = ContainerRuntimes.discover(properties: nil, environment: path.merging([ContainerRuntimes.variable: "apptainer, podman"]) { $1 })
        XCTAssertEqual(chosen.runtimes, [ContainerRuntime(.apptainer, path: bin.appendingPathComponent("apptainer").path), ContainerRuntime(.podman, path: bin.appendingPathComponent("podman").path)])
        XCTAssertTrue(ContainerRuntimes.discover(properties: nil, environment: [ContainerRuntimes.variable: "rkt"]).problem?.contains("'rkt'") == true)
        XCTAssertEqual(ContainerRuntimes.discover(properties: nil, environment: ["PATH": "/nonexistent"]).runtimes, [])
    }
}
