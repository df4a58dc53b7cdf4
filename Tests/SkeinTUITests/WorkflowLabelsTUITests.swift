import Foundation
import XCTest
import SkeinProvenance
import SkeinReports
@testable import SkeinTUI

/// A sub-workflow labelled like its parent (Pegasus's hierarchical run, relabelled) gets its
/// own WORKFLOW label and its own "by workflow" group, named by the job that runs it.
final class WorkflowLabelsTUITests: XCTestCase {
    func testASubWorkflowLabelledLikeItsParentHasAGroupOfItsOwn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skein-tuilabels-\(UUID().uuidString.prefix(8))").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: try Fixture.pegasus("hierarchical_wf_success"), toPath: dir)
        let location = try RunLocation.locate(dir)
        try SQLiteDatabase(path: location.database!).execute("UPDATE workflow SET dax_label = 'hierarchical-workflow' WHERE wf_id = 2")
        let data = try RunDataReader.read(location, now: Fixture.now)
        let sub = "hierarchical-workflow(pegasus-plan_diamond_subworkflow)"
        XCTAssertEqual(data.status.workflows.map(\.label), ["hierarchical-workflow", sub])
        XCTAssertEqual(data.jobs.filter { $0.id == "stage_out_local_local_0_0" }.map(\.workflow), ["hierarchical-workflow", sub])

        let app = Fixture.model(width: 120, height: 40)
        let screen = RunScreen(directory: dir, label: "hierarchical-workflow", kind: .pegasus)
        app.push(screen)
        app.receive(DataUpdate(key: .run(dir), payload: .run(data)))
        _ = screen.command(["view", "workflow"], app: app)
        XCTAssertEqual(screen.view, .workflow)
        let backend = MemoryBackend(width: app.width, height: app.height)
        backend.present(Fixture.render(app))
        XCTAssertTrue(backend.text.contains(sub), backend.text)
        // A job of the sub-workflow is named workflow/id, and that name finds it again.
        let j = try XCTUnwrap(data.jobs.indices.first { data.jobs[$0].id == "stage_out_local_local_0_0" && data.jobs[$0].workflow == sub })
        XCTAssertEqual(screen.name(j, data), sub + "/stage_out_local_local_0_0")
        XCTAssertEqual(screen.job(named: sub + "/stage_out_local_local_0_0", data), j)
    }
}
