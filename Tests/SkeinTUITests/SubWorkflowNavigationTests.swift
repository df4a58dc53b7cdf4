import Foundation
import XCTest
import SkeinReports
@testable import SkeinTUI

/// Jobs of a hierarchical run are told apart by (workflow, job): the same job id in the run
/// and in its sub-workflow opens each in its own workflow's directory, and a sub-workflow
/// job opens its workflow as a Run view of its own.
final class SubWorkflowNavigationTests: XCTestCase {
    /// A run `outer` whose job `pegasus-plan_sub` ran the sub-workflow `inner`, both with a job `make`.
    func hierarchicalRun() throws -> RunData {
        var data = Fixture.demoRun(jobs: [
            Fixture.Job(id: "make", state: "done"),
            Fixture.Job(id: "pegasus-plan_sub", state: "failed", parents: ["make"], transformation: "pegasus::pegasus-plan"),
            Fixture.Job(id: "make", state: "failed", parents: ["pegasus-plan_sub"]),
        ])
        data.jobs[0].workflow = "outer"
        data.jobs[1].workflow = "outer"
        data.jobs[2].workflow = "inner"
        let workflows = """
            [{"wfUUID": "u-1", "name": "outer-0.dag", "label": "outer", "depth": 0, "state": "Failure", "counts": \(Fixture.counts(["done", "failed"])),
              "directory": "\(Fixture.runDir)"},
             {"wfUUID": "u-2", "name": "inner-0.dag", "label": "inner", "depth": 1, "state": "Failure", "counts": \(Fixture.counts(["failed"])),
              "directory": "\(Fixture.runDir)/00/00/inner_sub.000"}]
            """
        data.status.workflows = try JSONDecoder().decode([WorkflowStatus].self, from: Data(workflows.utf8))
        data.subworkflowUUIDs = [1: "u-2"]
        return data
    }

    func testTheSameJobIdOpensInItsOwnWorkflow() throws {
        let data = try hierarchicalRun()
        let outer = try XCTUnwrap(SubWorkflowNavigation.screen(opening: 0, in: data, directory: Fixture.runDir, kind: .skein) as? JobScreen)
        XCTAssertEqual(outer.directory, Fixture.runDir)
        let inner = try XCTUnwrap(SubWorkflowNavigation.screen(opening: 2, in: data, directory: Fixture.runDir, kind: .skein) as? JobScreen)
        XCTAssertEqual(inner.directory, Fixture.runDir + "/00/00/inner_sub.000")
        XCTAssertEqual(inner.jobID, "make")
    }

    func testASubWorkflowJobOpensItsWorkflowAsARunView() throws {
        let data = try hierarchicalRun()
        let run = try XCTUnwrap(SubWorkflowNavigation.screen(opening: 1, in: data, directory: Fixture.runDir, kind: .skein) as? RunScreen)
        XCTAssertEqual(run.directory, Fixture.runDir + "/00/00/inner_sub.000")
        XCTAssertEqual(run.breadcrumb, "inner")
        // Without the sub-workflow's folder (it never ran), its job's own screen opens.
        var unplanned = data
        unplanned.subworkflowUUIDs = [:]
        XCTAssertTrue(SubWorkflowNavigation.screen(opening: 1, in: unplanned, directory: Fixture.runDir, kind: .skein) is JobScreen)
    }

    /// Marks and actions name a sub-workflow's job `workflow/id`, and go to its own run folder.
    func testASubWorkflowsJobIsRetriedInItsOwnRunFolder() throws {
        let data = try hierarchicalRun()
        let (app, screen) = Fixture.runModel(width: 120, height: 30, data: data)
        let row = try XCTUnwrap(screen.rows.firstIndex { screen.tree!.node[Int($0)] == 2 })
        screen.cursor.index = row
        _ = screen.handle(.mark, app: app)
        XCTAssertEqual(screen.marks, ["inner/make"])
        let inner = Fixture.runDir + "/00/00/inner_sub.000"
        XCTAssertEqual(screen.handle(.retry, app: app), [.control(ControlRequest(runDirectory: inner, action: .retry(["make"])))])
        XCTAssertEqual(screen.command(["retry", "inner/make"], app: app), [.control(ControlRequest(runDirectory: inner, action: .retry(["make"])))])
        // The run's own `make` is done: nothing to retry.
        XCTAssertEqual(screen.command(["retry", "make"], app: app), [])
        XCTAssertTrue(app.currentMessage?.text.contains("only failed jobs can be retried") ?? false, "\(String(describing: app.currentMessage))")
    }
}

/// The same on Pegasus's own hierarchical runs: one whose sub-workflow ran (its rows in the
/// root's database, its folder `00/00/blackdiamond_diamond_subworkflow.000`), and one whose
/// sub-workflow was never planned (its PRE script, pegasus-plan, failed).
final class PegasusSubWorkflowNavigationTests: XCTestCase {
    func read(_ name: String) throws -> (String, RunData) {
        let dir = try Fixture.pegasus(name)
        return (dir, try RunDataReader.read(RunLocation.locate(dir), now: Fixture.now))
    }

