import Foundation
import XCTest
import SkeinTestSupport

/// The real TUI in tmux on hierarchical runs: a Skein run three levels deep, and Pegasus's
/// own hierarchical run. Enter on a sub-workflow job opens its workflow as a Run view (the
/// breadcrumb follows the levels), a job named like a parent's opens the sub-workflow's own
/// job, and the WORKFLOW column says which workflow each row of a flat list is in.
final class SubWorkflowTUITests: TmuxTestCase {
    override var scratchPrefix: String { "skein-subtui" }

    /// `top` runs `middle`, which runs `inner`; each level has a job `make`, and the
    /// innermost `check` fails.
    func threeLevelRun() throws -> URL {
        let dir = scratch.appendingPathComponent("wf")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func write(_ name: String, _ text: String) throws { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try SubWorkflowCatalogs.write(in: dir, workflowFiles: ["workflow.yml", "middle.yml", "inner.yml"])
        func parent(_ name: String, file: String) -> String {
            """
            pegasus: 5.0.4
            name: \(name)
            jobs:
            - {type: job, name: sh, id: make, arguments: ['-c', 'echo from-\(name) > f.\(name)'], uses: [{lfn: f.\(name), type: output}]}
            - {type: pegasusWorkflow, file: \(file), id: sub, arguments: [], uses: [{lfn: \(file), type: input}, {lfn: f.\(name), type: input}]}
            jobDependencies:
            - {id: make, children: [sub]}

            """
        }
        try write("workflow.yml", parent("top", file: "middle.yml"))
        try write("middle.yml", parent("middle", file: "inner.yml"))
        try write("inner.yml", """
            pegasus: 5.0.4
            name: inner
            jobs:
            - {type: job, name: sh, id: make, arguments: ['-c', 'echo inner-make > f.i'], uses: [{lfn: f.i, type: output}]}
            - {type: job, name: sh, id: check, arguments: ['-c', 'echo the inner check failed >&2; exit 3'], uses: [{lfn: f.i, type: input}]}
            jobDependencies:
            - {id: make, children: [check]}

            """)
        let result = try SkeinBinary.run(["run", "workflow.yml", "--batch", "--cleanup", "none"], environment: environment, in: dir)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        let run = dir.appendingPathComponent("runs/top/run0001")
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("00/00/middle_sub/00/00/inner_sub/plan.json").path))
        return run
    }

    func testThreeLevelsOpenOneByOneAndTheFailuresListEveryLevel() throws {
        let run = try threeLevelRun()
        try tmux.start(command(["tui", run.path]), width: 120, height: 36)
        try tmux.waitFor(timeout: 30, "skein › Runs › top", "WORKFLOW", "pegasus-plan_sub", "inner")
        // The filter lists the two `pegasus-plan_sub` jobs (top's and middle's) and the three `make`s.
        tmux.send("/")
        tmux.send(literal: "pegasus-plan")
        tmux.send("Enter")
        try tmux.waitFor("filter 'pegasus-plan': 2 jobs")
        XCTAssertEqual(rows(containing: "pegasus-plan_sub").map { $0.contains("middle") }, [false, true], tmux.capture())
        tmux.send("Enter")  // top's: the middle workflow
        try tmux.waitFor(timeout: 30, "skein › Runs › top › middle ", "inner")
        tmux.send("/")
        tmux.send(literal: "pegasus-plan")
        tmux.send("Enter")
        tmux.send("Enter")  // middle's: the inner workflow
        try tmux.waitFor(timeout: 30, "skein › Runs › top › middle › inner ", "check")
        XCTAssertFalse(tmux.capture().contains("WORKFLOW"), "the innermost workflow has no sub-workflow")
        tmux.send("/")
        tmux.send(literal: "make")
        tmux.send("Enter")
        try tmux.waitFor("filter 'make': 1 job")
        tmux.send("Enter")
        try tmux.waitFor(timeout: 30, "skein › Runs › top › middle › inner › make", "echo inner-make")
        XCTAssertFalse(tmux.capture().contains("from-top"), tmux.capture())
        // Back to the top, then its failures: one row per level, told apart by WORKFLOW.
        tmux.send("Escape")
        tmux.send("Escape")
        tmux.send("Escape")
        try tmux.waitFor(timeout: 30, "skein › Runs › top ")
        tmux.send("a")
        try tmux.waitFor(timeout: 30, "skein › Runs › top › failures", "WORKFLOW", "check")
        XCTAssertEqual(rows(containing: "pegasus-plan_sub").count, 2, tmux.capture())
        XCTAssertEqual(rows(containing: " check ").first?.contains("inner"), true, tmux.capture())
        tmux.send("j")
        tmux.send("j")
        tmux.send("Enter")
        try tmux.waitFor(timeout: 30, "skein › Runs › top › failures › check", "the inner check failed")
    }

    /// The innermost workflow opened directly still shows every level, and Esc goes up one.
    func testASubWorkflowOpenedDirectlyShowsItsLevelsAndEscGoesUp() throws {
        let run = try threeLevelRun()
        try tmux.start(command(["tui", run.appendingPathComponent("00/00/middle_sub/00/00/inner_sub").path]), width: 120, height: 36)
        try tmux.waitFor(timeout: 30, "skein › Runs › top › middle › inner ", "check")
        tmux.send("Escape")
        try tmux.waitFor(timeout: 30, "skein › Runs › top › middle ", "WORKFLOW", "pegasus-plan_sub")
        tmux.send("Escape")
        try tmux.waitFor(timeout: 30, "skein › Runs › top ", "WORKFLOW", "middle")
    }

    func testPegasusHierarchicalRunOpensItsSubWorkflowAndItsOwnSameNamedJob() throws {
        let fixture = SkeinBinary.repository.appendingPathComponent("Tests/Fixtures/pegasus-runs/hierarchical_wf_success")
        let run = scratch.appendingPathComponent("hierarchical_wf_success")
        try FileManager.default.copyItem(at: fixture, to: run)
        try tmux.start(command(["tui", run.path]), width: 120, height: 36)
        try tmux.waitFor(timeout: 30, "skein › Runs › hierarchical-workflow", "WORKFLOW", "blackdiamond", "pegasus-plan_diamond_subworkflow")
        // Both workflows have a stage_out_local_local_0_0: the filter shows both, the column says whose.
        tmux.send("/")
        tmux.send(literal: "stage_out_local_local_0")
        tmux.send("Enter")
        try tmux.waitFor("filter 'stage_out_local_local_0': 2 jobs")
        XCTAssertEqual(rows(containing: "stage_out_local_local_0_0").map { $0.contains("blackdiamond") }, [false, true], tmux.capture())
        tmux.send("/")
        tmux.send("Escape")  // clears the filter
        try tmux.waitFor("pegasus-plan_diamond_subworkflow")
        tmux.send("/")
        tmux.send(literal: "pegasus-plan")
        tmux.send("Enter")
        tmux.send("Enter")
        try tmux.waitFor(timeout: 30, "skein › Runs › hierarchical-workflow › blackdiamond ", "analyze_ID0000004", "of 15")
        tmux.send("/")
        tmux.send(literal: "stage_out_local_local_0")
        tmux.send("Enter")
        try tmux.waitFor("filter 'stage_out_local_local_0': 1 job")
        tmux.send("Enter")
        // The sub-workflow's own job: it ran in dir_188704 (the parent's in dir_187681).
        try tmux.waitFor(timeout: 30, "› blackdiamond › stage_out_local_local_0_0", "dir_188704")
        XCTAssertFalse(tmux.capture().contains("dir_187681"), tmux.capture())
    }

    /// A finished two-level run whose inner `check` failed for want of its input: `r` on that
    /// job from the parent's Run screen retries the parent's sub-workflow job, which resumes
    /// the child (its `make` is not run again) and reruns `check`; the parent then succeeds.
    func testRetryingAFinishedSubWorkflowsJobFromTheParentsRunScreen() throws {
        let dir = scratch.appendingPathComponent("wf")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func write(_ name: String, _ text: String) throws { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let input = dir.appendingPathComponent("input.txt").path
        let made = dir.appendingPathComponent("make.count").path
        try SubWorkflowCatalogs.write(in: dir, workflowFiles: ["inner.yml"])
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: top
            jobs:
            - {type: pegasusWorkflow, file: inner.yml, id: sub, arguments: [], uses: [{lfn: inner.yml, type: input}]}

            """)
        try write("inner.yml", """
            pegasus: 5.0.4
            name: inner
            jobs:
            - {type: job, name: sh, id: make, arguments: ['-c', 'echo made >> \(made); echo inner-make > f.i'], uses: [{lfn: f.i, type: output}]}
            - {type: job, name: sh, id: check, arguments: ['-c', 'cat \(input) || { echo the input is missing >&2; exit 3; }'], uses: [{lfn: f.i, type: input}]}
            jobDependencies:
            - {id: make, children: [check]}

            """)
        let first = try SkeinBinary.run(["run", "workflow.yml", "--batch", "--cleanup", "none"], environment: environment, in: dir)
        XCTAssertEqual(first.status, 1, first.stdout + first.stderr)
        let run = dir.appendingPathComponent("runs/top/run0001")
        try "fixed\n".write(toFile: input, atomically: true, encoding: .utf8)

        try tmux.start(command(["tui", run.path]), width: 200, height: 36)
        try tmux.waitFor(timeout: 30, "skein › Runs › top", "WORKFLOW", "pegasus-plan_sub", "check", "Failure")
        tmux.send("/")
        tmux.send(literal: "check")
        tmux.send("Enter")
        try tmux.waitFor("filter 'check': 1 job")
        tmux.send("r")
        try tmux.waitFor(timeout: 30, "pegasus-plan_sub of")
        try tmux.waitFor(timeout: 60, "Success")
        let status = try SkeinBinary.run(["status", run.path], environment: environment)
        XCTAssertTrue(status.stdout.contains("Success"), status.stdout)
        XCTAssertEqual(try String(contentsOfFile: made, encoding: .utf8), "made\n", "the resumed child kept its succeeded make")
        // check's attempts: the first failed, the one the retry ran read the fixed input.
        let child = run.appendingPathComponent("00/00/inner_sub").resolvingSymlinksInPath()
        let outputs = (FileManager.default.enumerator(atPath: child.path)?.allObjects as? [String] ?? [])
            .filter { ($0 as NSString).lastPathComponent.hasPrefix("check.stdout.") }.sorted()
        XCTAssertEqual(outputs.count, 2, "\(outputs)")
        XCTAssertEqual(try outputs.last.map { try String(contentsOf: child.appendingPathComponent($0), encoding: .utf8) }, "fixed\n")
    }

    /// The job list's rows (a done or failed job's) that contain `text`, top to bottom.
    func rows(containing text: String) -> [Substring] {
        tmux.capture().split(separator: "\n").filter { ($0.hasPrefix(" ✓ ") || $0.hasPrefix(" ✗ ")) && $0.contains(text) }
    }
}
