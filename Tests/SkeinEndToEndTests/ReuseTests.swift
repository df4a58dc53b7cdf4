import Foundation
import SkeinKickstart
import SkeinTestSupport
import XCTest

/// pegasus-plan `--reuse DIR` end to end: the files an earlier run made count as replicas, so
/// data reuse prunes the jobs that would make them again; `skein graph --show-pruned` shows
/// the same pruning, in text and dot.
final class ReuseTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-reuse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path]
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    func testAnEarlierRunsFilesPruneTheJobsThatMadeThem() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.jobs = [
            .init(id: "make", script: "echo made > f.txt", outputs: ["f.txt"]),
            .init(id: "upper", script: "tr a-z A-Z < f.txt > g.txt", parents: ["make"], outputs: ["g.txt"], inputs: ["f.txt"]),
        ]
        _ = try wf.write()
        let first = try SkeinBinary.run(["run", "workflow.yml", "--batch", "--cleanup", "none"], environment: environment, in: wf.directory)
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        let earlier = wf.runDirectory(run: 1).path

        // The workflow grows a job reading g.txt: only it runs when run 1 is reused.
        wf.jobs.append(.init(id: "count", script: "wc -c < g.txt > n.txt", parents: ["upper"], outputs: ["n.txt"], inputs: ["g.txt"]))
        _ = try wf.write()
        let graph = try SkeinBinary.run(["graph", "workflow.yml", "--show-pruned", "--ascii", "--reuse", earlier], environment: environment, in: wf.directory)
        XCTAssertEqual(graph.status, 0, graph.stderr)
        XCTAssertTrue(graph.stdout.contains("make  sh  [pruned: "), graph.stdout)
        XCTAssertTrue(graph.stdout.contains("upper  sh  [pruned: its outputs are in the replica catalog (g.txt)]"), graph.stdout)
        XCTAssertFalse(graph.stdout.contains("count  sh  [pruned"), graph.stdout)
        XCTAssertTrue(graph.stdout.contains("2 of 3 jobs pruned by data reuse"), graph.stdout)
        let dot = try SkeinBinary.run(["graph", "workflow.yml", "--show-pruned", "--format", "dot", "-R", earlier], environment: environment, in: wf.directory)
        XCTAssertTrue(dot.stdout.contains(#""upper" [label="upper\nsh\n(pruned)", style="rounded,dashed", color=gray"#), dot.stdout)
        XCTAssertFalse(try SkeinBinary.run(["graph", "workflow.yml", "--show-pruned"], environment: environment, in: wf.directory).stdout.contains("[pruned"),
                       "without --reuse nothing exists yet")

        let second = try SkeinBinary.run(["run", "workflow.yml", "--batch", "--cleanup", "none", "--reuse", earlier], environment: environment, in: wf.directory)
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        XCTAssertTrue(second.stdout.contains("data reuse: 2 job(s) left out"), second.stdout)
        XCTAssertFalse(second.stdout.contains("make started"), second.stdout)
        XCTAssertTrue(second.stdout.contains("count succeeded"), second.stdout)
        XCTAssertEqual(try String(contentsOf: wf.scratch(run: 2).appendingPathComponent("n.txt"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), "5")
        // The reused file came with the sha256 run 1 recorded, and was verified before use.
        let db = wf.runDirectory(run: 2).appendingPathComponent("test-0.stampede.db").path
        let rows = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c",
            "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select type, file_type, count from integrity i join job_instance using(job_instance_id) join job j using(job_id) where j.exec_job_id = 'count' order by type\").fetchall())", db])
        XCTAssertEqual(rows.stdout, "[('check', 'input', 1), ('compute', 'output', 1)]\n", rows.stderr)

        let missing = try SkeinBinary.run(["plan", "workflow.yml", "--reuse", "nowhere"], environment: environment, in: wf.directory)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("--reuse nowhere: not a Skein run directory (no plan.json in it)"), missing.stderr)
    }
}
