import SkeinWorkflow
import XCTest
import SkeinProperties

/// The workflows and catalogs the real Pegasus Python API wrote must load with every
/// detail: jobs, edges, arguments, profiles, metadata, hooks, checksums, containers, replicas.
final class FixtureLoadingTests: XCTestCase {
    func load(_ name: String, _ file: String = "workflow.yml") -> LoadedWorkflow {
        WorkflowLoader.load(WorkflowSources(workflow: TestPaths.fixture(name, file)))
    }

    func testEveryFixtureLoadsWithoutReadingErrors() throws {
        for name in ["diamond", "split_merge", "pipeline"] {
            for file in ["workflow.yml", "workflow-embedded.yml"] {
                let loaded = load(name, file)
                XCTAssertNotNil(loaded.workflow, "\(name)/\(file)")
                XCTAssertNotNil(loaded.sites, "\(name)/\(file) sites")
                XCTAssertNotNil(loaded.transformations, "\(name)/\(file) transformations")
                XCTAssertNotNil(loaded.replicas, "\(name)/\(file) replicas")
                XCTAssertEqual(loaded.diagnostics.errors, [], "\(name)/\(file)")
                XCTAssertEqual(loaded.diagnostics.warnings, [], "\(name)/\(file): the real API's output has no unknown keys")
            }
        }
    }

    func testEmbeddedAndSeparateCatalogsGiveTheSameModel() {
        for name in ["diamond", "split_merge", "pipeline"] {
            let separate = load(name)
            let embedded = load(name, "workflow-embedded.yml")
            XCTAssertEqual(separate.workflow?.jobs, embedded.workflow?.jobs, name)
            XCTAssertEqual(separate.workflow?.dependencies, embedded.workflow?.dependencies, name)
            XCTAssertEqual(separate.sites?.sites, embedded.sites?.sites, name)
            XCTAssertEqual(separate.transformations?.transformations, embedded.transformations?.transformations, name)
            XCTAssertEqual(separate.replicas?.replicas, embedded.replicas?.replicas, name)
            XCTAssertEqual(embedded.sitesOrigin, .embedded(TestPaths.fixture(name, "workflow-embedded.yml")))
            XCTAssertEqual(separate.sitesOrigin, .besideWorkflow(TestPaths.fixture(name, "sites.yml")))
            // The API writes embedded catalogs without `pegasus:`; standalone ones with it.
            XCTAssertNil(embedded.sites?.pegasusVersion)
            XCTAssertEqual(separate.sites?.pegasusVersion, "5.0.4")
        }
    }

    func testDiamondJobsArgumentsAndFiles() throws {
        let wf = try XCTUnwrap(load("diamond").workflow)
        XCTAssertEqual(wf.name, "diamond")
        XCTAssertEqual(wf.pegasusVersion, "5.0.4")
        XCTAssertEqual(wf.jobs.map(\.id), ["ID0000001", "ID0000002", "ID0000003", "ID0000004"])
        let pre = wf.jobs[0]
        XCTAssertEqual(pre.transformation.description, "diamond::preprocess:4.0")
        XCTAssertEqual(pre.arguments, ["-a", "preprocess", "-T", "3", "-i", "f.a", "-o", "f.b1", "f.b2"])
        XCTAssertEqual(pre.stdout, "preprocess.out")
        XCTAssertEqual(pre.stderr, "preprocess.err")
        XCTAssertEqual(pre.nodeLabel, "preprocess")
        let fa = try XCTUnwrap(pre.uses.first { $0.lfn == "f.a" })
        XCTAssertEqual(fa.type, .input)
        XCTAssertEqual(fa.size, "28", "the API writes size as an integer")
        XCTAssertEqual(fa.metadata["creator"], "scientist")
        XCTAssertEqual(Set(pre.outputs.map(\.lfn)), ["preprocess.out", "preprocess.err", "f.b1", "f.b2"])
        XCTAssertEqual(pre.uses.first { $0.lfn == "preprocess.out" }?.stageOut, true)
        XCTAssertEqual(pre.uses.first { $0.lfn == "preprocess.err" }?.registerReplica, false)
        XCTAssertEqual(wf.jobs[3].stdin, "analyze.in")
    }

