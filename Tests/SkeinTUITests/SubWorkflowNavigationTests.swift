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
}
