import Foundation
import XCTest
import SkeinProvenance
@testable import SkeinReports

/// A Pegasus sub-workflow's submit directory found from the parent's submit files, as
/// pegasus-analyzer finds it (`_CONDOR_DAGMAN_LOG` of the sub-workflow job's submit file,
/// moved under this copy of the run, then its `.NNN` planning folder), on Pegasus's own
/// hierarchical runs: one whose sub-workflow ran, one whose sub-workflow was never planned.
final class SubWorkflowFolderTests: XCTestCase {
    let submitFile = "00/00/pegasus-plan_diamond_subworkflow.sub"

    func testTheSubmitFileLeadsToTheSubWorkflowThatRan() throws {
        let dir = Paths.fixture("hierarchical_wf_success")
        let location = try RunLocation.locate(dir)
        let folder = try XCTUnwrap(SubWorkflowFolder.find(submitFile: submitFile, submitDirectory: dir,
                                                          recordedSubmitDirectory: location.recordedSubmitDir, attempts: 1))
        XCTAssertTrue(folder.found)
        // The plain name is Pegasus's link to the current planning, `.000`.
        XCTAssertEqual(folder.directory, dir + "/00/00/blackdiamond_diamond_subworkflow")
        XCTAssertEqual(folder.label, "blackdiamond")
        XCTAssertEqual(try RunLocation.locate(folder.directory).wfUUID, "160be601-bda4-45fb-86cd-9cf7a269bb22")
    }

    func testASubWorkflowWhosePlanningFailedHasNoFolder() throws {
        let dir = Paths.fixture("hierarchical_wf_failure")
        let location = try RunLocation.locate(dir)
        let folder = try XCTUnwrap(SubWorkflowFolder.find(submitFile: submitFile, submitDirectory: dir,
                                                          recordedSubmitDirectory: location.recordedSubmitDir, attempts: 2))
        XCTAssertFalse(folder.found)
        XCTAssertEqual(folder.directory, dir + "/00/00/blackdiamond_diamond_subworkflow")
        // The run graph says where it would be, since the database links the job to no workflow.
        let graph = try RunGraphReader.read(location)
        let job = try XCTUnwrap(graph.jobs.firstIndex { $0.id == "pegasus-plan_diamond_subworkflow" })
        XCTAssertEqual(graph.subworkflowFolders?[Int32(job)], folder)
        // analyze -r says so instead of stopping at the job.
        let report = try AnalysisReader.read(location, tail: 0, recurse: true)
        XCTAssertNil(report.subworkflows)
        XCTAssertTrue(report.remarks.contains { $0.contains("never planned") && $0.contains("blackdiamond_diamond_subworkflow") }, "\(report.remarks)")
    }

    func testTheChildDirectoryIsReadFromTheEnvironmentElseTheInitialDirectory() {
        let environment = """
            environment = "LANG=en_US.UTF-8 _CONDOR_DAGMAN_LOG=/sub/run0001/00/00/./inner_sub/inner.dag.dagman.out _CONDOR_MAX_DAGMAN_LOG=0"
            initialdir = /elsewhere
            """
        XCTAssertEqual(SubWorkflowFolder.childDirectory(submitFileText: environment), "/sub/run0001/00/00/inner_sub")
        XCTAssertEqual(SubWorkflowFolder.childDirectory(submitFileText: "# x\ninitialdir = /sub/run0001/00/00/./inner_sub\n"), "/sub/run0001/00/00/inner_sub")
        XCTAssertNil(SubWorkflowFolder.childDirectory(submitFileText: "executable = /bin/true\n"))
        XCTAssertEqual(SubWorkflowFolder.here("/sub/run0001/00/00/inner_sub", submitDirectory: "/copy/run", recorded: "/sub/run0001"), "/copy/run/00/00/inner_sub")
        XCTAssertEqual(SubWorkflowFolder.here("00/00/x.sub", submitDirectory: "/copy/run", recorded: "/sub/run0001"), "/copy/run/00/00/x.sub")
    }

    /// With the sub-workflow's rows in the root's database (monitord followed its DAGMan),
    /// the database links the job to it and its folder is relocated from the recorded one.
    func testARecordedSubWorkflowIsLinkedByTheDatabase() throws {
        let dir = Paths.fixture("hierarchical_wf_success")
        let graph = try RunGraphReader.read(try RunLocation.locate(dir))
        let job = try XCTUnwrap(graph.jobs.firstIndex { $0.id == "pegasus-plan_diamond_subworkflow" })
        XCTAssertEqual(graph.subworkflowUUIDs?[Int32(job)], "160be601-bda4-45fb-86cd-9cf7a269bb22")
        XCTAssertNil(graph.subworkflowFolders)
        XCTAssertEqual(graph.status.workflows.map(\.label), ["hierarchical-workflow", "blackdiamond"])
        XCTAssertEqual(graph.status.workflows[1].directory, dir + "/00/00/blackdiamond_diamond_subworkflow.000")
        // Same-named jobs in both workflows.
        XCTAssertEqual(Set(graph.jobs.filter { $0.id == "stage_out_local_local_0_0" }.map(\.workflow)), ["hierarchical-workflow", "blackdiamond"])
    }

    /// A copy of the run whose database has not recorded the sub-workflow yet (monitord had
    /// not followed its DAGMan: made here by deleting its rows, since HTCondor cannot run
    /// here): the folder comes from the submit file, and the child's own reports read no
    /// workflow instead of the root's.
    func testAnUnrecordedSubWorkflowIsFoundFromTheSubmitFile() throws {
        let copy = try Paths.temp(self, "unrecorded") + "/run"
        try FileManager.default.copyItem(atPath: Paths.fixture("hierarchical_wf_success"), toPath: copy)
        let db = try SQLiteDatabase(path: copy + "/hierarchical-workflow-0.stampede.db", readOnly: false, create: false)
        try db.execute("UPDATE job_instance SET subwf_id = NULL; DELETE FROM workflowstate WHERE wf_id = 2; DELETE FROM workflow WHERE wf_id = 2")
        let graph = try RunGraphReader.read(try RunLocation.locate(copy))
        let job = try XCTUnwrap(graph.jobs.firstIndex { $0.id == "pegasus-plan_diamond_subworkflow" })
        XCTAssertEqual(graph.subworkflowFolders?[Int32(job)], SubWorkflowFolder(directory: copy + "/00/00/blackdiamond_diamond_subworkflow", found: true, label: "blackdiamond"))
        let child = try RunLocation.locate(copy + "/00/00/blackdiamond_diamond_subworkflow")
        XCTAssertTrue(child.isSubWorkflow)
        XCTAssertThrowsError(try StatusReader.read(child), "no rows: not the root's workflow under the child's name")
    }
}