    func testDiamondProfilesMetadataAndHooks() throws {
        let wf = try XCTUnwrap(load("diamond").workflow)
        XCTAssertEqual(wf.profiles.value("dagman", "RETRY"), "2")
        XCTAssertEqual(wf.profiles.value("env", "WF_LEVEL_ENV"), "1")
        XCTAssertEqual(wf.metadata["purpose"], "pegasus-compat-example")
        XCTAssertEqual(wf.hooks.shell.map(\.on), [.start, .all])
        XCTAssertEqual(wf.hooks.shell[0].command, "/bin/echo workflow-start")
        XCTAssertEqual(wf.jobs[0].profiles.value("dagman", "RETRY"), "3")
        XCTAssertEqual(wf.jobs[0].profiles.value("dagman", "retry"), "3", "DAGMan keys ignore case")
        XCTAssertEqual(wf.jobs[0].metadata["time"], "60")
        XCTAssertEqual(wf.jobs[0].hooks.shell, [ShellHook(on: .error, command: "/bin/echo preprocess failed")])
        let analyze = wf.jobs[3]
        XCTAssertEqual(analyze.profiles.value("condor", "request_memory"), "2048")
        XCTAssertEqual(analyze.profiles.value("pegasus", "cores"), "2")
        XCTAssertEqual(analyze.profiles.value("pegasus", "runtime"), "120")
    }

    func testDiamondEdgesAreDeclaredAndImpliedByFiles() throws {
        let loaded = load("diamond")
        let wf = try XCTUnwrap(loaded.workflow)
        let graph = WorkflowGraph(wf)
        let edges = Set(graph.edges.map { "\(graph.ids[$0.parent])->\(graph.ids[$0.child])" })
        XCTAssertEqual(edges, ["ID0000001->ID0000002", "ID0000001->ID0000003", "ID0000002->ID0000004", "ID0000003->ID0000004"])
        XCTAssertTrue(graph.edges.allSatisfy { $0.origin == [.declared, .dataflow] }, "every diamond edge is both declared and implied by a file")
        XCTAssertEqual(graph.levels(), [0, 1, 1, 2])
    }

    func testImpliedEdgesWithoutJobDependencies() throws {
        var wf = try XCTUnwrap(load("diamond").workflow)
        wf.dependencies = []
        let graph = WorkflowGraph(wf)
        XCTAssertEqual(graph.edges.count, 4)
        XCTAssertTrue(graph.edges.allSatisfy { $0.origin == .dataflow })
    }

