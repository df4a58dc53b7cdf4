import Foundation
import SkeinPlanner
import SkeinRunFormat
import SkeinWorkflow
import XCTest

/// Sub-workflow jobs (`pegasusWorkflow`) as the parent's planner sees them: Pegasus's job
/// name and kind, the child's folder, the files it reads and makes, and the errors a bad
/// sub-workflow file gives at plan time (missing, invalid, a cycle through files), each at
/// the file, line and column of the job that names it.
final class SubWorkflowPlanningTests: PlannerFilesTestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        try write("transformations.yml", "pegasus: 5.0.4\ntransformations:\n- name: sh\n  sites: [{name: local, pfn: /bin/sh, type: installed}]\n")
        try write("replicas.yml", "pegasus: 5.0.4\nreplicas: []\n")
    }

    /// A workflow `name` whose second job is a sub-workflow of `file`.
    func parent(_ name: String, file: String, arguments: String = "[--output-sites, local, -vvv, --basename, inner]") -> String {
        """
        pegasus: 5.0.4
        name: \(name)
        jobs:
        - {type: job, name: sh, id: make, arguments: ['-c', 'echo a > f.a'], uses: [{lfn: f.a, type: output}]}
        - type: pegasusWorkflow
          file: \(file)
          id: sub
          arguments: \(arguments)
          uses: [{lfn: f.a, type: input}, {lfn: f.d, type: output}]
        - {type: job, name: sh, id: count, arguments: ['-c', 'wc -l f.d'], uses: [{lfn: f.d, type: input}]}
        jobDependencies:
        - {id: make, children: [sub]}
        - {id: sub, children: [count]}

        """
    }

    let inner = """
        pegasus: 5.0.4
        name: inner
        jobs:
        - {type: job, name: sh, id: copy, arguments: ['-c', 'cp f.a f.d'], uses: [{lfn: f.a, type: input}, {lfn: f.d, type: output}]}

        """

    func plan(_ file: String = "workflow.yml") throws -> ExecutablePlan {
        let loaded = WorkflowLoader.load(WorkflowSources(workflow: scratch.appendingPathComponent(file).path))
        return try Planner(loaded, options: PlanOptions()).plan(runDirectory: scratch.appendingPathComponent("run").path)
    }

    func planErrors(_ file: String = "workflow.yml") -> String {
        do {
            _ = try plan(file)
            return ""
        } catch {
            return "\(error)"
        }
    }

    func testASubWorkflowJobIsPegasusDaxJobWithItsFilesAndFolder() throws {
        try write("workflow.yml", parent("outer", file: "inner.yml"))
        try write("inner.yml", inner)
        let plan = try plan()
        let job = try XCTUnwrap(plan.jobs.first { $0.kind == .dax })
        XCTAssertEqual(job.id, "pegasus-plan_sub")
        XCTAssertEqual(job.executor, "subworkflow")
        XCTAssertEqual(job.recordedTasks.map(\.id), ["sub"])
        XCTAssertEqual(job.recordedTasks.first?.transformation, "pegasus::pegasus-plan")
        let sub = try XCTUnwrap(job.subworkflow)
        XCTAssertEqual(sub.resolvedFile, scratch.appendingPathComponent("inner.yml").path)
        XCTAssertEqual(sub.directory, scratch.appendingPathComponent("run/00/00/inner_sub").path)
        XCTAssertEqual(sub.parentScratch, plan.scratchDirectory)
        XCTAssertEqual(sub.inputs, ["f.a"])
        XCTAssertEqual(sub.outputs, ["f.d"])
        // Its edges are the parent's: after `make`, before `count`, by the new name.
        let index = try XCTUnwrap(plan.jobs.firstIndex { $0.id == job.id })
        XCTAssertTrue(job.parents.map { plan.jobs[$0].id }.contains("make"))
        let count = try XCTUnwrap(plan.jobs.first { $0.id == "count" })
        XCTAssertTrue(count.parents.contains(index))
    }

    func testAMissingSubWorkflowFileNamesTheJobsLine() throws {
        try write("workflow.yml", parent("outer", file: "nowhere.yml"))
        let errors = planErrors()
        XCTAssertTrue(errors.contains("workflow.yml:5:3: job 'sub'"), errors)
        XCTAssertTrue(errors.contains("'nowhere.yml' does not exist"), errors)
    }

    func testAnInvalidSubWorkflowFileNamesBothPlaces() throws {
        try write("workflow.yml", parent("outer", file: "inner.yml"))
        try write("inner.yml", "pegasus: 5.0.4\nname: inner\njobs:\n- {type: job, name: sh, id: x, uses: [{lfn: f.a, type: sideways}]}\n")
        let errors = planErrors()
        XCTAssertTrue(errors.contains("workflow.yml:5:3: job 'sub'"), errors)
        XCTAssertTrue(errors.contains("is not a valid workflow"), errors)
        XCTAssertTrue(errors.contains("inner.yml:4:"), errors)
    }

    func testASubWorkflowThatIncludesItsParentIsACycle() throws {
        try write("workflow.yml", parent("outer", file: "middle.yml"))
        try write("middle.yml", parent("middle", file: "workflow.yml"))
        let errors = planErrors()
        XCTAssertTrue(errors.contains("middle.yml:5:3: job 'sub'"), errors)
        XCTAssertTrue(errors.contains("a cycle: workflow.yml -> middle.yml -> workflow.yml"), errors)
    }

    func testUnknownPegasusPlanOptionIsAPlanError() throws {
        try write("workflow.yml", parent("outer", file: "inner.yml", arguments: "[--sites, local, --frobnicate]"))
        try write("inner.yml", inner)
        let errors = planErrors()
        XCTAssertTrue(errors.contains("workflow.yml:5:3: job 'sub': unknown pegasus-plan option '--frobnicate'"), errors)
    }

    func testPegasusPlanArgumentsAreRead() throws {
        let parsed = try SubWorkflowArguments(parsing: [
            "--conf", "inner.properties", "--sites", "a,b", "--output-sites", "local", "-vvv", "--basename", "inner", "--cleanup", "leaf",
            "--cluster", "horizontal", "-C", "label", "--force", "--force-replan", "-Dpegasus.x=1", "--dir", "/somewhere",
        ])
        XCTAssertEqual(parsed.properties, "inner.properties")
        XCTAssertEqual(parsed.sitesToRun, ["a", "b"])
        XCTAssertEqual(parsed.outputSite, "local")
        XCTAssertEqual(parsed.cleanup, PlanOptions.Cleanup.leaf)
        XCTAssertEqual(parsed.clusters, ["horizontal", "label"])
        XCTAssertTrue(parsed.force)
        XCTAssertTrue(parsed.forceReplan)
        XCTAssertEqual(parsed.defines.first?.key, "pegasus.x")
        XCTAssertThrowsError(try SubWorkflowArguments(parsing: ["--cleanup", "sometimes"]))
        XCTAssertThrowsError(try SubWorkflowArguments(parsing: ["--sites"]))
    }

    func testACondorWorkflowIsRefusedNamingTheJob() throws {
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: outer
            jobs:
            - {type: condorWorkflow, file: inner.dag, id: dagjob, arguments: [], uses: []}

            """)
        try write("inner.dag", "JOB a a.sub\nJOB b b.sub\nPARENT a CHILD b\n")
        try write("a.sub", "universe = vanilla\nexecutable = /bin/true\nqueue\n")
        try write("b.sub", "universe = scheduler\nexecutable = /bin/true\nqueue\n")
        let errors = planErrors()
        XCTAssertTrue(errors.contains("workflow.yml:4:3: job 'dagjob': the DAG 'inner.dag' cannot be run by Skein: node 'b' (b.sub): universe scheduler"), errors)
        // Every node runnable: planned as Pegasus's dag job.
        try write("b.sub", "universe = local\nexecutable = /bin/echo\narguments = \"one 'two three' 'it''s'\"\nqueue\n")
        let plan = try plan()
        XCTAssertEqual(plan.jobs.first { $0.kind == .dag }?.id, "dagman_dagjob")
    }

    func testDagmanFilesAreReadAsFarAsSkeinCanRunThem() throws {
        try write("inner.dag", "# comment\nJOB a a.sub\nJOB b b.sub DIR sub\nPARENT a CHILD b\nRETRY b 2\nCATEGORY a small\n")
        try write("a.sub", "executable = /bin/echo\narguments = \"one 'two three' 'it''s'\"\nqueue\n")
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try write("sub/b.sub", "universe = local\nexecutable = run.sh\narguments = -x -y\nqueue 1\n")
        let dag = try DagmanFile.read(scratch.appendingPathComponent("inner.dag").path)
        XCTAssertNil(dag.firstRefusal)
        XCTAssertEqual(dag.nodes.map(\.name), ["a", "b"])
        XCTAssertEqual(dag.nodes[0].arguments, ["one", "two three", "it's"])
        XCTAssertEqual(dag.nodes[1].executable, scratch.appendingPathComponent("sub/run.sh").path)
        XCTAssertEqual(dag.nodes[1].arguments, ["-x", "-y"])
        XCTAssertEqual(dag.nodes[1].retries, 2)
        XCTAssertEqual(dag.edges.map { "\($0.parent)>\($0.child)" }, ["a>b"])
        try write("inner.dag", "JOB a a.sub\nSCRIPT PRE a pre.sh\n")
        XCTAssertEqual(try DagmanFile.read(scratch.appendingPathComponent("inner.dag").path).firstRefusal, "node 'a' (a.sub): it has a PRE script")
        try write("inner.dag", "JOB a a.sub\nVARS a x=\"1\"\n")
        XCTAssertEqual(try DagmanFile.read(scratch.appendingPathComponent("inner.dag").path).firstRefusal, "node 'a' (a.sub): it sets VARS macros")
        try write("inner.dag", "SUBDAG EXTERNAL inner other.dag\n")
        XCTAssertEqual(try DagmanFile.read(scratch.appendingPathComponent("inner.dag").path).firstRefusal, "node 'inner' (other.dag): a SUBDAG node")
    }
}
