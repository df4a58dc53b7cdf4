import Foundation
import XCTest
import SkeinProvenance
@testable import SkeinReports

/// Two sub-workflows with the same label are told apart by the parent job that runs each, in
/// the status's workflows and in every job's workflow (the TUI's WORKFLOW column and groups).
final class WorkflowLabelsTests: XCTestCase {
    /// The real hierarchical fixture with a second `blackdiamond` sub-workflow, run by the
    /// parent's job `pegasus-plan_diamond_again`.
    func twoSameLabelledChildren() throws -> String {
        let dir = try Paths.temp(self, "labels") + "/run"
        try FileManager.default.copyItem(atPath: Paths.fixture("hierarchical_wf_success"), toPath: dir)
        let db = try SQLiteDatabase(path: try RunLocation.locate(dir).database!)
        try db.execute("""
            INSERT INTO workflow (wf_id, wf_uuid, dag_file_name, submit_dir, dax_label, parent_wf_id, root_wf_id)
                VALUES (3, '3b1d0c2e-0000-4000-8000-000000000003', 'inner.dag', '/nonexistent/again', 'blackdiamond', 1, 1)
            """)
        try db.execute("""
            INSERT INTO job (job_id, wf_id, exec_job_id, submit_file, type_desc, clustered, max_retries, executable, task_count)
                VALUES (1000, 1, 'pegasus-plan_diamond_again', '00/00/pegasus-plan_diamond_again.sub', 'dax', 0, 0, 'pegasus-plan', 0)
            """)
        try db.execute("INSERT INTO job_instance (job_instance_id, job_id, job_submit_seq, subwf_id, multiplier_factor) VALUES (1000, 1000, 1000, 3, 1)")
        return dir
    }

    func testClashingLabelsGetTheJobThatRunsThem() throws {
        let status = try StatusReader.read(twoSameLabelledChildren(), includeJobs: true)
        XCTAssertEqual(status.workflows.map(\.label),
                       ["hierarchical-workflow", "blackdiamond(pegasus-plan_diamond_subworkflow)", "blackdiamond(pegasus-plan_diamond_again)"])
        let labels = Set((status.jobs ?? []).map(\.workflow))
        XCTAssertTrue(labels.contains("blackdiamond(pegasus-plan_diamond_subworkflow)"), "\(labels)")
        XCTAssertFalse(labels.contains("blackdiamond"), "\(labels)")
    }

    func testLabelsThatDoNotClashStayAsTheyAre() throws {
        let status = try StatusReader.read(Paths.fixture("hierarchical_wf_success"))
        XCTAssertEqual(status.workflows.map(\.label), ["hierarchical-workflow", "blackdiamond"])
    }
}