    func testDiamondCatalogs() throws {
        let loaded = load("diamond")
        let sites = try XCTUnwrap(loaded.sites)
        XCTAssertEqual(sites.sites.map(\.name), ["local", "condorpool", "hpc"])
        let local = try XCTUnwrap(sites.site(named: "local"))
        XCTAssertEqual(local.arch, "x86_64")
        XCTAssertEqual(local.osVersion, "12")
        XCTAssertEqual(local.directory("sharedScratch")?.path, "/home/scientist/examples/scratch")
        XCTAssertEqual(local.directory("sharedScratch")?.fileServers.first?.url, "file:///home/scientist/examples/scratch")
        XCTAssertEqual(local.directory("localStorage")?.sharedFileSystem, false)
        XCTAssertEqual(local.profiles.value("env", "PATH"), "/usr/local/bin:/usr/bin:/bin")
        let hpc = try XCTUnwrap(sites.site(named: "hpc"))
        XCTAssertEqual(hpc.grids.first?.scheduler, "slurm")
        XCTAssertEqual(hpc.grids.first?.jobtype, "compute")
        XCTAssertEqual(hpc.profiles.value("pegasus", "style"), "glite")

        let tc = try XCTUnwrap(loaded.transformations)
        XCTAssertEqual(tc.transformations.map(\.name), ["preprocess", "findrange", "analyze", "helper"])
        let analyze = tc.transformations[2]
        XCTAssertEqual(analyze.requires, ["diamond::helper:1.0"])
        XCTAssertEqual(analyze.sites.first?.container, "centos-pegasus")
        XCTAssertEqual(analyze.profiles.value("pegasus", "memory"), "1024")
        XCTAssertEqual(analyze.metadata["kind"], "keg")
        let helper = tc.transformations[3]
        XCTAssertEqual(helper.checksum?.sha256, String(repeating: "a", count: 64))
        XCTAssertEqual(helper.sites.map(\.type), ["stageable", "installed"])
        XCTAssertEqual(helper.sites[0].profiles.value("env", "HELPER_MODE"), "fast")
        let container = try XCTUnwrap(tc.containers.first)
        XCTAssertEqual(container.name, "centos-pegasus")
        XCTAssertEqual(container.type, "singularity")
        XCTAssertEqual(container.image, "docker://pegasus/centos-pegasus:latest")
        XCTAssertEqual(container.mounts, ["/scratch:/scratch:ro"])
        XCTAssertEqual(container.checksum?.sha256, String(repeating: "d", count: 64))
        XCTAssertEqual(container.profiles.value("pegasus", "container.arguments"), "--cleanenv")

        let rc = try XCTUnwrap(loaded.replicas)
        XCTAssertEqual(rc.replicas.count, 2)
        XCTAssertEqual(rc.replicas[0].pfns, [Replica.Location(site: "local", pfn: "/home/scientist/examples/diamond/f.a")])
        XCTAssertEqual(rc.replicas[0].checksum?.sha256, "ca8ed5988cb4ca0b67c45fd80fd17423aba2a066ca8a63a4e1c6adab067a3e92")
        XCTAssertEqual(rc.replicas[0].metadata["size"], "28")
        XCTAssertEqual(rc.replicas[1].regex, true)
        XCTAssertEqual(rc.replicas[1].lfn, #"f\.x(\d+)"#)
    }

    func testSplitMergeAndPipeline() throws {
        let sm = try XCTUnwrap(load("split_merge").workflow)
        XCTAssertEqual(sm.name, "split-merge")
        XCTAssertEqual(sm.jobs.count, 6)
        let smGraph = WorkflowGraph(sm)
        XCTAssertEqual(smGraph.edges.count, 8)
        XCTAssertEqual(smGraph.levels(), [0, 1, 1, 1, 1, 2])
        XCTAssertEqual(sm.jobs[5].hooks.shell.first?.on, .success)
        XCTAssertEqual(sm.jobs[1].metadata["part"], "part.a")
        let tc = try XCTUnwrap(load("split_merge").transformations)
        XCTAssertEqual(tc.transformations[1].profiles.value("pegasus", "clusters.size"), "2")

        let loaded = load("pipeline")
        let pipe = try XCTUnwrap(loaded.workflow)
        XCTAssertEqual(pipe.jobs.map(\.id), ["curl_1", "wc_1"])
        XCTAssertEqual(pipe.jobs[0].arguments, ["-o", "pegasus.html", "https://pegasus.isi.edu"])
        XCTAssertEqual(pipe.jobs[1].profiles.value("env", "LC_ALL"), "C")
        XCTAssertEqual(pipe.hooks.shell.first?.on, .end)
        XCTAssertEqual(loaded.transformations?.containers.first?.imageSite, "dockerhub")
        XCTAssertEqual(loaded.replicas?.replicas.first?.pfns.first?.site, "web")
        XCTAssertEqual(loaded.replicas?.replicas.first?.checksum?.sha256, String(repeating: "0", count: 64))
    }

    func testFixtureValidationFindsOnlyRealProblems() {
        // split_merge and pipeline plan as they are; the diamond's analyze.in has no replica,
        // which pegasus-plan rejects too.
        XCTAssertEqual(WorkflowValidator.validate(WorkflowSources(workflow: TestPaths.fixture("split_merge"))).diagnostics.errors, [])
        XCTAssertEqual(WorkflowValidator.validate(WorkflowSources(workflow: TestPaths.fixture("pipeline"))).diagnostics.errors, [])
        let diamond = WorkflowValidator.validate(WorkflowSources(workflow: TestPaths.fixture("diamond")))
        XCTAssertEqual(diamond.diagnostics.errors.map(\.code), ["missing-input"])
        XCTAssertTrue(diamond.diagnostics.errors[0].message.contains("'analyze.in'"))
    }

    func testCatalogsNamedByPegasusProperties() throws {
        // diamond's pegasus.properties names no catalog files, so the sibling files are used.
        let loaded = load("diamond")
        XCTAssertEqual(loaded.transformationsOrigin, .besideWorkflow(TestPaths.fixture("diamond", "transformations.yml")))
        let props = PegasusProperties(text: "# comment\npegasus.catalog.site.file = conf/sites.yml\npegasus.mode=development\n")
        XCTAssertEqual(props["pegasus.catalog.site.file"], "conf/sites.yml")
        XCTAssertEqual(props["pegasus.mode"], "development")
    }
}
