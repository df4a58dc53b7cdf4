import Foundation
import SkeinPlanner
import SkeinRunFormat
import SkeinWorkflow
import XCTest

final class PlannerTests: PlannerFilesTestCase {
    func load() -> LoadedWorkflow { WorkflowLoader.load(WorkflowSources(workflow: scratch.appendingPathComponent("workflow.yml").path)) }

    func setUpWorkflow(jobProfiles: String = "", workflowProfiles: String = "") throws {
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: p
            \(workflowProfiles)
            jobs:
            - type: job
              name: tool
              id: a
              arguments: [x, '2']
              stdout: a.out
              uses:
              - {lfn: in.txt, type: input}
              - {lfn: a.out, type: output, stageOut: true}
            \(jobProfiles)
            - type: job
              name: tool
              id: b
              arguments: []
              uses:
              - {lfn: a.out, type: input}
            """)
        try write("sites.yml", """
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch'}]}
              profiles:
                env: {LEVEL: site, SITE_ONLY: s}
            """)
        try write("transformations.yml", """
            pegasus: 5.0.4
            transformations:
            - name: tool
              sites:
              - name: local
                pfn: bin/tool.sh
                type: stageable
                profiles:
                  env: {LEVEL: tc-site}
              profiles:
                env: {LEVEL: tc, TC_ONLY: t}
                dagman: {RETRY: '1'}
            """)
        try write("replicas.yml", "pegasus: 5.0.4\nreplicas:\n- {lfn: in.txt, pfns: [{site: local, pfn: data/in.txt}]}\n")
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try write("bin/tool.sh", "#!/bin/sh\necho tool\n")
    }

    func testProfilesEnvironmentPathsAndCreateDir() throws {
        try setUpWorkflow(jobProfiles: "  profiles:\n    env: {LEVEL: job}\n    pegasus: {maxwalltime: '2'}\n    dagman: {PRIORITY: '5', CATEGORY: io, ABORT-DAG-ON: '3 RETURN 7'}")
        let run = try RunDirectory.create(base: scratch.appendingPathComponent("runs").path, label: "p")
        XCTAssertTrue(run.path.hasSuffix("runs/p/run0001"))
        let plan = try Planner(load(), options: PlanOptions()).plan(runDirectory: run.path)
        XCTAssertEqual(plan.jobs.map(\.id), ["create_dir_p_0_local", "stage_in_local_local_0_0", "a", "b", "clean_up_local_level_0_0"],
                       "condorio (the default): in.txt is staged to local's scratch, and goes once a has read it")
        XCTAssertEqual(plan.jobs[0].kind, .createDir)
        XCTAssertEqual(plan.jobs[0].executor, "directories")
        XCTAssertEqual(plan.scratchDirectory, scratch.appendingPathComponent("scratch/p/\(plan.wfUUID)").path)
        XCTAssertEqual(plan.jobs[0].workingDirectory, plan.scratchDirectory, "the folder it makes private")
        let a = plan.jobs[2]
        XCTAssertEqual(a.environment, ["LEVEL": "job", "SITE_ONLY": "s", "TC_ONLY": "t"], "job beats TC site entry beats TC beats site")
        XCTAssertEqual(a.executable, run.path + "/bin/tool", "stageable executables are copied into the run")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: a.executable))
        XCTAssertEqual(a.arguments, ["x", "2"])
        XCTAssertEqual(a.retries, 1, "dagman.RETRY from the transformation")
        XCTAssertEqual(a.maxWalltime, 120, "maxwalltime is in minutes")
        XCTAssertEqual(a.priority, 5)
        XCTAssertEqual(a.category, "io")
        XCTAssertEqual(a.abortOnExitCode, 3)
        XCTAssertEqual(a.abortReturnValue, 7)
        XCTAssertEqual(a.parents, [0, 1])
        XCTAssertEqual(plan.jobs[1].transfers, [PlannedTransfer(lfn: "in.txt", source: scratch.appendingPathComponent("data/in.txt").path,
                                                                destination: plan.scratchDirectory + "/in.txt", link: true)])
        XCTAssertEqual(a.inputLinks, [], "staged, not linked from the replica")
        XCTAssertEqual(a.sandbox?.inputs, [SandboxFile(lfn: "in.txt", path: plan.scratchDirectory + "/in.txt")])
        XCTAssertEqual(a.outputs, ["a.out"])
        XCTAssertEqual(plan.jobs[3].parents, [0, 2], "b depends on a through a.out, and on create_dir")
        XCTAssertEqual(plan.jobs[3].inputLinks, [], "a file made by a parent is not linked from a replica")

        try run.write(plan)
        XCTAssertEqual(try RunDirectory(path: run.path).readPlan(), plan)
        XCTAssertTrue(try RunDirectory.create(base: scratch.appendingPathComponent("runs").path, label: "p").path.hasSuffix("run0002"))
    }

    func testPlansWithAwkwardTextReadBackExactly() throws {
        try setUpWorkflow()
        let run = try RunDirectory.create(base: scratch.appendingPathComponent("runs").path, label: "p")
        var plan = try Planner(load(), options: PlanOptions()).plan(runDirectory: run.path)
        // The job objects are read one at a time: braces, brackets, quotes and escapes in
        // strings must not confuse where one ends.
        plan.jobs[2].arguments = ["{", "}", "]", "[", "\"quoted\" {x}", "back\\slash\\", "\"jobs\":[", "ünï", "tab\tnew\nline"]
        plan.jobs[2].environment["K}"] = "v]\""
        plan.metadata["jobs"] = "[{\"id\": \"fake\"}]"
        try run.write(plan)
        XCTAssertEqual(try RunDirectory(path: run.path).readPlan(), plan)
    }

    func testRetriesFallBackToWorkflowThenDefault() throws {
        try setUpWorkflow(workflowProfiles: "profiles:\n  dagman: {RETRY: '4'}")
        // The transformation's RETRY applies to its jobs; the workflow's to the rest. Drop the TC one.
        var loaded = load()
        loaded.transformations?.transformations[0].profiles = Profiles()
        let plan = try Planner(loaded, options: PlanOptions(defaultRetries: 9)).plan(runDirectory: scratch.path)
        XCTAssertEqual(plan.jobs.first { $0.id == "a" }?.retries, 4)
        XCTAssertEqual(plan.jobs[0].retries, 9, "create_dir uses --retries")
    }

    func testCategoryLimitsComeFromPegasusProperties() throws {
        try setUpWorkflow()
        try write("pegasus.properties", "dagman.io.maxjobs = 2\ndagman.bad.maxjobs = many\npegasus.mode = development\n")
        let plan = try Planner(load(), options: PlanOptions()).plan(runDirectory: scratch.path)
        XCTAssertEqual(plan.categoryLimits, ["io": 2])
    }

    func testAJobWithNoSiteToRunIsAPlanError() throws {
        try setUpWorkflow()
        XCTAssertThrowsError(try Planner(load(), options: PlanOptions(sitesToRun: ["hpc"])).plan(runDirectory: scratch.path)) { error in
            let text = (error as! PlanError).description
            XCTAssertTrue(text.contains("job 'a': transformation 'tool' is not available on the sites to run (hpc); it is on local"), text)
        }
    }
}
