import Foundation
import SkeinWorkflow
import XCTest

/// Options pegasus-plan users type out of habit: `-s`, `--conf`, `-o`, `--cleanup`,
/// `--force`, `--submit`, on the real binary.
final class PegasusPlanOptionsTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-planopts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path]
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    func plan(_ extra: [String]) throws -> (SkeinBinary.Output, [String: Any]) {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.jobs = [.init(id: "a", script: "echo a > a.txt", outputs: ["a.txt"]), .init(id: "b", script: "true", parents: ["a"], inputs: ["a.txt"])]
        let file = try wf.write()
        let out = try SkeinBinary.run(["plan", file, "--dir", scratch.appendingPathComponent("runs").path] + extra, environment: environment)
        let runs = scratch.appendingPathComponent("runs/test")
        let last = ((try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []).sorted().last ?? "none"
        let data = (try? Data(contentsOf: runs.appendingPathComponent(last).appendingPathComponent("plan.json"))) ?? Data("{}".utf8)
        return (out, (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    func testShortSitesConfOutputSiteCleanupAndSubmit() throws {
        let conf = scratch.appendingPathComponent("my.properties")
        try "dagman.io.maxjobs = 3\n".write(to: conf, atomically: true, encoding: .utf8)
        let (planned, json) = try plan(["-s", "local", "--conf", conf.path, "-o", "local", "--cleanup", "none"])
        XCTAssertEqual(planned.status, 0, planned.stderr)
        XCTAssertEqual(json["categoryLimits"] as? [String: Int], ["io": 3], "--conf is the properties file planned with")
        let ids = ((json["jobs"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        XCTAssertTrue(ids.contains("stage_out_local_local_0_0"), "-o stages the results out: \(ids)")
        XCTAssertFalse(ids.contains { $0.hasPrefix("clean_up_") }, "--cleanup none: \(ids)")

        let (missing, _) = try plan(["--conf", scratch.appendingPathComponent("nope.properties").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("--conf"), missing.stderr)
        let (badCleanup, _) = try plan(["--cleanup", "sometimes"])
        XCTAssertNotEqual(badCleanup.status, 0)
        XCTAssertTrue(badCleanup.stderr.contains("--cleanup takes inplace, leaf or none"), badCleanup.stderr)

        let (submitted, _) = try plan(["--submit"])
        XCTAssertEqual(submitted.status, 0, submitted.stderr)
        XCTAssertTrue(submitted.stdout.contains("engine started (pid "), submitted.stdout)
        let run = try XCTUnwrap(submitted.stdout.split(separator: "\n").first { $0.hasPrefix("run directory: ") }).dropFirst("run directory: ".count)
        let deadline = Date().addingTimeInterval(30)
        var status = ""
        while !status.contains("Success"), Date() < deadline {
            status = try SkeinBinary.run(["status", String(run)], environment: environment).stdout
            usleep(100_000)
        }
        XCTAssertTrue(status.contains("Success"), "the submitted run finishes on its own: \(status)")
    }

    /// The option rows of the README's compatibility table: `--help` of plan and run lists
    /// each honoured one under Pegasus's name.
    func testHelpListsPegasusOptionNames() throws {
        let planHelp = try SkeinBinary.run(["plan", "--help"]).stdout
        let runHelp = try SkeinBinary.run(["run", "--help"]).stdout
        for entry in PegasusCompatibility.entries where entry.kind == .option && entry.support == .honoured {
            for name in entry.name.components(separatedBy: ", ") where name != "--sites" {
                XCTAssertTrue(planHelp.contains(name), "plan --help lacks \(name)")
                XCTAssertTrue(runHelp.contains(name), "run --help lacks \(name)")
            }
        }
        XCTAssertTrue(planHelp.contains("pegasus-plan --relative-dir"), planHelp)
        // The refused row: pegasus-plan's --sites with site names.
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.jobs = [.init(id: "a", script: "true")]
        let habit = try SkeinBinary.run(["plan", try wf.write(), "--sites", "local", "--dir", scratch.appendingPathComponent("runs").path], environment: environment)
        XCTAssertEqual(habit.status, 2)
        XCTAssertTrue(habit.stderr.contains("-s or --sites-to-run here: -s local"), habit.stderr)
    }

    /// pegasus.properties beside the workflow is honoured by the run itself: dagman.maxjobs 1
    /// keeps two independent jobs apart, dagman.retry 1 lets a job that fails once pass,
    /// env.* reaches the jobs; the run keeps a copy of the file.
    func testPropertiesAreHonouredByTheRun() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        // Each job holds a lock folder while it runs: with two at once, one finds it taken.
        let exclusive = "mkdir ../held || exit 7; sleep 0.3; rmdir ../held"
        wf.jobs = [
            // No retry for these two: an overlap must fail the run.
            .init(id: "a", script: exclusive, profiles: ["dagman": ["RETRY": "0"]]),
            .init(id: "b", script: exclusive, profiles: ["dagman": ["RETRY": "0"]]),
            .init(id: "flaky", script: "test -f ../tried || { touch ../tried; exit 1; }; echo \"$FROM_PROPERTIES\" > env.txt", outputs: ["env.txt"]),
        ]
        let file = try wf.write()
        try "dagman.maxjobs = 1\ndagman.retry = 1\nenv.FROM_PROPERTIES = yes\n".write(
            to: scratch.appendingPathComponent("wf/pegasus.properties"), atomically: true, encoding: .utf8)
        let out = try SkeinBinary.run(["run", file, "--batch", "--dir", scratch.appendingPathComponent("runs").path], environment: environment)
        XCTAssertEqual(out.status, 0, out.stdout + out.stderr)
        let run = scratch.appendingPathComponent("runs/test/run0001")
        let settings = try String(contentsOf: run.appendingPathComponent("engine-settings.json"), encoding: .utf8)
        XCTAssertTrue(settings.contains("\"maxjobs\" : \"pegasus.properties dagman.maxjobs\""), settings)
        let copies = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.hasPrefix("pegasus.") && $0.hasSuffix(".properties") }
        XCTAssertEqual(copies.count, 1)
        XCTAssertTrue(try String(contentsOf: run.appendingPathComponent(copies[0]), encoding: .utf8).contains("dagman.maxjobs = 1"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("skein.properties").path))
    }

    /// A job placed on an HTCondor pool is refused, naming the site; nothing is left behind.
    func testHTCondorSiteIsRefused() throws {
        let sites = scratch.appendingPathComponent("condor-sites.yml")
        try """
            pegasus: 5.0.4
            sites:
            - name: local
              directories: []
            - name: condorpool
              directories: []
              profiles:
                pegasus: {style: condor}
            """.write(to: sites, atomically: true, encoding: .utf8)
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.jobs = [.init(id: "a", script: "true")]
        let file = try wf.write()
        let out = try SkeinBinary.run(["plan", file, "--sites", sites.path, "-s", "condorpool", "--dir", scratch.appendingPathComponent("runs").path],
                                      environment: environment)
        XCTAssertEqual(out.status, 2, out.stdout)
        XCTAssertTrue(out.stderr.contains("site 'condorpool' is run by HTCondor (pegasus.style: condor), which Skein cannot drive"), out.stderr)
        XCTAssertTrue(out.stderr.contains("local (this machine) and slurm"), out.stderr)
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: scratch.appendingPathComponent("runs/test").path)) ?? []
        XCTAssertEqual(runs, [], "a refused plan leaves no run folder")
    }
}
