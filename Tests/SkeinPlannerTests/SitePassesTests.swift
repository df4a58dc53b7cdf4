import Foundation
import SkeinProperties
import SkeinRunFormat
import SkeinWorkflow
import XCTest
@testable import SkeinPlanner

/// Per-site folders, inter-site transfers and the data configurations (issue 10, issue 12's
/// per-site directories), pass by pass, on a two-site workflow read from real files.
final class SitePassesTests: PlannerFilesTestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        // a (local) makes mid.txt; b (hpc) reads it and the web's in.txt; c (local) reads in.txt.
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: two
            jobs:
            - {type: job, name: tool, id: a, arguments: [], uses: [{lfn: mid.txt, type: output}]}
            - {type: job, name: tool, id: b, arguments: [], uses: [{lfn: mid.txt, type: input}, {lfn: in.txt, type: input}, {lfn: b.txt, type: output, stageOut: true}], profiles: {selector: {execution.site: hpc}}}
            - {type: job, name: tool, id: c, arguments: [], uses: [{lfn: in.txt, type: input}]}
            jobDependencies:
            - {id: a, children: [b]}
            """)
        try sites()
        try write("transformations.yml", """
            pegasus: 5.0.4
            transformations:
            - name: tool
              sites:
              - {name: local, pfn: /bin/true, type: installed}
              - {name: hpc, pfn: /bin/true, type: installed}
            """)
        try write("replicas.yml", "pegasus: 5.0.4\nreplicas:\n- {lfn: in.txt, pfns: [{site: web, pfn: 'https://data.example/in.txt'}]}\n")
    }

    func sites(hpcProfile: String = "") throws {
        try write("sites.yml", """
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch'}]}
            - name: hpc
              directories:
              - {type: sharedScratch, path: hpc-scratch, fileServers: [{url: 'file://hpc-scratch'}]}
            \(hpcProfile)
            """)
    }

    func plan(_ options: PlanOptions = PlanOptions(), passes: [any PlannerPass]? = nil) throws -> ExecutableWorkflow {
        let loaded = WorkflowLoader.load(WorkflowSources(workflow: scratch.appendingPathComponent("workflow.yml").path))
        XCTAssertTrue(WorkflowValidator.validate(loaded.sources).isValid, "\(loaded.diagnostics)")
        var options = options
        if options.properties == nil { options.properties = PegasusProperties(values: [:]) }
        let context = PlanningContext(loaded, try XCTUnwrap(loaded.workflow), options: options)
        var workflow = ExecutableWorkflow(label: "two", wfUUID: "u", workflowFile: "w", runDirectory: scratch.appendingPathComponent("runs/two/run0001").path,
                                          createdAt: 0, plannerArguments: [])
        for pass in passes ?? Planner(loaded, options: options).passes { pass.run(&workflow, context) }
        return workflow
    }

    func job(_ workflow: ExecutableWorkflow, _ id: String) throws -> PlannedJob {
        try XCTUnwrap(workflow.jobs.first { $0.job.id == id }, "no job \(id) in \(workflow.jobs.map(\.job.id))")
    }

    static let sharedfs = PegasusProperties(values: ["pegasus.data.configuration": "sharedfs"])

    var local: String { scratch.appendingPathComponent("scratch/two/u").path }
    var hpc: String { scratch.appendingPathComponent("hpc-scratch/two/u").path }

    func testSharedfsRunsEachJobInItsSitesScratchAndMovesFilesBetweenSites() throws {
        let workflow = try plan(PlanOptions(stageOut: true, properties: Self.sharedfs))
        XCTAssertEqual(workflow.problems, [])
        XCTAssertEqual(workflow.scratchBySite, ["local": local, "hpc": hpc])
        XCTAssertEqual(try job(workflow, "create_dir_two_0_hpc").job.workingDirectory, hpc)
        XCTAssertEqual(try job(workflow, "a").job.workingDirectory, local)
        XCTAssertEqual(try job(workflow, "b").job.workingDirectory, hpc)
        XCTAssertNil(try job(workflow, "b").job.sandbox, "sharedfs: no sandbox")

        let inter = try job(workflow, "stage_inter_local_b_0")
        XCTAssertEqual(inter.job.kind, .interSite)
        XCTAssertEqual(inter.job.kind.rawValue, "inter-site-tx")
        XCTAssertEqual(inter.job.transfers, [PlannedTransfer(lfn: "mid.txt", source: local + "/mid.txt", destination: hpc + "/mid.txt", link: true)])
        XCTAssertEqual(inter.parentIDs, ["create_dir_two_0_hpc", "a"])
        XCTAssertTrue(try job(workflow, "b").parentIDs.contains("stage_inter_local_b_0"))

        // The web file is fetched once into each site's scratch that needs it.
        XCTAssertEqual(try job(workflow, "stage_in_local_hpc_1_0").job.transfers.map(\.destination), [hpc + "/in.txt"])
        XCTAssertEqual(try job(workflow, "stage_in_local_hpc_1_0").parentIDs, ["create_dir_two_0_hpc"])
        XCTAssertEqual(try job(workflow, "stage_in_local_local_0_0").job.transfers.map(\.destination), [local + "/in.txt"])
        XCTAssertEqual(try job(workflow, "stage_out_local_hpc_1_0").job.transfers.map(\.source), [hpc + "/b.txt"], "staged out from where b made it")

        // Each site's files are cleaned in its own folder, by its own jobs.
        let cleanups = workflow.jobs.filter { $0.job.kind == .cleanup }
        XCTAssertEqual(Set(cleanups.map(\.job.site)), ["local", "hpc"])
        for cleanup in cleanups {
            XCTAssertTrue(cleanup.job.removals.allSatisfy { $0.hasPrefix(cleanup.job.workingDirectory + "/") }, "\(cleanup.job.removals)")
        }
        let localMid = try XCTUnwrap(cleanups.first { $0.job.removals.contains(local + "/mid.txt") })
        XCTAssertTrue(localMid.parentIDs.contains("stage_inter_local_b_0"), "the copy leaves local only once it is on hpc")
        let hpcMid = try XCTUnwrap(cleanups.first { $0.job.removals.contains(hpc + "/mid.txt") })
        XCTAssertTrue(hpcMid.parentIDs.contains("b"))
        XCTAssertFalse(cleanups.contains { $0.job.removals.contains(hpc + "/b.txt") && !$0.parentIDs.contains("stage_out_local_hpc_1_0") })
    }

    func testLeafCleanupRemovesEachSitesScratch() throws {
        let workflow = try plan(PlanOptions(stageOut: true, cleanup: .leaf, properties: Self.sharedfs))
        let leaves = workflow.jobs.filter { $0.job.kind == .cleanup }
        XCTAssertEqual(leaves.map(\.job.id), ["cleanup_two_0_local", "cleanup_two_0_hpc"])
        XCTAssertEqual(leaves.map(\.job.removals), [[local], [hpc]])
    }

    func testSitesSharingOneScratchPathShareTheFolderAndMoveNothing() throws {
        try write("sites.yml", """
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch'}]}
            - name: hpc
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch'}]}
            """)
        let workflow = try plan(PlanOptions(properties: Self.sharedfs))
        XCTAssertEqual(workflow.scratchBySite, ["local": local, "hpc": local])
        XCTAssertFalse(workflow.jobs.contains { $0.job.kind == .interSite }, "one folder: nothing to move")
        XCTAssertEqual(workflow.plan().scratchDirectories, [local])
    }

    /// The sandbox pass numbers each sandbox's names (outputs, then inputs) for the cleanup
    /// pass, which goes on from them: a name has one number, whichever job names it.
    func testTheSandboxPassNumbersItsNamesForTheCleanupPass() throws {
        let properties = PegasusProperties(values: ["pegasus.data.configuration": "nonsharedfs"])
        let passes = Planner(WorkflowLoader.load(WorkflowSources(workflow: scratch.appendingPathComponent("workflow.yml").path)), options: PlanOptions(properties: properties)).passes
        let upToSandbox = Array(passes.prefix { !($0 is CleanupPass) })
        XCTAssertTrue(upToSandbox.contains { $0 is SandboxPass })
        let workflow = try plan(PlanOptions(properties: properties), passes: upToSandbox)
        let named = workflow.sandboxNames
        var sandboxes = 0
        for planned in workflow.jobs {
            guard let sandbox = planned.job.sandbox else {
                XCTAssertEqual(planned.sandboxNamesStart, -1)
                continue
            }
            sandboxes += 1
            let lfns = (sandbox.outputs + sandbox.inputs).map(\.lfn)
            let numbers = named.numbers[planned.sandboxNamesStart..<planned.sandboxNamesStart + lfns.count].map { Int($0) }
            XCTAssertEqual(numbers.map { named.names.names[$0] }, lfns, planned.job.id)
            XCTAssertEqual(numbers, lfns.map { named.names.find($0) }, planned.job.id)
        }
        XCTAssertEqual(sandboxes, 3)
        XCTAssertEqual(Set(named.names.names), ["mid.txt", "in.txt", "b.txt"])
        XCTAssertEqual(named.names.names.count, 3, "each name once")
        XCTAssertTrue(try plan(PlanOptions(properties: properties)).sandboxNames.numbers.isEmpty, "the cleanup pass takes them")
    }

    func testNonsharedfsStagesOnTheStagingSiteAndSandboxesTheJob() throws {
        let properties = PegasusProperties(values: ["pegasus.data.configuration": "nonsharedfs"])
        let workflow = try plan(PlanOptions(properties: properties, stagingSites: ["hpc": "local"]))
        XCTAssertEqual(workflow.problems, [])
        XCTAssertEqual(workflow.scratchBySite, ["local": local], "hpc's files wait on local: no scratch, no create_dir on hpc")
        XCTAssertFalse(workflow.jobs.contains { $0.job.id.hasPrefix("create_dir_two_0_hpc") })
        XCTAssertFalse(workflow.jobs.contains { $0.job.kind == .interSite }, "a and b share their staging site")
        let b = try job(workflow, "b")
        XCTAssertEqual(b.job.site, "hpc")
        XCTAssertEqual(b.job.workingDirectory, local)
        XCTAssertEqual(b.job.sandbox, JobSandbox(
            root: local, inputs: [SandboxFile(lfn: "mid.txt", path: local + "/mid.txt"), SandboxFile(lfn: "in.txt", path: local + "/in.txt")],
            outputs: [SandboxFile(lfn: "b.txt", path: local + "/b.txt")]))
        XCTAssertNotNil(try job(workflow, "a").job.sandbox, "nonsharedfs: every job has its own folder (PegasusLite)")
        XCTAssertTrue(try job(workflow, "b").parentIDs.contains("stage_in_local_local_1_0") || workflow.jobs.contains { $0.job.id.hasPrefix("stage_in_local_local") })

        let nowhere = try plan(PlanOptions(properties: properties, stagingSites: ["hpc": "cloud"]))
        XCTAssertEqual(nowhere.problems, ["--staging-site hpc=cloud: there is no site 'cloud' in the site catalog; add it (with a sharedScratch folder) or name another"])

        let everywhere = try plan(PlanOptions(properties: properties, stagingSites: ["": "hpc"]))
        XCTAssertEqual(everywhere.scratchBySite, ["hpc": hpc], "a bare --staging-site value is every site's")
    }

    func testCondorioStagesOnLocalAndSandboxesJobsAwayFromIt() throws {
        let workflow = try plan(PlanOptions(properties: PegasusProperties(values: ["pegasus.data.configuration": "condorio"])))
        XCTAssertEqual(workflow.problems, [])
        XCTAssertEqual(workflow.scratchBySite, ["local": local], "the staging site is local")
        XCTAssertEqual(workflow.jobs.filter { $0.job.kind == .createDir }.map(\.job.id), ["create_dir_two_0_local"])
        XCTAssertEqual(try job(workflow, "a").job.sandbox, JobSandbox(root: local, inputs: [], outputs: [SandboxFile(lfn: "mid.txt", path: local + "/mid.txt")]),
                       "a job on local runs in a folder of its own too (pegasus-lite-local.sh's copy of HTCondor's sandbox)")
        XCTAssertEqual(try job(workflow, "b").job.sandbox?.outputs, [SandboxFile(lfn: "b.txt", path: local + "/b.txt")])

        let asked = try plan(PlanOptions(properties: PegasusProperties(values: ["pegasus.data.configuration": "condorio"]), stagingSites: ["hpc": "hpc"]))
        XCTAssertEqual(asked.problems.count, 1)
        XCTAssertTrue(asked.problems[0].contains("--staging-site hpc=hpc: under condorio"), asked.problems[0])
    }

    func testTheSitesProfileWinsOverThePropertyAndBadValuesAreNamed() throws {
        try sites(hpcProfile: "  profiles: {pegasus: {data.configuration: condorio}}")
        let workflow = try plan(PlanOptions(properties: PegasusProperties(values: ["pegasus.data.configuration": "sharedfs"])))
        XCTAssertEqual(workflow.problems, [])
        XCTAssertNotNil(try job(workflow, "b").job.sandbox, "hpc says condorio")
        XCTAssertEqual(try job(workflow, "b").job.workingDirectory, local)
        XCTAssertNil(try job(workflow, "a").job.sandbox)

        let bad = try plan(PlanOptions(properties: PegasusProperties(values: ["pegasus.data.configuration": "sharedFS-ish"])))
        XCTAssertEqual(bad.problems, ["pegasus.data.configuration is 'sharedFS-ish': use sharedfs, nonsharedfs or condorio"])
        let mismatch = try plan(PlanOptions(properties: Self.sharedfs, stagingSites: ["local": "hpc"]))
        XCTAssertTrue(mismatch.problems.first?.contains("under sharedfs") == true, "\(mismatch.problems)")
    }

    func testStagingSiteTextIsReadAsPegasusPlanReadsIt() {
        XCTAssertEqual(PlanOptions.stagingSites("hpc=local,cloud=store"), ["hpc": "local", "cloud": "store"])
        XCTAssertEqual(PlanOptions.stagingSites("store"), ["": "store"], "a bare site is every site's")
        XCTAssertNil(PlanOptions.stagingSites("hpc=local=x"))
        XCTAssertNil(PlanOptions.stagingSites("=local"))
    }

    func testTheDefaultIsCondorioAsPegasus5() throws {
        let workflow = try plan()
        XCTAssertEqual(workflow.problems, [])
        XCTAssertEqual(workflow.scratchBySite, ["local": local])
        for id in ["a", "b", "c"] { XCTAssertNotNil(try job(workflow, id).job.sandbox, "\(id) runs in a folder of its own") }
        XCTAssertEqual(DataConfiguration.skeinDefault, .condorio)
        XCTAssertEqual(DataConfiguration.pegasusDefault, .condorio)
    }

    /// Under condorio (and nonsharedfs) a replica on this machine is staged to the staging
    /// site by a stage_in job, as Pegasus stages it, not linked straight into the sandbox.
    func testCondorioStagesLocalReplicasThroughStageInJobs() throws {
        try write("in.txt", "x\n")
        try write("replicas.yml", "pegasus: 5.0.4\nreplicas:\n- {lfn: in.txt, pfns: [{site: local, pfn: '\(scratch.path)/in.txt'}]}\n")
        let workflow = try plan()
        let stageIn = try job(workflow, "stage_in_local_local_0_0")
        XCTAssertEqual(stageIn.job.kind.rawValue, "stage-in-tx")
        XCTAssertEqual(stageIn.job.transfers, [PlannedTransfer(lfn: "in.txt", source: scratch.path + "/in.txt", destination: local + "/in.txt", link: true)])
        let c = try job(workflow, "c")
        XCTAssertEqual(c.job.inputLinks, [], "nothing linked from the replica")
        XCTAssertEqual(c.job.sandbox?.inputs, [SandboxFile(lfn: "in.txt", path: local + "/in.txt")])
        XCTAssertTrue(c.parentIDs.contains("stage_in_local_local_0_0"))
        XCTAssertTrue(try job(workflow, "b").parentIDs.contains("stage_in_local_local_0_0"), "one copy on the staging site for b and c")

        // Under sharedfs the job reads the replica where it is (a link into the scratch).
        let shared = try plan(PlanOptions(properties: Self.sharedfs))
        XCTAssertFalse(shared.jobs.contains { $0.job.kind == .stageIn })
        XCTAssertEqual(try job(shared, "c").job.inputLinks, [InputLink(lfn: "in.txt", source: scratch.path + "/in.txt")])
    }

    /// `pegasus.transfer.bypass.input.staging` (or a file's `bypass: true`), as Pegasus's
    /// StageIn.bypassStaging: URLs go straight into the sandbox; a file replica only when it is
    /// on the job's site, or on local for a site with `auxillary.local`.
    func testBypassedInputsReachTheSandboxFromWhereTheyAre() throws {
        try write("in.txt", "x\n")
        try write("replicas.yml", "pegasus: 5.0.4\nreplicas:\n- {lfn: in.txt, pfns: [{site: local, pfn: '\(scratch.path)/in.txt'}]}\n")
        let bypass = PegasusProperties(values: ["pegasus.transfer.bypass.input.staging": "true"])
        let workflow = try plan(PlanOptions(properties: bypass))
        XCTAssertEqual(try job(workflow, "c").job.inputLinks, [InputLink(lfn: "in.txt", source: scratch.path + "/in.txt")], "c is on local, like the replica")
        XCTAssertEqual(try job(workflow, "c").job.sandbox?.inputs, [])
        let b = try job(workflow, "b")
        XCTAssertEqual(b.job.inputLinks, [], "b is on hpc: the local replica is staged")
        XCTAssertTrue(workflow.jobs.contains { $0.job.kind == .stageIn && $0.job.transfers.map(\.lfn) == ["in.txt"] && b.parentIDs.contains($0.job.id) })

        try sites(hpcProfile: "  profiles: {pegasus: {auxillary.local: 'true'}}")
        let auxiliary = try plan(PlanOptions(properties: bypass))
        XCTAssertEqual(try job(auxiliary, "b").job.inputLinks.map(\.lfn), ["in.txt"], "auxillary.local: hpc sees local's files")
        XCTAssertFalse(auxiliary.jobs.contains { $0.job.kind == .stageIn })

        // A URL replica is fetched by the sandbox itself.
        try sites()
        try write("replicas.yml", "pegasus: 5.0.4\nreplicas:\n- {lfn: in.txt, pfns: [{site: web, pfn: 'https://data.example/in.txt'}]}\n")
        let remote = try plan(PlanOptions(properties: bypass))
        XCTAssertFalse(remote.jobs.contains { $0.job.kind == .stageIn })
        XCTAssertEqual(try job(remote, "c").job.sandbox?.inputs, [SandboxFile(lfn: "in.txt", path: "https://data.example/in.txt")])
        XCTAssertEqual(try job(remote, "b").job.sandbox?.inputs, [SandboxFile(lfn: "mid.txt", path: local + "/mid.txt"), SandboxFile(lfn: "in.txt", path: "https://data.example/in.txt")])
    }

    /// A staging site whose sharedScratch is served (sftp to write, http to read) is reached
    /// through its servers: stage-in and the sandbox's outputs write through `put`, the
    /// sandbox's inputs and stage-out read through `get`; cleanup and create_dir keep paths.
    func testAServedStagingSiteIsWrittenThroughPutAndReadThroughGet() throws {
        try write("sites.yml", """
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch'}]}
            - name: hpc
              directories:
              - type: sharedScratch
                path: /srv/stage
                fileServers:
                - {url: 'sftp://me@store:2222/srv/stage', operation: put}
                - {url: 'http://store/stage/', operation: get}
            """)
        let properties = PegasusProperties(values: ["pegasus.data.configuration": "nonsharedfs"])
        let workflow = try plan(PlanOptions(stageOut: true, properties: properties, stagingSites: ["": "hpc"]))
        XCTAssertEqual(workflow.problems, [])
        let folder = "/srv/stage/two/u"
        XCTAssertEqual(workflow.scratchBySite, ["hpc": folder])
        let put = "sftp://me@store:2222/srv/stage/two/u", get = "http://store/stage/two/u"
        XCTAssertEqual(try job(workflow, "stage_in_local_hpc_0_0").job.transfers.map(\.destination), [put + "/in.txt"])
        let b = try job(workflow, "b").job
        XCTAssertEqual(b.sandbox?.inputs.map(\.path), [get + "/mid.txt", get + "/in.txt"])
        XCTAssertEqual(b.sandbox?.outputs.map(\.path), [put + "/b.txt"])
        XCTAssertEqual(b.sandbox?.root, folder)
        XCTAssertEqual(try job(workflow, "stage_out_local_hpc_1_0").job.transfers.map(\.source), [get + "/b.txt"])
        XCTAssertTrue(workflow.jobs.filter { $0.job.kind == .cleanup }.allSatisfy { $0.job.removals.allSatisfy { $0.hasPrefix(folder + "/") } })

        // file:// servers (or none) keep plain paths and hard links.
        try sites()
        let plain = try plan(PlanOptions(stageOut: true, properties: properties, stagingSites: ["": "hpc"]))
        XCTAssertEqual(try job(plain, "b").job.sandbox?.outputs.map(\.path), [hpc + "/b.txt"])
    }
}
