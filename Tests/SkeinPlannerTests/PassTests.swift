import Foundation
import SkeinProperties
import SkeinRunFormat
import SkeinWorkflow
import XCTest
@testable import SkeinPlanner

/// Each planner pass on its own, on a workflow read from real files: what it adds or
/// changes, and that passes do no I/O (the writer does).
final class PassTests: PlannerFilesTestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: passes
            jobs:
            - {type: job, name: tool, id: a, arguments: [one], uses: [{lfn: in.txt, type: input}, {lfn: mid.txt, type: output}]}
            - {type: job, name: tool, id: b, arguments: [], uses: [{lfn: mid.txt, type: input}, {lfn: in.txt, type: input}], profiles: {selector: {execution.site: hpc}}}
            - {type: job, name: other, id: c, arguments: [], uses: []}
            jobDependencies:
            - {id: a, children: [b]}
            """)
        try write("sites.yml", """
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch'}]}
              profiles: {env: {FROM: site}}
            - name: hpc
              grids:
              - {type: batch, contact: localhost, scheduler: slurm, jobtype: compute}
            """)
        try write("transformations.yml", """
            pegasus: 5.0.4
            transformations:
            - name: tool
              sites:
              - {name: local, pfn: bin/tool.sh, type: stageable}
              - {name: hpc, pfn: bin/tool.sh, type: stageable, profiles: {env: {FROM: entry}}}
            - name: other
              sites:
              - {name: local, pfn: /bin/true, type: installed}
            """)
        try write("replicas.yml", "pegasus: 5.0.4\nreplicas:\n- {lfn: in.txt, pfns: [{site: local, pfn: data/in.txt}]}\n")
        try write("bin/tool.sh", "#!/bin/sh\n")
    }

    func context(sites: [String] = ["local"]) throws -> PlanningContext {
        let loaded = WorkflowLoader.load(WorkflowSources(workflow: scratch.appendingPathComponent("workflow.yml").path))
        XCTAssertTrue(WorkflowValidator.validate(loaded.sources).isValid, "\(loaded.diagnostics)")
        return PlanningContext(loaded, try XCTUnwrap(loaded.workflow), options: PlanOptions(sitesToRun: sites, properties: Self.sharedfs))
    }

    /// These passes are shown under sharedfs, where each site keeps its own scratch and jobs
    /// read replicas in place (the default, condorio: SitePassesTests).
    static let sharedfs = PegasusProperties(values: ["pegasus.data.configuration": "sharedfs"])

    func start() -> ExecutableWorkflow {
        ExecutableWorkflow(label: "passes", wfUUID: "u", workflowFile: "w", runDirectory: scratch.appendingPathComponent("run").path, createdAt: 0, plannerArguments: [])
    }

    func run(_ passes: [any PlannerPass], _ context: PlanningContext) -> ExecutableWorkflow {
        var workflow = start()
        for pass in passes { pass.run(&workflow, context) }
        return workflow
    }

    func testPlacementHonoursTheJobsSiteAndNamesEveryProblem() throws {
        let placed = run([PlacementPass()], try context())
        XCTAssertEqual(placed.jobs.map(\.job.id), ["a", "b", "c"])
        XCTAssertEqual(placed.jobs.map(\.job.site), ["local", "hpc", "local"], "b asks for hpc")
        XCTAssertEqual(placed.jobs.map(\.job.kind), [.compute, .compute, .compute])
        XCTAssertEqual(placed.jobs.map(\.abstractIndex), [0, 1, 2])
        XCTAssertEqual(placed.problems, [])

        let nowhere = run([PlacementPass()], try context(sites: ["cloud"]))
        XCTAssertEqual(nowhere.jobs.map(\.job.id), ["b"], "only b names its own site")
        XCTAssertEqual(nowhere.problems.count, 2)
        XCTAssertTrue(nowhere.problems[0].contains("job 'a': transformation 'tool' is not available on the sites to run (cloud)"), nowhere.problems[0])
        XCTAssertTrue(nowhere.problems[1].contains("job 'c'"), nowhere.problems[1])
    }

    func testProfilesGiveEnvironmentAndTheSlurmExecutor() throws {
        let workflow = run([PlacementPass(), ProfilesPass()], try context())
        XCTAssertEqual(workflow.jobs[0].job.environment, ["FROM": "site"])
        XCTAssertEqual(workflow.jobs[0].job.executor, "local")
        XCTAssertEqual(workflow.jobs[1].job.environment, ["FROM": "entry"], "the catalog entry's profile; hpc has no site profile")
        XCTAssertEqual(workflow.jobs[1].job.executor, "slurm", "hpc's grid is Slurm")
    }

    func testStageableExecutablesAreNamedOnceAndCopiedOnlyByTheWriter() throws {
        let workflow = run([PlacementPass(), ExecutablesPass()], try context())
        let bin = scratch.appendingPathComponent("run/bin").path
        XCTAssertEqual(workflow.jobs.map(\.job.executable), [bin + "/tool", bin + "/tool", "/bin/true"])
        XCTAssertEqual(workflow.stagedExecutables, [StagedExecutable(source: scratch.appendingPathComponent("bin/tool.sh").path, target: bin + "/tool", transformation: "tool")])
        XCTAssertFalse(FileManager.default.fileExists(atPath: bin), "a pass does no I/O")
        try PlanWriter.stageExecutables(workflow)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: bin + "/tool"))
    }

    /// A folder as a stageable pfn (validation refuses it; it may appear since) is never
    /// copied with all it holds into the run.
    func testAFolderIsNeverStagedAsAnExecutable() throws {
        var workflow = ExecutableWorkflow(label: "passes", wfUUID: "u", workflowFile: "w", runDirectory: scratch.appendingPathComponent("run").path, createdAt: 0, plannerArguments: [])
        workflow.stagedExecutables = [StagedExecutable(source: "/etc", target: scratch.appendingPathComponent("run/bin/tool").path, transformation: "tool")]
        XCTAssertThrowsError(try PlanWriter.stageExecutables(workflow)) { error in
            XCTAssertTrue("\(error)".contains("cannot stage executable /etc for 'tool': it is a folder"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("run/bin/tool").path))
    }

    func testDataflowLinksOnlyWhatNoParentMakes() throws {
        let workflow = run([PlacementPass(), DataflowPass()], try context())
        let input = InputLink(lfn: "in.txt", source: scratch.appendingPathComponent("data/in.txt").path)
        XCTAssertEqual(workflow.jobs[0].job.inputLinks, [input])
        XCTAssertEqual(workflow.jobs[0].job.outputs, ["mid.txt"])
        XCTAssertEqual(workflow.jobs[1].parentIDs, ["a"])
        XCTAssertEqual(workflow.jobs[1].job.inputLinks, [input], "mid.txt comes from a; in.txt from the catalog")
        XCTAssertEqual(workflow.jobs[1].job.inputs, ["mid.txt", "in.txt"], "every file b reads, its parent's included (the TUI's Definition tab)")
    }

    func testDirectoriesGiveEachSiteItsScratchAndCreateDirAndThePlanNumbersEdges() throws {
        let workflow = run([PlacementPass(), DataflowPass(), DirectoriesPass()], try context())
        XCTAssertEqual(workflow.jobs.map(\.job.id), ["create_dir_passes_0_local", "create_dir_passes_0_hpc", "a", "b", "c"], "named as Pegasus names them")
        XCTAssertEqual(workflow.jobs[0].job.kind, .createDir)
        XCTAssertEqual(workflow.jobs[0].job.executor, "directories", "made private in the engine, not by mkdir -p")
        let local = scratch.appendingPathComponent("scratch/passes/u").path
        let hpc = scratch.appendingPathComponent("wf-scratch/hpc/u").path
        XCTAssertEqual(workflow.scratchDirectory, local, "keyed by the workflow UUID")
        XCTAssertEqual(workflow.scratchBySite, ["local": local, "hpc": hpc], "hpc has no sharedScratch: a folder beside the run folder, not in it")
        XCTAssertEqual(workflow.jobs.map(\.job.workingDirectory), [local, hpc, local, hpc, local], "each job in its own site's scratch")
        XCTAssertEqual(workflow.jobs[0].job.arguments, [workflow.outputDirectory], "the first create_dir also makes the output folder")
        XCTAssertEqual(workflow.jobs[1].job.arguments, [])
        let plan = workflow.plan()
        XCTAssertEqual(plan.jobs.map(\.parents), [[], [], [0], [1, 2], [0]], "b after hpc's create_dir and a")
        XCTAssertEqual(plan.siteScratch, ["local": local, "hpc": hpc])
        XCTAssertEqual(plan.scratchDirectories, [local, hpc])
    }

    func testJobKindsAreAnOpenSetStoredByPegasusName() throws {
        XCTAssertEqual(JobKind.createDir.rawValue, "create-dir")
        XCTAssertEqual(JobKind.stageIn.rawValue, "stage-in-tx")
        let custom = JobKind(rawValue: "stage-in-tx")
        XCTAssertEqual(custom, .stageIn)
        let data = try JSONEncoder().encode([JobKind.cleanup, JobKind(rawValue: "something-new")])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"["cleanup","something-new"]"#)
        XCTAssertEqual(try JSONDecoder().decode([JobKind].self, from: data).last?.rawValue, "something-new")
    }

    func testAJobMayHoldSeveralTasksAndOldPlansHaveTheirOne() throws {
        var workflow = run([PlacementPass(), DirectoriesPass()], try context())
        XCTAssertEqual(workflow.jobs.map(\.job.id), ["create_dir_passes_0_local", "create_dir_passes_0_hpc", "a", "b", "c"])
        workflow.jobs[2].job.tasks = [
            ExecutableTask(id: "t1", transformation: "tool", executable: "/bin/true", arguments: ["1"]),
            ExecutableTask(id: "t2", transformation: "tool", executable: "/bin/true", arguments: ["2"]),
        ]
        let plan = workflow.plan()
        let directory = RunDirectory(path: scratch.path)
        try directory.write(plan)
        let read = try directory.readPlan()
        XCTAssertEqual(read, plan)
        XCTAssertEqual(read.jobs[2].recordedTasks.map(\.id), ["t1", "t2"])
        XCTAssertEqual(read.jobs[3].recordedTasks.map(\.id), ["b"], "a job is its own one task")
        XCTAssertEqual(read.jobs[0].recordedTasks, [], "create_dir is no task of the workflow")
        // A plan written before jobs had tasks still reads.
        var text = try String(contentsOfFile: directory.planFile, encoding: .utf8)
        text = text.replacingOccurrences(of: #","tasks":[]"#, with: "")
        try text.write(toFile: directory.planFile, atomically: true, encoding: .utf8)
        XCTAssertEqual(try directory.readPlan().jobs[3].tasks, [])
    }

    func testStagingFetchesURLInputsOnceAndStagesOutWhatIsAsked() throws {
        try write("replicas.yml", "pegasus: 5.0.4\nreplicas:\n- {lfn: in.txt, pfns: [{site: web, pfn: 'https://data.example/in.txt'}], checksum: {sha256: abc}}\n")
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: passes
            jobs:
            - {type: job, name: tool, id: a, arguments: [], uses: [{lfn: in.txt, type: input}, {lfn: mid.txt, type: output, stageOut: true}]}
            - {type: job, name: tool, id: b, arguments: [], uses: [{lfn: in.txt, type: input}, {lfn: keep.txt, type: output, stageOut: false}]}
            """)
        let loaded = WorkflowLoader.load(WorkflowSources(workflow: scratch.appendingPathComponent("workflow.yml").path))
        let context = PlanningContext(loaded, try XCTUnwrap(loaded.workflow), options: PlanOptions(stageOut: true, properties: Self.sharedfs))
        let workflow = run([PlacementPass(), DataflowPass(), DirectoriesPass(), StagingPass()], context)
        XCTAssertEqual(workflow.jobs.map(\.job.id), ["create_dir_passes_0_local", "stage_in_local_local_0_0", "a", "b", "stage_out_local_local_0_0"])
        let stageIn = workflow.jobs[1]
        XCTAssertEqual(stageIn.job.kind, .stageIn)
        XCTAssertEqual(stageIn.job.executor, "transfer")
        XCTAssertEqual(stageIn.job.transfers, [PlannedTransfer(lfn: "in.txt", source: "https://data.example/in.txt",
                                                               destination: workflow.scratchDirectory + "/in.txt", sha256: "abc")], "fetched once for both readers")
        XCTAssertEqual(stageIn.parentIDs, ["create_dir_passes_0_local"])
        XCTAssertEqual(workflow.jobs[2].job.inputLinks, [], "a URL is fetched, not linked")
        XCTAssertTrue(workflow.jobs[2].parentIDs.contains("stage_in_local_local_0_0") && workflow.jobs[3].parentIDs.contains("stage_in_local_local_0_0"))
        let stageOut = workflow.jobs[4]
        XCTAssertEqual(stageOut.job.kind, .stageOut)
        XCTAssertEqual(stageOut.job.transfers.map(\.lfn), ["mid.txt"], "stageOut: false stays in scratch")
        XCTAssertEqual(stageOut.job.transfers.first?.destination, workflow.outputDirectory + "/mid.txt")
        XCTAssertEqual(stageOut.parentIDs, ["a"])

        let withoutOutputSite = run([PlacementPass(), DataflowPass(), DirectoriesPass(), StagingPass()],
                                    PlanningContext(loaded, try XCTUnwrap(loaded.workflow), options: PlanOptions()))
        XCTAssertFalse(withoutOutputSite.jobs.contains { $0.job.kind == .stageOut }, "as pegasus-plan without -o")
    }

    func testDataReuseLeavesOutJobsWhoseOutputsExistAndCascades() throws {
        // a -> b -> c; mid.txt (a's) and b.txt (b's) are in the catalog: b is left out, and so is
        // a, whose only child is left out; c runs on the catalog's b.txt.
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("data"), withIntermediateDirectories: true)
        try write("data/b.txt", "b\n")
        try write("replicas.yml", """
            pegasus: 5.0.4
            replicas:
            - {lfn: in.txt, pfns: [{site: local, pfn: data/in.txt}]}
            - {lfn: b.txt, pfns: [{site: local, pfn: data/b.txt}]}
            """)
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: passes
            jobs:
            - {type: job, name: tool, id: a, arguments: [], uses: [{lfn: in.txt, type: input}, {lfn: mid.txt, type: output}]}
            - {type: job, name: tool, id: b, arguments: [], uses: [{lfn: mid.txt, type: input}, {lfn: b.txt, type: output, stageOut: true}]}
            - {type: job, name: tool, id: c, arguments: [], uses: [{lfn: b.txt, type: input}, {lfn: c.txt, type: output, stageOut: true}]}
            """)
        let loaded = WorkflowLoader.load(WorkflowSources(workflow: scratch.appendingPathComponent("workflow.yml").path))
        let all: [any PlannerPass] = [DataReusePass(), PlacementPass(), DataflowPass(), DirectoriesPass(), StagingPass(), ReusedOutputsStagingPass()]
        let reused = run(all, PlanningContext(loaded, try XCTUnwrap(loaded.workflow), options: PlanOptions(stageOut: true, properties: Self.sharedfs)))
        XCTAssertEqual(reused.pruned.keys.sorted(), [0, 1])
        XCTAssertEqual(reused.pruned[1], "its outputs are in the replica catalog (b.txt)")
        XCTAssertEqual(reused.pruned[0], "only left-out jobs need what it makes (b)")
        let c = try XCTUnwrap(reused.jobs.first { $0.job.id == "c" })
        XCTAssertEqual(c.job.inputLinks, [InputLink(lfn: "b.txt", source: scratch.appendingPathComponent("data/b.txt").path)], "c reads the catalog's copy")
        XCTAssertEqual(c.parentIDs, ["create_dir_passes_0_local"])
        let reusedOut = try XCTUnwrap(reused.jobs.first { $0.job.id == "stage_out_local_local_1000_0" })
        XCTAssertEqual(reusedOut.job.transfers.map(\.lfn), ["b.txt"], "the existing result is staged to the output site")
        XCTAssertEqual(reused.plan().prunedJobs?.map(\.id), ["a", "b"])

        let forced = run(all, PlanningContext(loaded, try XCTUnwrap(loaded.workflow), options: PlanOptions(stageOut: true, reuse: false, properties: Self.sharedfs)))
        XCTAssertEqual(forced.pruned, [:])
        XCTAssertEqual(forced.jobs.filter { $0.job.kind == .compute }.map(\.job.id), ["a", "b", "c"])
    }

    func testTransferThreadsComeFromTheProperties() throws {
        let loaded = WorkflowLoader.load(WorkflowSources(workflow: scratch.appendingPathComponent("workflow.yml").path))
        let run = scratch.appendingPathComponent("run-threads").path
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        let plan = try Planner(loaded, options: PlanOptions(properties: PegasusProperties(text: "pegasus.transfer.threads = 16\n"))).plan(runDirectory: run)
        XCTAssertEqual(plan.transferThreads, 16)
        XCTAssertNil(try Planner(loaded, options: PlanOptions(properties: PegasusProperties(text: "pegasus.transfer.threads = none\n"))).plan(runDirectory: run).transferThreads)
    }

    func testIntegrityCarriesCatalogChecksumsAndReadsTheDials() throws {
        try write("replicas.yml", "pegasus: 5.0.4\nreplicas:\n- {lfn: in.txt, pfns: [{site: local, pfn: data/in.txt}], checksum: {sha256: abc}}\n")
        let loaded = WorkflowLoader.load(WorkflowSources(workflow: scratch.appendingPathComponent("workflow.yml").path))
        func planned(_ properties: String) throws -> ExecutableWorkflow {
            run([PlacementPass(), DataflowPass(), IntegrityPass()],
                PlanningContext(loaded, try XCTUnwrap(loaded.workflow), options: PlanOptions(sitesToRun: ["local", "hpc"], properties: PegasusProperties(text: properties))))
        }
        let full = try planned("")
        XCTAssertEqual(full.integrityChecking, .full, "Pegasus's default")
        XCTAssertEqual(full.transferLinks, false, "Pegasus's default: no symbolic links")
        XCTAssertEqual(full.jobs.first { $0.job.id == "a" }?.job.inputChecksums, ["in.txt": "abc"])
        XCTAssertEqual(full.jobs.first { $0.job.id == "b" }?.job.inputChecksums, ["in.txt": "abc"], "mid.txt is a's: checked against what a made")
        XCTAssertEqual(try planned("pegasus.integrity.checking = nosymlink\npegasus.transfer.links = true\n").integrityChecking, .nosymlink)
        XCTAssertEqual(try planned("pegasus.transfer.links = true\n").transferLinks, true)
        let none = try planned("pegasus.integrity.checking = none\n")
        XCTAssertEqual(none.integrityChecking, IntegrityChecking.none)
        XCTAssertEqual(none.jobs.first { $0.job.id == "a" }?.job.inputChecksums, [:])
        XCTAssertEqual(try planned("pegasus.mode = development\n").integrityChecking, IntegrityChecking.none, "as Pegasus's development mode")
        // As Pegasus: integrity checking is PegasusLite's; a sharedfs plan checks and hashes nothing.
        for properties in ["pegasus.data.configuration = sharedfs\n", "pegasus.data.configuration = sharedfs\npegasus.integrity.checking = full\n"] {
            let shared = try planned(properties)
            XCTAssertEqual(shared.integrityChecking, IntegrityChecking.none, properties)
            XCTAssertEqual(shared.jobs.first { $0.job.id == "a" }?.job.inputChecksums, [:], properties)
        }
        XCTAssertEqual(try planned("pegasus.data.configuration = nonsharedfs\n").integrityChecking, .full)
        XCTAssertEqual(try planned("pegasus.integrity.checking = sometimes\n").problems,
                       ["pegasus.integrity.checking is 'sometimes'; use full (the default), nosymlink or none"])
    }

    func testFilesOfEarlierRunsCountForDataReuse() throws {
        let loaded = WorkflowLoader.load(WorkflowSources(workflow: scratch.appendingPathComponent("workflow.yml").path))
        var options = PlanOptions(sitesToRun: ["local", "hpc"])
        options.reusedReplicas = [ReusedReplica(lfn: "mid.txt", pfn: "/earlier/scratch/mid.txt", sha256: "def")]
        let context = PlanningContext(loaded, try XCTUnwrap(loaded.workflow), options: options)
        let reused = run([DataReusePass(), PlacementPass(), DataflowPass(), IntegrityPass()], context)
        XCTAssertEqual(reused.pruned, [0: "its outputs are in the replica catalog (mid.txt)"])
        let b = try XCTUnwrap(reused.jobs.first { $0.job.id == "b" })
        XCTAssertTrue(b.job.inputLinks.contains(InputLink(lfn: "mid.txt", source: "/earlier/scratch/mid.txt")))
        XCTAssertEqual(b.job.inputChecksums["mid.txt"], "def", "verified against the sha256 the earlier run recorded")
        XCTAssertEqual(Planner(loaded, options: options).prunedJobs(), reused.pruned, "what skein graph --show-pruned marks")
    }
}

final class GeneratedIDTests: XCTestCase {
    func testAGeneratedIdTakenByAUserJobGetsASuffix() {
        var taken = TakenIDs(["create_dir_w_local", "create_dir_w_local_skein1"])
        XCTAssertEqual(ExecutableWorkflow.unusedID("create_dir_w_local", taken: &taken), "create_dir_w_local_skein2")
        XCTAssertEqual(ExecutableWorkflow.unusedID("stage_in_local_local_0_0", taken: &taken), "stage_in_local_local_0_0")
        XCTAssertTrue(taken.contains("stage_in_local_local_0_0"))
    }
}

final class CleanupPathTests: XCTestCase {
    /// The cleanup's split of a transfer path into folder and name is NSString's, also where
    /// it leaves its quick way (a doubled or trailing slash).
    func testAPathIsSplitAsNSStringSplitsIt() {
        for path in Self.paths {
            let split = CleanupPass.split(path)
            XCTAssertEqual(split.folder, (path as NSString).deletingLastPathComponent, path)
            XCTAssertEqual(split.name, (path as NSString).lastPathComponent, path)
        }
    }

    static let paths = [
        "/scratch/run/a.txt", "/scratch/run/p_000001_area.fits", "/s/é ✓/f", "/s/.hidden", "/s/x/", "/s//x", "/s/./x", "/s/../x", "/s/x/.",
        "/s/x/..", "/s/..x", "/s/x..", "/s/.x/y", "/x", "/", "relative/x", "/s/x//",
    ]

    /// A transfer's path is found in a scratch folder, in place, exactly when splitting it
    /// gives that folder; paths NSString would rewrite are left to the split.
    func testAPathIsFoundInAScratchFolderAsTheSplitWouldFindIt() {
        let folders = [(number: 4, path: "/scratch/run"), (number: 7, path: "/s"), (number: 9, path: "/s/x")]
        for path in Self.paths + ["/scratch/run2/a", "/scratch/ru/a", "/s/x/y/z"] {
            guard let found = CleanupPass.locatePlain(path, in: folders) else {
                let plain = path.utf8.withContiguousStorageIfAvailable(CleanupPass.isPlainAbsolute) ?? false
                XCTAssertTrue(!plain || path.utf8.lastIndex(of: UInt8(ascii: "/")) == path.utf8.startIndex, "\(path) is left to the split only when not plain, or in the root")
                continue
            }
            let split = CleanupPass.split(path)
            let expected = folders.first { $0.path == split.folder }
            XCTAssertEqual(found.found, expected != nil, path)
            if let expected {
                XCTAssertEqual(found.folder, expected.number, path)
                XCTAssertEqual(String(path.utf8.dropFirst(found.nameStart)), split.name, path)
            }
        }
    }

    /// The planner's table of names (the cleanup's lfns, the plan's job ids) finds each name
    /// it was given, through its growths, and no other; a name given again takes its new number.
    func testTheNameTableFindsEveryNameThroughItsGrowth() {
        var table = NameTable()
        var names: [String] = []
        for n in 0..<5_000 {
            let name = "p_\(n)_area.fits"
            XCTAssertNil(table.find(name, in: names))
            table.insert(name, as: n, names: names)
            names.append(name)
        }
        for n in stride(from: 0, to: 5_000, by: 7) { XCTAssertEqual(table.find("p_\(n)_area.fits", in: names), n) }
        XCTAssertNil(table.find("p_5000_area.fits", in: names))
        var reserved = NameTable()
        reserved.reserve(10)
        reserved.insert("a", as: 0, names: [])
        XCTAssertEqual(reserved.find("a", in: ["a"]), 0)
        XCTAssertNil(reserved.find("b", in: ["a"]))
        XCTAssertEqual(table.insert("p_7_area.fits", as: 5_000, names: names + ["p_7_area.fits"]), 7, "the number it had")
        XCTAssertEqual(table.find("p_7_area.fits", in: names + ["p_7_area.fits"]), 5_000, "a later name with the same text wins")
    }

    /// Names shared by the sandbox and cleanup passes: numbered in the order first met, the
    /// same number each time; once the table goes, the names stay by number.
    func testNumberedNamesNumberEachNameOnceInTheOrderMet() {
        var named = NumberedNames()
        named.reserve(4)
        XCTAssertEqual(["b.fits", "a.fits", "b.fits", "c.fits", "a.fits"].map { named.number($0) }, [0, 1, 0, 2, 1])
        XCTAssertEqual(named.names, ["b.fits", "a.fits", "c.fits"])
        XCTAssertEqual(named.find("c.fits"), 2)
        XCTAssertNil(named.find("d.fits"))
        var grown = named
        for n in 0..<3_000 { XCTAssertEqual(grown.number("p_\(n).fits"), 3 + n) }
        XCTAssertEqual(grown.number("a.fits"), 1, "through the table's growth")
        named.forgetTable()
        XCTAssertEqual(named.names, ["b.fits", "a.fits", "c.fits"])
    }

    /// `isPath` is true exactly for the path `path(folder, lfn)` gives on its quick way.
    func testIsPathComparesTheBytesOfFolderSlashName() {
        XCTAssertTrue(CleanupPass.isPath("/s/x/a.fits", of: "a.fits", in: "/s/x"))
        XCTAssertTrue(CleanupPass.isPath("/s/é/ü.txt", of: "ü.txt", in: "/s/é"))
        XCTAssertFalse(CleanupPass.isPath("/s/x/a.fits", of: "b.fits", in: "/s/x"))
        XCTAssertFalse(CleanupPass.isPath("/s/y/a.fits", of: "a.fits", in: "/s/x"))
        XCTAssertFalse(CleanupPass.isPath("/s/x/y/a", of: "y/a", in: "/s/x"), "a name with a slash is not on the quick way")
        XCTAssertFalse(CleanupPass.isPath("/s/x//a", of: "a", in: "/s/x/"), "nor a folder ending in a slash")
        XCTAssertFalse(CleanupPass.isPath("/s/xa", of: "a", in: "/s/x"))
        XCTAssertFalse(CleanupPass.isPath("/s/x/", of: "", in: "/s/x"))
    }
}

