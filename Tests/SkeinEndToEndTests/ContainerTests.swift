import Foundation
import SkeinTestSupport
import XCTest

/// Jobs in containers end to end, with real podman and an image built here from a local
/// tarball (no registry is reachable from CI): a rootfs of this machine's /bin/sh, cat and
/// tr with their libraries and an /etc/os-release naming the image, imported, saved as an
/// image archive, and removed again, so the run's load job is what brings it back.
final class ContainerTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]
    var tags: [String] = []

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-containers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path]
    }

    override func tearDownWithError() throws {
        if let podman = Self.podman { for tag in tags { _ = try? SkeinBinary.runProgram(URL(fileURLWithPath: podman), ["rmi", "-f", tag]) } }
        if ProcessInfo.processInfo.environment["SKEIN_KEEP_TEST_FILES"] == nil { try? FileManager.default.removeItem(at: scratch) }
    }

    static let podman: String? = ["/usr/bin/podman", "/usr/local/bin/podman", "/bin/podman"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The image archive, whose /etc/os-release carries `marker`.
    func buildImage(marker: String) throws -> URL {
        guard let podman = Self.podman else { throw missingRealPart("podman is not installed (scripts/install-deps.sh installs it)") }
        let script = """
            set -e
            r="$1/rootfs"; mkdir -p "$r/etc" "$r/tmp"
            for b in /bin/sh /bin/cat /bin/tr; do
              for f in "$b" $(ldd "$(readlink -f "$b")" | grep -o '/[^ ]*'); do mkdir -p "$r$(dirname "$f")"; cp -L "$f" "$r$f"; done
            done
            printf 'NAME="Skein test image"\\nID=skein-test\\nVERSION_ID="%s"\\n' "$2" > "$r/etc/os-release"
            tar -C "$r" -cf "$1/rootfs.tar" .
            "$3" import -q "$1/rootfs.tar" "$4" >/dev/null
            "$3" save -q -o "$1/image.tar" "$4"
            "$3" rmi "$4" >/dev/null
            """
        let build = "localhost/skein-test-build:\(marker)"
        tags.append(build)  // loading the archive brings its own name back
        let out = try SkeinBinary.runProgram(URL(fileURLWithPath: "/bin/sh"), ["-c", script, "build", scratch.path, marker, podman, build])
        XCTAssertEqual(out.status, 0, "building the test image: " + out.stdout + out.stderr)
        if out.status != 0 { throw missingRealPart("podman cannot build an image here: \(out.stderr)") }
        return scratch.appendingPathComponent("image.tar")
    }

    /// A workflow whose `sh` runs in container `box` (image `image`), reading `in.txt` from
    /// outside the scratch folder.
    func workflow(image: String, jobs: [TestWorkflow.Job]) throws -> TestWorkflow {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.name = "boxed"
        wf.jobs = jobs
        _ = try wf.write()
        try """
            pegasus: 5.0.4
            transformations:
            - name: sh
              sites: [{name: local, pfn: /bin/sh, type: installed, container: box}]
            containers:
            - name: box
              type: docker
              image: \(image)
              image.site: local
              profiles: {env: {FROM_BOX: box-profile}}
            """.write(to: wf.directory.appendingPathComponent("transformations.yml"), atomically: true, encoding: .utf8)
        let data = scratch.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try "hello from the host\n".write(to: data.appendingPathComponent("in.txt"), atomically: true, encoding: .utf8)
        try "pegasus: 5.0.4\nreplicas:\n- {lfn: in.txt, pfns: [{site: local, pfn: \(data.appendingPathComponent("in.txt").path)}]}\n"
            .write(to: wf.directory.appendingPathComponent("replicas.yml"), atomically: true, encoding: .utf8)
        return wf
    }

    func runTag(_ wf: TestWorkflow) throws {
        struct Plan: Decodable { struct Job: Decodable { struct Box: Decodable { var image: String }; var container: Box? }; var jobs: [Job] }
        let plan = try JSONDecoder().decode(Plan.self, from: Data(contentsOf: wf.runDirectory().appendingPathComponent("plan.json")))
        tags += plan.jobs.compactMap { $0.container?.image }
    }

    func testAJobRunsInsideTheImageWithItsFolderInputsAndEnvironment() throws {
        let marker = UUID().uuidString.lowercased()
        let image = try buildImage(marker: marker)
        let wf = try workflow(image: "file://\(image.path)", jobs: [
            .init(id: "inside", script: "cat /etc/os-release; tr a-z A-Z < in.txt > out.txt; echo \"var=$MYVAR box=$FROM_BOX job=$PEGASUS_JOBID\" >> out.txt",
                  outputs: ["out.txt"], inputs: ["in.txt"], profiles: ["env": ["MYVAR": "from-profile"]]),
            // Burns CPU inside the container: its record must show the job's, not podman's.
            .init(id: "second", script: "cat /etc/os-release; i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done"),
        ])
        let result = try SkeinBinary.run(["run", "workflow.yml", "--batch", "--output-site", "local"], environment: environment, in: wf.directory)
        try runTag(wf)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(result.stdout.components(separatedBy: "load_container_box succeeded").count, 2, "the image is loaded once: \(result.stdout)")
        let jobs = wf.runDirectory().appendingPathComponent("jobs/000")
        let stdout = try String(contentsOf: jobs.appendingPathComponent("inside.stdout.000"), encoding: .utf8)
        XCTAssertTrue(stdout.contains("NAME=\"Skein test image\"") && stdout.contains(marker), "the image's os-release, not the host's: \(stdout)")
        XCTAssertEqual(try String(contentsOf: wf.directory.appendingPathComponent("output/out.txt"), encoding: .utf8),
                       "HELLO FROM THE HOST\nvar=from-profile box=box-profile job=inside\n", "input read and output written in the bind-mounted folder")
        let record = try String(contentsOf: jobs.appendingPathComponent("inside.out.000"), encoding: .utf8)
        XCTAssertTrue(record.contains("regular_exitcode: 0"), record)
        XCTAssertTrue(record.contains("- \"cat /etc/os-release; tr a-z A-Z"), "the record names the job's command: \(record)")
        let busy = try String(contentsOf: jobs.appendingPathComponent("second.out.000"), encoding: .utf8)
        let mainjob = try XCTUnwrap(busy.range(of: "mainjob:"), busy)
        let utime = busy[mainjob.upperBound...].split(separator: "\n").first { $0.contains("utime:") }
            .flatMap { Double($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) }
        XCTAssertGreaterThan(try XCTUnwrap(utime, busy), 0.5, "the job's own CPU time from inside the container (podman's client uses next to none)")
        XCTAssertTrue(result.stdout.contains("clean_up_container_box succeeded"), result.stdout)
        let exists = try SkeinBinary.runProgram(URL(fileURLWithPath: try XCTUnwrap(Self.podman)), ["image", "exists", try XCTUnwrap(tags.first { $0.hasPrefix("localhost/skein/") })])
        XCTAssertEqual(exists.status, 1, "the run's tag is removed once its jobs are done")
        XCTAssertFalse(FileManager.default.fileExists(atPath: wf.scratch().appendingPathComponent("container-box.tar").path), "the staged archive too")
    }

    func testAFailingCommandInTheContainerIsAFailedAttempt() throws {
        let image = try buildImage(marker: UUID().uuidString.lowercased())
        let wf = try workflow(image: image.path, jobs: [.init(id: "broken", script: "echo inside >&2; exit 3", profiles: ["dagman": ["retry": "1"]])])
        let result = try SkeinBinary.run(["run", "workflow.yml", "--batch"], environment: environment, in: wf.directory)
        try runTag(wf)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("load_container_box succeeded"), result.stdout)
        let jobs = wf.runDirectory().appendingPathComponent("jobs/000")
        for attempt in ["000", "001"] {
            let record = try String(contentsOf: jobs.appendingPathComponent("broken.out.\(attempt)"), encoding: .utf8)
            XCTAssertTrue(record.contains("regular_exitcode: 3"), "attempt \(attempt): \(record)")
            XCTAssertEqual(try String(contentsOf: jobs.appendingPathComponent("broken.stderr.\(attempt)"), encoding: .utf8), "inside\n")
        }
    }

    func testWithoutARuntimePlanningFailsNamingTheContainerAndWhatToInstall() throws {
        let wf = try workflow(image: "file:///images/box.tar", jobs: [.init(id: "a", script: "true")])
        var env = environment
        env["PATH"] = "/nonexistent"
        env["SKEIN_CONTAINER_RUNTIME"] = ""
        let result = try SkeinBinary.run(["plan", "workflow.yml"], environment: env, in: wf.directory)
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("transformations.yml:6:3: transformation 'sh' runs in docker container 'box'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("install podman"), result.stderr)
    }
}
