@testable import SkeinEngine
import Foundation
import SkeinPlanner
import SkeinProperties
import SkeinRunFormat
import SkeinRuns
import SkeinWorkflow
import XCTest

/// Walks every row of `PegasusCompatibility` (the README's "Pegasus compatibility" table is
/// generated from it, and checked here to be the same) and checks it behaves as it says:
/// a warned row gives a warning naming the key, a refused row an error, an honoured row
/// its effect on a real plan made by `RunPlanning` into a real run folder.
final class PegasusCompatibilityTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-compat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    // MARK: - The README

    func testReadmeHasTheGeneratedTable() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        XCTAssertTrue(text.contains("## Pegasus compatibility: what is honoured"), "README lacks the section")
        XCTAssertTrue(text.contains(PegasusCompatibility.markdownTable),
                      "README's table differs from PegasusCompatibility.entries; paste this:\n\(PegasusCompatibility.markdownTable)")
    }

    // MARK: - A small workflow to plan

    /// One job `a` reading f1..f3 (replicas at a URL, so staged in; the plan never fetches them) and writing o1..o3 (staged out,
    /// registered), and a job `b` whose output is already in the replica catalog.
    struct Fixture {
        var properties: String?
        var jobProfiles: [(String, String, String)] = []
        var extraSites = ""
        var transformationEntry = ""
        var sitesToRun = ["local"]
        var stageOut = true
        /// Appended to transformations.yml (a `containers:` list), with the runtimes to plan with.
        var containers = ""
        var containerRuntimes: [ContainerRuntime]?
        var clustering: [PlanOptions.Clustering] = []
        /// `b` is planned too, although its output is in the replica catalog (`--force`).
        var force = false
    }

    struct Planned {
        var loaded: LoadedWorkflow
        var diagnostics: [Diagnostic]
        var plan: ExecutablePlan?
        var error: Error?
        var settings: EngineSettings?
    }

    func write(_ fixture: Fixture, in folder: URL) throws -> WorkflowSources {
        let fm = FileManager.default
        try fm.createDirectory(at: folder.appendingPathComponent("in"), withIntermediateDirectories: true)
        for name in ["f1", "f2", "f3", "done.txt"] { try name.write(to: folder.appendingPathComponent("in/\(name)"), atomically: true, encoding: .utf8) }
        var profiles = ""
        if !fixture.jobProfiles.isEmpty {
            profiles = "  profiles:\n" + Dictionary(grouping: fixture.jobProfiles, by: \.0).sorted { $0.key < $1.key }.map { ns, entries in
                "    \(ns):\n" + entries.map { "      '\($0.1)': '\($0.2)'\n" }.joined()
            }.joined()
        }
        let workflow = """
            pegasus: 5.0.4
            name: compat
            jobs:
            - type: job
              name: sh
              id: a
              arguments: ['-c', 'true']
              uses:
              - {lfn: f1, type: input}
              - {lfn: f2, type: input}
              - {lfn: f3, type: input}
              - {lfn: o1, type: output, stageOut: true, registerReplica: true}
              - {lfn: o2, type: output, stageOut: true, registerReplica: true}
              - {lfn: o3, type: output, stageOut: true, registerReplica: true}
            \(profiles)- type: job
              name: sh
              id: b
              arguments: ['-c', 'true']
              uses:
              - {lfn: done.txt, type: output, stageOut: true}

            """
        try workflow.write(to: folder.appendingPathComponent("workflow.yml"), atomically: true, encoding: .utf8)
        try """
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch', operation: all}]}
              - {type: localStorage, path: output, fileServers: [{url: 'file://output', operation: all}]}
            \(fixture.extraSites)
            """.write(to: folder.appendingPathComponent("sites.yml"), atomically: true, encoding: .utf8)
        let entries = ["local"] + fixture.sitesToRun.filter { $0 != "local" }
        try ("pegasus: 5.0.4\ntransformations:\n- name: sh\n  sites:\n"
             + entries.map { "  - {name: \($0), pfn: /bin/sh, type: installed\(fixture.transformationEntry)}\n" }.joined())
            .appending(fixture.containers)
            .write(to: folder.appendingPathComponent("transformations.yml"), atomically: true, encoding: .utf8)
        let input = folder.appendingPathComponent("in").path
        try """
            pegasus: 5.0.4
            replicas:
            - {lfn: f1, pfns: [{site: storage, pfn: 'http://127.0.0.1:9/f1'}]}
            - {lfn: f2, pfns: [{site: storage, pfn: 'http://127.0.0.1:9/f2'}]}
            - {lfn: f3, pfns: [{site: storage, pfn: 'http://127.0.0.1:9/f3'}]}
            - {lfn: done.txt, pfns: [{site: local, pfn: \(input)/done.txt}]}

            """.write(to: folder.appendingPathComponent("replicas.yml"), atomically: true, encoding: .utf8)
        if let properties = fixture.properties {
            try properties.write(to: folder.appendingPathComponent("pegasus.properties"), atomically: true, encoding: .utf8)
        }
        return WorkflowSources(workflow: folder.appendingPathComponent("workflow.yml").path)
    }

    func plan(_ fixture: Fixture, change: EngineSettingsChange = EngineSettingsChange(), relativeDirectory: String? = nil) throws -> Planned {
        let folder = directory.appendingPathComponent(UUID().uuidString)
        let sources = try write(fixture, in: folder)
        let result = WorkflowValidator.validate(sources)
        var planned = Planned(loaded: result.loaded, diagnostics: result.diagnostics)
        guard result.isValid else { return planned }
        var options = PlanOptions(baseDirectory: folder.appendingPathComponent("runs").path, sitesToRun: fixture.sitesToRun, outputSite: "local",
                                  stageOut: fixture.stageOut)
        options.relativeDirectory = relativeDirectory
        options.containerRuntimes = fixture.containerRuntimes
        options.clustering = fixture.clustering
        options.reuse = !fixture.force
        do {
            let plan = try RunPlanning.plan(result.loaded, options: options, change: change, plannerExecutable: "skein", plannerVersion: "test")
            planned.plan = plan
            planned.settings = try EngineSettings.read(runDirectory: plan.runDirectory)
        } catch {
            planned.error = error
        }
        return planned
    }

    func job(_ planned: Planned, _ id: String = "a") -> ExecutableJob? { planned.plan?.jobs.first { $0.id == id } }

    func count(_ planned: Planned, _ kind: JobKind) -> Int { planned.plan?.jobs.filter { $0.kind == kind }.count ?? -1 }

    // MARK: - Walking the rows

    /// The site profile `pegasus.data.configuration` (a site's, not a job's): the job on that
    /// site runs in a sandbox under nonsharedfs.
    func testDataConfigurationSiteProfile() throws {
        let planned = try plan(Fixture(properties: nil, extraSites: "  profiles:\n    pegasus:\n      data.configuration: nonsharedfs\n"))
        XCTAssertNil(planned.error)
        XCTAssertFalse(planned.diagnostics.contains { $0.code == "not-honoured" }, "\(planned.diagnostics)")
        XCTAssertNotNil(job(planned)?.sandbox)
    }

    /// The site profile `pegasus.auxillary.local` is honoured, not reported (its effect on
    /// bypassed staging: SitePassesTests).
    func testAuxillaryLocalSiteProfile() throws {
        var fixture = Fixture(properties: "pegasus.transfer.bypass.input.staging = true\n",
                              extraSites: "- name: other\n  directories: []\n  profiles:\n    pegasus:\n      auxillary.local: 'true'\n", sitesToRun: ["other"])
        fixture.stageOut = false
        let planned = try plan(fixture)
        XCTAssertNil(planned.error, String(describing: planned.error))
        XCTAssertFalse(planned.diagnostics.contains { $0.code == "not-honoured" }, "\(planned.diagnostics)")
    }

    static let clusteringRows: Set<String> = ["pegasus.clusterer.label.key", "pegasus.clusterer.allow.single", "pegasus.clusters.size", "pegasus.clusters.num", "pegasus.label"]

    /// The clustering rows, with `--cluster`: jobs `a` and `b` (one transformation, one level)
    /// merge as the profiles and properties say.
    func testClusteringRows() throws {
        func tasks(_ planned: Planned) -> [[String]] {
            (planned.plan?.jobs ?? []).filter { $0.id.hasPrefix("merge_") }.map { $0.tasks.map(\.id).sorted() }
        }
        let both = [["a", "b"]]
        XCTAssertEqual(tasks(try plan(Fixture(properties: nil, jobProfiles: [("pegasus", "clusters.size", "2")], clustering: [.horizontal], force: true))), both, "clusters.size")
        XCTAssertEqual(tasks(try plan(Fixture(properties: nil, jobProfiles: [("pegasus", "clusters.num", "1")], clustering: [.horizontal], force: true))), both, "clusters.num")
        XCTAssertEqual(tasks(try plan(Fixture(properties: nil, jobProfiles: [("pegasus", "clusters.size", "2")], force: true))), [], "no --cluster, no clusters")
        XCTAssertEqual(tasks(try plan(Fixture(properties: nil, jobProfiles: [("pegasus", "label", "L")], clustering: [.label]))), [], "a lone labelled job stays itself")
        XCTAssertEqual(tasks(try plan(Fixture(properties: "pegasus.clusterer.allow.single = true\n", jobProfiles: [("pegasus", "label", "L")], clustering: [.label]))), [["a"]],
                       "pegasus.label, pegasus.clusterer.allow.single")
        XCTAssertEqual(tasks(try plan(Fixture(properties: "pegasus.clusterer.allow.single = true\npegasus.clusterer.label.key = group\n", jobProfiles: [("pegasus", "group", "G")], clustering: [.label]))), [["a"]],
                       "pegasus.clusterer.label.key")
    }

    /// The `container` row: a job of a transformation with a container plans to run in it, once
    /// a runtime that can run the image is there, and nothing reports it as not honoured.
    func checkContainer(_ row: String) throws {
        var fixture = Fixture(properties: nil, transformationEntry: ", container: box")
        fixture.containers = "containers:\n- {name: box, type: docker, image: 'docker://debian:12'}\n"
        fixture.containerRuntimes = [ContainerRuntime(.podman, path: "/usr/bin/podman")]
        let planned = try plan(fixture)
        XCTAssertNil(planned.error, row)
        XCTAssertFalse(planned.diagnostics.contains { $0.code == "not-honoured" }, "\(row): \(planned.diagnostics)")
        XCTAssertEqual(job(planned)?.container?.image.hasPrefix("localhost/skein/box:"), true, "\(row): runs in the run's tag of the image")
        XCTAssertEqual(planned.plan?.jobs.filter { $0.id.hasPrefix("load_container_box") }.count, 1, "\(row): the image is loaded once")
    }

    func testEveryRowBehavesAsTheTableSays() throws {
        let baseline = try plan(Fixture(properties: nil))
        XCTAssertNotNil(baseline.plan, "the fixture plans: \(baseline.diagnostics) \(String(describing: baseline.error))")
        for entry in PegasusCompatibility.entries {
            let row = "\(entry.kind.rawValue) \(entry.name) (\(entry.support.rawValue))"
            switch (entry.kind, entry.support) {
            case (.profile, _) where entry.name == "pegasus.data.configuration":
                continue  // a site profile: testDataConfigurationSiteProfile
            case (.profile, _) where entry.name == "pegasus.auxillary.local":
                continue  // a site profile: testAuxillaryLocalSiteProfile
            case _ where Self.clusteringRows.contains(entry.name):
                continue  // testClusteringRows: they act only with --cluster
            case (.option, _):
                continue  // the CLI's rows: SkeinEndToEndTests.PegasusPlanOptionsTests walks them
            case (.catalog, _):
                XCTAssertEqual(entry.support, .honoured, "\(row): add its check here")
                try checkContainer(row)
            case (.property, .warned), (.property, .beingAdded):
                let planned = try plan(Fixture(properties: "\(entry.example.key) = \(entry.example.value)\n"))
                expectWarning(planned, mentioning: "property \(entry.example.key)", row)
            case (.profile, .warned), (.profile, .beingAdded):
                let (ns, key) = split(entry.example.key)
                let planned = try plan(Fixture(jobProfiles: [(ns, key, entry.example.value)]))
                expectWarning(planned, mentioning: "profile \(entry.example.key)", row)
            case (.site, _):
                try checkSite(entry, row)
            case (.property, .honoured):
                guard let check = propertyEffects[entry.name] else { XCTFail("\(row): no effect check"); continue }
                let planned = try plan(Fixture(properties: "\(entry.example.key) = \(entry.example.value)\n"))
                XCTAssertNil(planned.error, row)
                XCTAssertFalse(planned.diagnostics.contains { $0.message.contains(entry.example.key) }, "\(row): honoured, yet reported: \(planned.diagnostics)")
                check(planned, baseline, row)
            case (.profile, .honoured):
                guard let check = profileEffects[entry.name] else { XCTFail("\(row): no effect check"); continue }
                let (ns, key) = split(entry.example.key)
                let planned = try plan(Fixture(jobProfiles: [(ns, key, entry.example.value)]))
                XCTAssertNil(planned.error, row)
                XCTAssertFalse(planned.diagnostics.contains { $0.message.contains(entry.example.key) }, "\(row): honoured, yet reported: \(planned.diagnostics)")
                check(planned, baseline, row)
            case (.property, .refused), (.profile, .refused):
                XCTFail("\(row): no refused property or profile rows are expected; add a check")
            }
        }
    }

    func split(_ key: String) -> (String, String) {
        let dot = key.firstIndex(of: ".")!
        return (String(key[..<dot]), String(key[key.index(after: dot)...]))
    }

    func expectWarning(_ planned: Planned, mentioning text: String, _ row: String, file: StaticString = #filePath, line: UInt = #line) {
        let found = planned.diagnostics.first { $0.message.contains(text) }
        XCTAssertNotNil(found, "\(row): no diagnostic mentions '\(text)': \(planned.diagnostics.map(\.message))", file: file, line: line)
        XCTAssertEqual(found?.severity, .warning, row, file: file, line: line)
        XCTAssertEqual(found?.code, "not-honoured", row, file: file, line: line)
        XCTAssertGreaterThan(found?.line ?? 0, 0, "\(row): the warning points at a line", file: file, line: line)
    }

    typealias Effect = (Planned, Planned, String) -> Void

    var propertyEffects: [String: Effect] {
        [
            "pegasus.catalog.site.file": { p, _, row in XCTAssertEqual(p.loaded.sitesOrigin, .properties(p.loaded.sitesFile), row) },
            "pegasus.catalog.transformation.file": { p, _, row in XCTAssertEqual(p.loaded.transformationsOrigin, .properties(p.loaded.transformationsFile), row) },
            "pegasus.catalog.replica.file": { p, _, row in XCTAssertEqual(p.loaded.replicasOrigin, .properties(p.loaded.replicasFile), row) },
            "dagman.maxjobs": { p, _, row in
                XCTAssertEqual(p.settings?.maxJobs, 3, row)
                XCTAssertEqual(p.settings?.batchMaxJobs, 3, row)
                XCTAssertEqual(p.settings?.origins?["maxjobs"], "pegasus.properties dagman.maxjobs", row)
            },
            "dagman.retry": { p, _, row in
                XCTAssertEqual(p.settings?.retries, 2, row)
                XCTAssertEqual(self.job(p)?.retries, 2, row)
            },
            "pegasus.data.configuration": { p, _, row in XCTAssertNotNil(self.job(p)?.sandbox, "\(row): under nonsharedfs the job runs in a folder of its own") },
            "pegasus.transfer.bypass.input.staging": { p, base, row in
                XCTAssertEqual(self.count(p, .stageIn), 0, "\(row): f1..f3 are not staged")
                XCTAssertGreaterThan(self.count(base, .stageIn), 0, "\(row): the baseline stages them")
                XCTAssertEqual(self.job(p)?.sandbox?.inputs.map(\.path), ["http://127.0.0.1:9/f1", "http://127.0.0.1:9/f2", "http://127.0.0.1:9/f3"], row)
            },
            "pegasus.integrity.checking": { p, _, row in XCTAssertEqual(p.plan?.integrityChecking, IntegrityChecking.none, row) },
            "pegasus.transfer.links": { p, _, row in XCTAssertEqual(p.plan?.transferLinks, true, row) },
            "dagman.<category>.maxjobs": { p, _, row in XCTAssertEqual(p.plan?.categoryLimits["io"], 2, row) },
            "env.*": { p, _, row in XCTAssertEqual(self.job(p)?.environment["SKEIN_TABLE_TEST"], "from-properties", row) },
            "pegasus.dir.useTimestamp": { p, _, row in
                let name = ((p.plan?.runDirectory ?? "") as NSString).lastPathComponent
                XCTAssertNotNil(name.range(of: #"^\d{8}T\d{6}[+-]\d{4}$"#, options: .regularExpression), "\(row): \(name)")
            },
            "pegasus.mode": { p, _, row in
                XCTAssertEqual(p.settings?.retries, 0, row)
                XCTAssertEqual(p.settings?.origins?["retries"], "pegasus.properties pegasus.mode development", row)
            },
            "pegasus.transfer.threads": { p, _, row in XCTAssertEqual(p.plan?.transferThreads, 4, row) },
            "pegasus.stagein.clusters": { p, base, row in
                XCTAssertEqual(self.count(p, .stageIn), 2, row)
                XCTAssertNotEqual(self.count(base, .stageIn), 2, row)
            },
            "pegasus.stageout.clusters": { p, base, row in
                XCTAssertEqual(self.count(p, .stageOut), self.count(base, .stageOut) + 1, "\(row): two for job a's level instead of one")
            },
            "pegasus.register": { p, base, row in
                XCTAssertTrue(p.plan?.jobs.allSatisfy { $0.registrations.isEmpty } ?? false, row)
                XCTAssertFalse(base.plan?.jobs.allSatisfy { $0.registrations.isEmpty } ?? true, "\(row): the baseline registers")
            },
            "pegasus.data.reuse.scope": { p, base, row in
                XCTAssertNotNil(self.job(p, "b"), row)
                XCTAssertNil(self.job(base, "b"), "\(row): the baseline leaves b out")
            },
        ].merging(PegasusCompatibility.propertyProfileKeys.map { key in
            ("pegasus.\(key)", { p, _, row in XCTAssertNotNil(self.job(p)?.profiles["pegasus.\(key)"], row) } as Effect)
        }) { first, _ in first }
    }

    var profileEffects: [String: Effect] {
        let slurm: (String) -> Effect = { option in
            { p, _, row in
                guard let job = self.job(p) else { return XCTFail(row) }
                XCTAssertTrue(SlurmBatchScript.options(for: job, name: "a", slurmLog: "x").contains(option), "\(row): sbatch \(option)")
            }
        }
        return [
            "env.*": { p, _, row in XCTAssertEqual(self.job(p)?.environment["SKEIN_TABLE_TEST"], "x", row) },
            "dagman.RETRY": { p, _, row in XCTAssertEqual(self.job(p)?.retries, 2, row) },
            "dagman.PRIORITY": { p, _, row in XCTAssertEqual(self.job(p)?.priority, 5, row) },
            "dagman.CATEGORY": { p, _, row in XCTAssertEqual(self.job(p)?.category, "io", row) },
            "dagman.ABORT-DAG-ON": { p, _, row in XCTAssertEqual(self.job(p)?.abortOnExitCode, 3, row) },
            "pegasus.maxwalltime": { p, _, row in XCTAssertEqual(self.job(p)?.maxWalltime, 600, row) },
            "pegasus.runtime": slurm("--time=1"),
            "pegasus.cores": slurm("--cpus-per-task=2"),
            "pegasus.memory": slurm("--mem=100M"),
            "pegasus.queue": slurm("--partition=normal"),
            "pegasus.project": slurm("--account=acct"),
            "pegasus.glite.arguments": slurm("--exclusive"),
            "pegasus.exitcode.successmsg": { p, _, row in XCTAssertEqual(self.job(p)?.successMessage, "ok", row) },
            "pegasus.exitcode.failuremsg": { p, _, row in XCTAssertEqual(self.job(p)?.failureMessage, "bad", row) },
            "pegasus.style": { p, _, row in XCTAssertEqual(self.job(p)?.executor, "local", "\(row): a job's own style does not move it") },
            "selector.execution.site": { p, _, row in XCTAssertEqual(self.job(p)?.site, "local", row) },
            "hints.execution.site": { p, _, row in XCTAssertEqual(self.job(p)?.site, "local", row) },
        ]
    }

    /// Site rows: a site `other` described by the row; jobs placed there must be refused
    /// (naming the site and what Skein drives), or run as the row says.
    func checkSite(_ entry: PegasusCompatibility.Entry, _ row: String) throws {
        let (key, value) = entry.example
        var fixture = Fixture(sitesToRun: ["other"])
        switch key {
        case "scheduler":
            fixture.extraSites = "- name: other\n  directories: []\n  grids:\n  - {type: batch, contact: host, scheduler: \(value), jobtype: compute}\n"
        case "pegasus.style":
            fixture.extraSites = "- name: other\n  directories: []\n  profiles:\n    pegasus: {style: \(value)}\n"
            if value == "glite" { fixture.extraSites += "  grids:\n  - {type: batch, contact: host, scheduler: slurm, jobtype: compute}\n" }
        case "arch":
            fixture.extraSites = "- name: other\n  arch: x86_64\n  directories: []\n"
            fixture.transformationEntry = ", arch: \(value)"
        default:
            fixture.sitesToRun = ["local"]
        }
        let planned = try plan(fixture)
        switch entry.support {
        case .refused:
            XCTAssertNil(planned.plan, row)
            let message = (planned.error as? PlanError)?.description ?? ""
            XCTAssertTrue(message.contains("site 'other'") && message.contains("local (this machine) and slurm"), "\(row): \(message)")
            XCTAssertTrue(planned.diagnostics.contains { $0.code == "unsupported-site" }, "\(row): validate names the site")
            let runs = ((planned.loaded.sources.workflow as NSString).deletingLastPathComponent as NSString).appendingPathComponent("runs/compat")
            XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: runs))?.count ?? 0, 0, "\(row): a refused plan leaves no run folder")
        case .honoured:
            XCTAssertNotNil(planned.plan, "\(row): \(String(describing: planned.error))")
            if key == "scheduler" || key == "pegasus.style" {
                XCTAssertEqual(job(planned)?.executor, value == "fork" ? "local" : "slurm", row)
            }
        case .warned:
            XCTAssertTrue(planned.diagnostics.contains { $0.severity == .warning && $0.message.contains("\(key) \(value)") }, "\(row): \(planned.diagnostics.map(\.message))")
        case .beingAdded:
            break
        }
    }

    // MARK: - Properties, settings and the run folder

    func testTheRunKeepsACopyOfThePropertiesNamedInBraindump() throws {
        let planned = try plan(Fixture(properties: "# mine\ndagman.maxjobs = 3\n"))
        let run = try XCTUnwrap(planned.plan?.runDirectory)
        let braindump = try String(contentsOfFile: run + "/braindump.yml", encoding: .utf8)
        let name = try XCTUnwrap(braindump.split(separator: "\n").first { $0.hasPrefix("properties:") }).split(separator: " ").last.map(String.init)?
            .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        XCTAssertNotNil(name?.range(of: #"^pegasus\.\d+\.properties$"#, options: .regularExpression), name ?? "")
        let copy = try String(contentsOfFile: run + "/" + name!, encoding: .utf8)
        XCTAssertTrue(copy.contains("# mine\ndagman.maxjobs = 3\n"), copy)
        XCTAssertFalse(copy.contains("no Pegasus properties"))
        XCTAssertEqual(PegasusProperties(text: copy)["dagman.maxjobs"], "3")
    }

    func testCommandLineWinsOverPropertiesAndOriginsAreRecorded() throws {
        let planned = try plan(Fixture(properties: "dagman.maxjobs = 3\ndagman.retry = 4\n"), change: EngineSettingsChange(maxJobs: 9, retries: 1))
        XCTAssertEqual(planned.settings?.maxJobs, 9)
        XCTAssertEqual(planned.settings?.retries, 1)
        XCTAssertEqual(job(planned)?.retries, 1)
        XCTAssertEqual(planned.settings?.batchMaxJobs, 3, "dagman.maxjobs still caps Slurm jobs")
        XCTAssertEqual(planned.settings?.origins?["maxjobs"], "--maxjobs")
        XCTAssertEqual(planned.settings?.origins?["retries"], "--retries")
    }

    func testEnvPropertiesAreTheLowestProfiles() throws {
        let planned = try plan(Fixture(properties: "env.A = properties\nenv.B = properties\n", jobProfiles: [("env", "A", "job")]))
        XCTAssertEqual(job(planned)?.environment["A"], "job")
        XCTAssertEqual(job(planned)?.environment["B"], "properties")
    }

    func testAnUnknownModeIsAnError() throws {
        let planned = try plan(Fixture(properties: "pegasus.mode = fast\n"))
        XCTAssertTrue(planned.diagnostics.contains { $0.severity == .error && $0.code == "invalid-property-value" && $0.line == 1 }, "\(planned.diagnostics)")
    }

    func testRelativeDirNamesTheRunAndScratchFolders() throws {
        let planned = try plan(Fixture(properties: nil), relativeDirectory: "mine/try1")
        let plan = try XCTUnwrap(planned.plan, String(describing: planned.error))
        XCTAssertTrue(plan.runDirectory.hasSuffix("/runs/mine/try1"), plan.runDirectory)
        XCTAssertTrue(plan.scratchDirectory.hasSuffix("/scratch/mine/try1"), plan.scratchDirectory)
    }

    func testSitesToRunWithAnUnsupportedSiteIsAnError() throws {
        var fixture = Fixture(extraSites: "- name: condorpool\n  directories: []\n  profiles:\n    pegasus: {style: condor}\n", sitesToRun: ["local", "condorpool"])
        fixture.stageOut = false
        let planned = try plan(fixture)
        let message = (planned.error as? PlanError)?.description ?? ""
        XCTAssertTrue(message.contains("--sites-to-run condorpool: site 'condorpool' is run by HTCondor (pegasus.style: condor)"), message)
    }

    /// Planning is all or nothing: a stageable executable that cannot be fetched fails the
    /// plan, and neither the run folder nor the scratch folder stays behind.
    func testAFailedPlanLeavesNoRunFolder() throws {
        let folder = directory.appendingPathComponent("failing")
        let sources = try write(Fixture(), in: folder)
        try "pegasus: 5.0.4\ntransformations:\n- name: sh\n  sites: [{name: local, pfn: \(folder.path)/missing/tool, type: stageable}]\n"
            .write(to: folder.appendingPathComponent("transformations.yml"), atomically: true, encoding: .utf8)
        let result = WorkflowValidator.validate(sources)
        let options = PlanOptions(baseDirectory: folder.appendingPathComponent("runs").path)
        XCTAssertThrowsError(try RunPlanning.plan(result.loaded, options: options, change: EngineSettingsChange(), plannerExecutable: "skein", plannerVersion: "test"))
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("runs/compat").path)) ?? []
        XCTAssertEqual(runs, [], "no runNNNN left behind")
        let scratch = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("scratch/compat").path)) ?? []
        XCTAssertEqual(scratch, [], "no scratch left behind")
    }
}
