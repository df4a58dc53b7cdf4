import Foundation
import SkeinPlanner
import SkeinRunFormat
import SkeinWorkflow
import XCTest

/// `PlanWriter.writePlan` writes the planner's jobs where they are (parents turned into
/// indices on the way, several threads encoding): its plan.json must be the bytes of one
/// `JSONEncoder` pass over `ExecutableWorkflow.plan()`, the plan built the long way.
final class PlanWriterTests: PlannerFilesTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testAGeneratedMontagePlanIsWrittenAsOneEncoderPassOverTheExecutablePlan() throws {
        // Montage's shape: sandboxed jobs (nonsharedfs), stage-in transfers, cleanup removals,
        // jobs with many parents; 5,000 jobs are several runs of jobs per encoding thread.
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generator.arguments = ["python3", Self.repository.appendingPathComponent("Benchmarks/generate_montage.py").path, "--jobs", "5000",
                               "--out", scratch.path]
        generator.standardOutput = FileHandle.nullDevice
        try generator.run()
        generator.waitUntilExit()
        XCTAssertEqual(generator.terminationStatus, 0, "generate_montage.py")
        let file = { (name: String) in self.scratch.appendingPathComponent(name).path }
        let loaded = WorkflowLoader.load(WorkflowSources(workflow: file("workflow.yml"), sites: file("sites.yml"),
                                                         transformations: file("transformations.yml"), replicas: file("replicas.yml")))
        let run = scratch.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let workflow = try Planner(loaded, options: PlanOptions()).executableWorkflow(runDirectory: run.path, now: 1_800_000_000)
        XCTAssertTrue(workflow.jobs.contains { $0.job.sandbox != nil } && workflow.jobs.contains { !$0.job.transfers.isEmpty }
            && workflow.jobs.contains { !$0.job.removals.isEmpty }, "the plan has sandboxes, transfers and removals")

        try PlanWriter.writePlan(workflow, header: workflow.planHeader(), to: RunDirectory(path: run.path))

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let expected = try encoder.encode(workflow.plan())
        let written = try Data(contentsOf: URL(fileURLWithPath: RunDirectory(path: run.path).planFile))
        XCTAssertEqual(written.count, expected.count)
        XCTAssertTrue(written == expected, "plan.json differs from JSONEncoder's bytes")

        // A planner handed its only copy of the workflow holds sandbox and cleanup paths as
        // names in their folder: the same plan.json, and the same `plan()`.
        let held = scratch.appendingPathComponent("held")
        try FileManager.default.createDirectory(at: held, withIntermediateDirectories: true)
        let reloaded = WorkflowLoader.load(WorkflowSources(workflow: file("workflow.yml"), sites: file("sites.yml"),
                                                           transformations: file("transformations.yml"), replicas: file("replicas.yml")))
        let holding = try Planner(reloaded, options: PlanOptions()).executableWorkflowReleasingInputs(runDirectory: run.path, wfUUID: workflow.wfUUID,
                                                                                                      now: 1_800_000_000)
        XCTAssertTrue(holding.jobs.contains { $0.pathsInFolder.contains(.sandbox) && $0.job.sandbox?.outputs.first?.path == "" })
        XCTAssertTrue(holding.jobs.contains { $0.pathsInFolder.contains(.removals) && $0.job.removals.allSatisfy { !$0.hasPrefix("/") } })
        try PlanWriter.writePlan(holding, header: holding.planHeader(), to: RunDirectory(path: held.path))
        XCTAssertTrue(try Data(contentsOf: URL(fileURLWithPath: RunDirectory(path: held.path).planFile)) == expected, "plan.json differs with paths held")
        XCTAssertTrue(holding.plan() == workflow.plan(), "plan() differs with paths held")
    }
}
