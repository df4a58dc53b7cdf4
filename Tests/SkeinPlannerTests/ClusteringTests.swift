import Foundation
import SkeinPlanner
import SkeinProperties
import SkeinRunFormat
import SkeinWorkflow
import XCTest

/// `--cluster horizontal|label` on a workflow read from real files: which jobs merge, the
/// clustered jobs' names (Pegasus's), their tasks and the rewired dependencies.
final class ClusteringTests: PlannerFilesTestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        try write("sites.yml", """
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch'}]}
            """)
        try write("replicas.yml", "pegasus: 5.0.4\nreplicas: []\n")
    }

    /// `first` (one job) -> `n` jobs of `work` -> `last`; `work` carries `txProfiles`.
    func fanWorkflow(_ n: Int, txProfiles: String, jobProfiles: (Int) -> String = { _ in "" }) throws {
        var y = "pegasus: 5.0.4\nname: fan\njobs:\n- {type: job, name: prep, id: first, arguments: [], uses: []}\n"
        for i in 1...n { y += "- {type: job, name: work, namespace: ns, version: '1.0', id: w\(i), arguments: ['\(i)'], uses: []\(jobProfiles(i))}\n" }
        y += "- {type: job, name: prep, id: last, arguments: [], uses: []}\n"
        y += "jobDependencies:\n- {id: first, children: [\((1...n).map { "w\($0)" }.joined(separator: ", "))]}\n"
        for i in 1...n { y += "- {id: w\(i), children: [last]}\n" }
        try write("workflow.yml", y)
        try write("transformations.yml", """
            pegasus: 5.0.4
            transformations:
            - {name: prep, sites: [{name: local, pfn: /bin/true, type: installed}]}
            - namespace: ns
              name: work
              version: '1.0'
              profiles: {pegasus: {\(txProfiles)}}
              sites: [{name: local, pfn: /bin/echo, type: installed}]
            """)
    }

    func plan(_ clustering: [PlanOptions.Clustering], properties: [String: String] = [:]) throws -> ExecutablePlan {
        let loaded = WorkflowLoader.load(WorkflowSources(workflow: scratch.appendingPathComponent("workflow.yml").path))
        XCTAssertTrue(WorkflowValidator.validate(loaded.sources).isValid, "\(loaded.diagnostics)")
        var options = PlanOptions(cleanup: .none, properties: PegasusProperties(values: properties))
        options.clustering = clustering
        return try Planner(loaded, options: options).executableWorkflow(runDirectory: scratch.appendingPathComponent("run").path).plan()
    }

    func testHorizontalBySizeMakesPegasusNamedClustersAndRewiresDependencies() throws {
        try fanWorkflow(5, txProfiles: "clusters.size: '2'")
        let plan = try plan([.horizontal])
        let ids = plan.jobs.map(\.id)
        XCTAssertEqual(ids, ["create_dir_fan_0_local", "first", "merge_ns-work-1_0_PID2_ID1", "merge_ns-work-1_0_PID2_ID2", "merge_ns-work-1_0_PID2_ID3", "last"])
        let clusters = plan.jobs.filter(\.isClustered)
        XCTAssertEqual(clusters.map { $0.tasks.map(\.id) }, [["w1", "w2"], ["w3", "w4"], ["w5"]], "5 jobs by 2: 2 + 2 + 1, as Pegasus")
        XCTAssertEqual(clusters.map(\.kind), [.compute, .compute, .compute])
        XCTAssertEqual(clusters[0].transformation, "pegasus::seqexec")
        XCTAssertEqual(clusters[0].tasks[1].arguments, ["2"])
        XCTAssertEqual(clusters[0].tasks[1].transformation, "ns::work:1.0")
        let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        for cluster in clusters { XCTAssertEqual(cluster.parents.map { ids[$0] }.filter { !$0.hasPrefix("create_dir") }, ["first"]) }
        XCTAssertEqual(Set(plan.jobs[index["last"]!].parents.map { ids[$0] }.filter { !$0.hasPrefix("create_dir") }), Set(clusters.map(\.id)))
    }

    func testHorizontalByNumberGivesTheFirstClustersOneMore() throws {
        try fanWorkflow(7, txProfiles: "clusters.num: '3'")
        let clusters = try plan([.horizontal]).jobs.filter(\.isClustered)
        XCTAssertEqual(clusters.map(\.tasks.count), [3, 2, 2])
    }

    func testProfilesAloneAndNoClusteringLeaveThePlanAsItWas() throws {
        try fanWorkflow(4, txProfiles: "clusters.size: '2'")
        let plain = try plan([])
        XCTAssertEqual(plain.jobs.map(\.id), ["create_dir_fan_0_local", "first", "w1", "w2", "w3", "w4", "last"])
        XCTAssertFalse(plain.jobs.contains(where: \.isClustered))
    }

    func testALoneJobIsNotClusteredUnlessAllowed() throws {
        try fanWorkflow(1, txProfiles: "clusters.size: '2'")
        XCTAssertFalse(try plan([.horizontal]).jobs.contains(where: \.isClustered))
        // Allowed, every lone job becomes a cluster of one, as in Pegasus.
        XCTAssertEqual(try plan([.horizontal], properties: ["pegasus.clusterer.allow.single": "true"]).jobs.filter(\.isClustered).map(\.id),
                       ["merge_prep_PID1_ID1", "merge_ns-work-1_0_PID2_ID1", "merge_prep_PID3_ID1"])
    }

    func testLabelClustersAcrossLevelsInDependencyOrder() throws {
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: chain
            jobs:
            - {type: job, name: prep, id: c, arguments: [], uses: [], profiles: {pegasus: {label: p1}}}
            - {type: job, name: prep, id: a, arguments: [], uses: [], profiles: {pegasus: {label: p1}}}
            - {type: job, name: prep, id: b, arguments: [], uses: [], profiles: {pegasus: {label: p1}}}
            - {type: job, name: prep, id: d, arguments: [], uses: []}
            jobDependencies:
            - {id: a, children: [b]}
            - {id: b, children: [c]}
            - {id: c, children: [d]}
            """)
        try write("transformations.yml", "pegasus: 5.0.4\ntransformations:\n- {name: prep, sites: [{name: local, pfn: /bin/true, type: installed}]}\n")
        let plan = try plan([.label])
        let cluster = try XCTUnwrap(plan.jobs.first(where: \.isClustered))
        XCTAssertEqual(cluster.id, "merge_p1")
        XCTAssertEqual(cluster.tasks.map(\.id), ["a", "b", "c"], "parents first")
        let d = try XCTUnwrap(plan.jobs.first { $0.id == "d" })
        XCTAssertEqual(d.parents.map { plan.jobs[$0].id }.filter { !$0.hasPrefix("create_dir") }, ["merge_p1"])
    }

    /// Under condorio (the default) a cluster runs in one sandbox: what a task reads that no
    /// earlier task makes comes in, everything the tasks make goes back.
    func testAClusterOfSandboxedJobsHasOneSandbox() throws {
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: chain
            jobs:
            - {type: job, name: prep, id: a, arguments: [], uses: [{lfn: in.txt, type: input}, {lfn: mid.txt, type: output}], profiles: {pegasus: {label: p1}}}
            - {type: job, name: prep, id: b, arguments: [], uses: [{lfn: mid.txt, type: input}, {lfn: other.txt, type: input}, {lfn: out.txt, type: output}], profiles: {pegasus: {label: p1}}}
            - {type: job, name: prep, id: up, arguments: [], uses: [{lfn: other.txt, type: output}]}
            jobDependencies:
            - {id: a, children: [b]}
            - {id: up, children: [b]}
            """)
        try write("replicas.yml", "pegasus: 5.0.4\nreplicas:\n- {lfn: in.txt, pfns: [{site: web, pfn: 'https://data.example/in.txt'}]}\n")
        try write("transformations.yml", "pegasus: 5.0.4\ntransformations:\n- {name: prep, sites: [{name: local, pfn: /bin/true, type: installed}]}\n")
        let plan = try plan([.label])
        let cluster = try XCTUnwrap(plan.jobs.first(where: \.isClustered))
        let scratch = plan.scratchDirectory
        XCTAssertEqual(cluster.sandbox, JobSandbox(
            root: scratch, inputs: [SandboxFile(lfn: "in.txt", path: scratch + "/in.txt"), SandboxFile(lfn: "other.txt", path: scratch + "/other.txt")],
            outputs: [SandboxFile(lfn: "mid.txt", path: scratch + "/mid.txt"), SandboxFile(lfn: "out.txt", path: scratch + "/out.txt")]))
    }

    func testTheLabelKeyIsConfigurable() throws {
        try fanWorkflow(3, txProfiles: "clusters.size: '2'", jobProfiles: { ", profiles: {pegasus: {group: g\($0 % 2)}}" })
        let clusters = try plan([.label], properties: ["pegasus.clusterer.label.key": "group"]).jobs.filter(\.isClustered)
        XCTAssertEqual(clusters.map(\.id), ["merge_g1"])
        XCTAssertEqual(clusters.first?.tasks.map(\.id), ["w1", "w3"])
    }

    func testALabelThroughAnUnlabelledJobIsACycleAndAPlanError() throws {
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: loop
            jobs:
            - {type: job, name: prep, id: a, arguments: [], uses: [], profiles: {pegasus: {label: x}}}
            - {type: job, name: prep, id: b, arguments: [], uses: []}
            - {type: job, name: prep, id: c, arguments: [], uses: [], profiles: {pegasus: {label: x}}}
            jobDependencies:
            - {id: a, children: [b]}
            - {id: b, children: [c]}
            """)
        try write("transformations.yml", "pegasus: 5.0.4\ntransformations:\n- {name: prep, sites: [{name: local, pfn: /bin/true, type: installed}]}\n")
        XCTAssertThrowsError(try plan([.label])) { error in
            XCTAssertTrue("\(error)".contains("clustering made a cycle: b -> merge_x -> b"), "\(error)")
        }
    }

    func testHorizontalThenLabelLeavesClusteredJobsAlone() throws {
        try fanWorkflow(4, txProfiles: "clusters.size: '2'", jobProfiles: { _ in ", profiles: {pegasus: {label: all}}" })
        let clusters = try plan([.horizontal, .label]).jobs.filter(\.isClustered)
        XCTAssertEqual(clusters.map(\.id), ["merge_ns-work-1_0_PID2_ID1", "merge_ns-work-1_0_PID2_ID2"])
    }
}