    func job(_ id: String, of workflow: String, in data: RunData) throws -> Int {
        try XCTUnwrap(data.jobs.indices.first { data.jobs[$0].id == id && data.jobs[$0].workflow == workflow }, "\(workflow)/\(id)")
    }

    func testTheSubWorkflowOpensAsARunViewAndItsSameNamedJobInItsFolder() throws {
        let (dir, data) = try read("hierarchical_wf_success")
        let child = dir + "/00/00/blackdiamond_diamond_subworkflow.000"
        let plan = try job("pegasus-plan_diamond_subworkflow", of: "hierarchical-workflow", in: data)
        let run = try XCTUnwrap(SubWorkflowNavigation.screen(opening: plan, in: data, directory: dir, kind: .pegasus) as? RunScreen)
        XCTAssertEqual(run.directory, child)
        XCTAssertEqual(run.breadcrumb, "blackdiamond")
        let inner = try XCTUnwrap(SubWorkflowNavigation.screen(opening: try job("stage_out_local_local_0_0", of: "blackdiamond", in: data),
                                                               in: data, directory: dir, kind: .pegasus) as? JobScreen)
        XCTAssertEqual(inner.directory, child)
        let outer = try XCTUnwrap(SubWorkflowNavigation.screen(opening: try job("stage_out_local_local_0_0", of: "hierarchical-workflow", in: data),
                                                               in: data, directory: dir, kind: .pegasus) as? JobScreen)
        XCTAssertEqual(outer.directory, dir)
        // The child's own Run view reads the child's workflow, with its own jobs only.
        let childData = try RunDataReader.read(RunLocation.locate(child), now: Fixture.now)
        XCTAssertEqual(childData.status.label, "blackdiamond")
        XCTAssertEqual(Set(childData.jobs.map(\.workflow)), ["blackdiamond"])
        XCTAssertEqual(childData.jobs.count, 15)
    }

    func testASubWorkflowThatWasNeverPlannedOpensItsJobAndSaysWhy() throws {
        let (dir, data) = try read("hierarchical_wf_failure")
        let plan = try job("pegasus-plan_diamond_subworkflow", of: "hierarchical-workflow", in: data)
        let (screen, note) = SubWorkflowNavigation.open(plan, in: data, directory: dir, kind: .pegasus)
        XCTAssertEqual((screen as? JobScreen)?.directory, dir)
        XCTAssertEqual(note, "pegasus-plan_diamond_subworkflow: its sub-workflow was never planned (no \(dir)/00/00/blackdiamond_diamond_subworkflow): its own record says why")
        XCTAssertEqual(RunView.workflowWidth(data), 0, "one workflow: no WORKFLOW column")
    }

    /// `skein tui CHILD` opens the child below its parents' Run views (the breadcrumb's levels).
    func testASubWorkflowOpenedDirectlyHasItsParentsAbove() throws {
        let dir = try Fixture.pegasus("hierarchical_wf_success")
        let parents = SubWorkflowAncestors.of(dir + "/00/00/blackdiamond_diamond_subworkflow.000")
        XCTAssertEqual(parents.map(\.directory), [dir])
        XCTAssertEqual(parents.map(\.label), ["hierarchical-workflow"])
        XCTAssertTrue(SubWorkflowAncestors.of(dir).isEmpty, "a root run has no parents")
    }

    /// A reload keeps the selection on the sub-workflow's job, not the parent's of that name.
    func testTheSelectionStaysOnItsWorkflowsJobAcrossAReload() throws {
        let (dir, data) = try read("hierarchical_wf_success")
        let app = Fixture.model(width: 120, height: 36)
        let screen = RunScreen(directory: dir, label: "hierarchical", kind: .pegasus)
        app.push(screen)
        app.receive(DataUpdate(key: .run(dir), payload: .run(data)))
        let inner = try job("stage_out_local_local_0_0", of: "blackdiamond", in: data)
        let row = try XCTUnwrap(screen.rows.firstIndex { screen.tree!.node[Int($0)] == Int32(inner) })
        screen.cursor.index = row
        app.receive(DataUpdate(key: .run(dir), payload: .run(data)))
        XCTAssertEqual(screen.selectedJob, inner)
        XCTAssertEqual(screen.status(app: app)?.segments.first?.text, "blackdiamond/stage_out_local_local_0_0")
        // The workflow filter lists the sub-workflow's jobs alone.
        _ = screen.command(["filter", "wf:blackdiamond"], app: app)
        XCTAssertEqual(screen.rows.count, 15)
        XCTAssertEqual(screen.selectedJob, inner)
    }
}
