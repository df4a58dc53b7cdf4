import Foundation
import XCTest
import SkeinRunFormat
import SkeinProvenance
@testable import SkeinReports

/// The readers a live view of runs uses (the TUI): the run graph, a job's detail, run
/// summaries and the lists they come from, the timeline. On Skein runs written through the
/// engine's own writer and on real Pegasus submit directories.
final class RunViewReaderTests: XCTestCase {
    /// prep -> calc -> report, and an independent job `side`.
    func makeRun() throws -> RunBuilder {
        try RunBuilder(dir: try Paths.temp(self, "view"), jobs: [("prep", [], 0), ("calc", ["prep"], 1), ("report", ["calc"], 0), ("side", [], 0)])
    }

    func ids<L: Sequence<Int32>>(_ g: RunGraph, _ list: L) -> [String] { list.map { g.jobs[Int($0)].id } }

    func index(_ g: RunGraph, _ id: String) throws -> Int { try XCTUnwrap(g.jobs.firstIndex { $0.id == id }) }

    // MARK: run graph

    func testRunGraphOfASkeinRunFromItsDatabase() throws {
        let run = try makeRun()
        run.run("prep")
        run.run("calc", exit: 1)
        try run.end(status: 1, reason: "calc failed")
        let g = try RunGraphReader.read(RunLocation.locate(run.dir), now: run.clock + 10)
        XCTAssertEqual(g.status.source, "database")
        XCTAssertNil(g.status.jobs, "the jobs are the graph's, not repeated in the status")
        XCTAssertEqual(Set(g.jobs.map(\.id)), ["prep", "calc", "report", "side"])
        XCTAssertEqual(ids(g, g.order), ["prep", "calc", "report", "side"], "plan order")
        let calc = try index(g, "calc"), report = try index(g, "report")
        XCTAssertEqual(g.transformation[calc], "tr_calc")
        XCTAssertEqual(ids(g, g.parents[calc]), ["prep"])
        XCTAssertEqual(ids(g, g.children[calc]), ["report"])
        XCTAssertEqual(g.parents[try index(g, "side")], [])
        XCTAssertEqual(g.jobs[calc].state, .failed)
        XCTAssertEqual(g.jobs[report].state, .futile)
        XCTAssertEqual([g.transformation.count, g.parents.count, g.children.count, g.order.count], [4, 4, 4, 4])
        let data = try JSONEncoder().encode(g)
        XCTAssertEqual(try JSONDecoder().decode(RunGraph.self, from: data), g, "a graph travels as JSON")
    }

    /// Planned, no database yet: the plan gives the edges and the transformations.
    func testRunGraphOfAPlannedRunComesFromThePlan() throws {
        let dir = try Paths.temp(self, "planned-graph")
        try RunDirectory(path: dir).write(RunBuilder.plan(label: "p", wfUUID: "u-1", dir: dir, jobs: [("a", [], 0), ("b", [0], 2), ("c", [0, 1], 0)]))
        try PegasusSubmitFiles.writeBraindump(Braindump(wfUUID: "u-1", submitDir: dir, dag: "p-0.dag", properties: "skein.properties", daxLabel: "p"), to: dir)
        let g = try RunGraphReader.read(RunLocation.locate(dir))
        XCTAssertEqual(g.status.source, "plan")
        XCTAssertEqual(ids(g, g.order), ["a", "b", "c"])
        XCTAssertEqual(g.transformation, ["tr_a", "tr_b", "tr_c"])
        XCTAssertEqual(ids(g, g.parents[2]), ["a", "b"])
        XCTAssertEqual(ids(g, g.children[0]), ["b", "c"], "children in plan order")
        XCTAssertEqual(g.jobs.map(\.state), [.ready, .unready, .unready])
    }

    /// Every edge and every job type of a real Pegasus run, checked against its tables.
    func testRunGraphOfAPegasusRunHasEveryEdgeAndTheAuxiliaryJobTypes() throws {
        let dir = Paths.fixture("hierarchical_wf_failure")
        let location = try RunLocation.locate(dir)
        let g = try RunGraphReader.read(location)
        let db = try SQLiteDatabase(path: try XCTUnwrap(location.database), readOnly: true, create: false)
        let edges = try db.query("SELECT parent_exec_job_id, child_exec_job_id FROM job_edge").map { "\($0[0].string!) -> \($0[1].string!)" }
        var read: [String] = []
        for c in g.jobs.indices { for p in g.parents[c] { read.append("\(g.jobs[Int(p)].id) -> \(g.jobs[c].id)") } }
        XCTAssertEqual(read.sorted(), edges.sorted())
        XCTAssertEqual(edges.count, 17)
        for row in try db.query("SELECT exec_job_id, type_desc FROM job WHERE type_desc != 'compute'") {
            XCTAssertEqual(g.transformation[try index(g, row[0].string!)], row[1].string!)
        }
        XCTAssertEqual(g.transformation[try index(g, "curl_ID0000001")], "curl")
        let jobIDs = try db.query("SELECT exec_job_id FROM job ORDER BY job_id").map { $0[0].string! }
        XCTAssertEqual(ids(g, g.order), jobIDs, "the job table's order is the plan's")
    }

    /// A sub-workflow's top jobs hang under the job that ran it.
    func testSubWorkflowJobsHangUnderTheJobThatRanThem() throws {
        let run = try RunBuilder(dir: try Paths.temp(self, "subwf"), jobs: [("plan_sub", [], 0), ("after", ["plan_sub"], 0)], skein: false)
        let child = run.writer.insertWorkflow(WorkflowRow(wfUUID: UUID().uuidString, dagFileName: "inner-0.dag", timestamp: run.clock,
                                                          submitDir: run.dir + "/inner", daxLabel: "inner", parentWfID: run.wf, rootWfID: run.wf))
        _ = run.writer.insertJobs(child, ["x", "y", "z"].map { JobRow(execJobID: $0, typeDesc: .compute, executable: "/bin/\($0)", taskCount: 1) })
        run.writer.insertJobEdges(child, [Edge(parent: "x", child: "z"), Edge(parent: "y", child: "z")])
        run.run("plan_sub")
        try run.end(status: 0, reason: "done")
        try run.close()
        let db = try SQLiteDatabase(path: run.dbPath)
        try db.run("UPDATE job_instance SET subwf_id = ? WHERE job_id = ?", [child, run.jobIDs["plan_sub"]!])
        let g = try RunGraphReader.read(RunLocation.locate(run.dir))
        let sub = try index(g, "plan_sub")
        XCTAssertEqual(ids(g, g.children[sub]).sorted(), ["after", "x", "y"], "the sub-workflow's roots, not z")
        XCTAssertEqual(ids(g, g.parents[try index(g, "z")]).sorted(), ["x", "y"])
    }

    // MARK: job detail

    func testJobDetailOfASkeinJobTakesItsDefinitionFromThePlan() throws {
        let run = try makeRun()
        run.run("calc", exit: 1)
        run.run("calc")
        try run.flush()
        let location = try RunLocation.locate(run.dir)
        let plan = try XCTUnwrap(PlanJobDefinitions.read(runDirectory: run.dir))
        XCTAssertEqual(plan.count, 4)
        let detail = try JobDetailReader.read(location, job: "calc", plan: plan)
        XCTAssertEqual(detail.kind, .skein)
        XCTAssertEqual(detail.definition.executable, "/bin/calc")
        XCTAssertEqual(detail.definition.arguments, ["--job", "calc"])
        XCTAssertEqual(detail.definition.inputs, ["calc.in"])
        XCTAssertEqual(detail.definition.outputs, ["calc.out"])
        XCTAssertEqual(detail.definition.retries, 1)
        XCTAssertEqual(detail.definition.workingDirectory, run.dir + "/scratch")
        XCTAssertEqual(detail.attempts.map(\.attempt), [1, 2])
        let last = try XCTUnwrap(detail.attempts.last)
        XCTAssertEqual(last.record, run.dir + "/jobs/000/calc.out.000")
        XCTAssertEqual(last.stdout, .file(run.dir + "/jobs/000/calc.stdout.000"), "the streams sit beside the record")
        XCTAssertEqual(last.stderr, .file(run.dir + "/jobs/000/calc.stderr.000"))
        // Without the plan: what the database recorded of the last attempt.
        let recorded = try JobDetailReader.read(location, job: "calc", plan: nil)
        XCTAssertEqual(recorded.definition.arguments, ["--job", "calc"])
        XCTAssertEqual(recorded.definition.site, "local")
        XCTAssertNil(plan.definition(of: "nonexistent"))
        let json = try JSONEncoder().encode(detail)
        let back = try JSONDecoder().decode(JobDetail.self, from: json)
        XCTAssertEqual(back, detail, "a job's detail travels as JSON")
        XCTAssertEqual(back.definition.workingDirectory, detail.definition.workingDirectory)
        XCTAssertThrowsError(try JobDetailReader.read(location, job: "nonexistent", plan: plan))
    }

    func testJobDetailOfAPegasusJobFindsItsRecordsAndOutputs() throws {
        let dir = Paths.fixture("process_wf_failure")
        let detail = try JobDetailReader.read(RunLocation.locate(dir), job: "ls_ID0000001", plan: nil)
        XCTAssertEqual(detail.kind, .pegasus)
        XCTAssertEqual(detail.attempts.map(\.attempt), [1, 2])
        let last = try XCTUnwrap(detail.attempts.last)
        XCTAssertEqual(last.record, dir + "/00/00/ls_ID0000001.out.001")
        XCTAssertEqual(last.stderr, .file(dir + "/00/00/ls_ID0000001.err.001"), "PegasusLite's log, which exists")
        guard case .text(let out) = last.stdout else { return XCTFail("stdout is the record's text: \(last.stdout)") }
        XCTAssertTrue(out.contains("invalid option"), "ls wrote nothing to stdout: its stderr stands in")
        XCTAssertEqual(detail.definition.site, "condorpool", "where the last attempt ran")
        XCTAssertFalse(detail.definition.arguments.isEmpty)
    }

    func testJobDefinitionProfilesTravelAsOrderedNameValuePairs() throws {
        let definition = JobDefinition(kind: "compute", transformation: "t", executable: "/bin/t", arguments: ["a"], site: "local",
                                       executor: "slurm", workingDirectory: nil, retries: 2, maxWalltime: 60, priority: 1, category: nil,
                                       inputs: ["in"], outputs: ["out"], stdin: nil, stdout: "o", stderr: nil,
                                       profiles: [("pegasus.cores", "4"), ("env.A", "1")], environment: [("B", "2")])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(definition)
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains(#"{"name":"pegasus.cores","value":"4"}"#))
        let back = try JSONDecoder().decode(JobDefinition.self, from: json)
        XCTAssertEqual(back.profiles.map { "\($0.0)=\($0.1)" }, ["pegasus.cores=4", "env.A=1"])
        XCTAssertEqual(back.environment.map { "\($0.0)=\($0.1)" }, ["B=2"])
        XCTAssertEqual([back.executor, back.stdout], ["slurm", "o"])
        XCTAssertEqual(back.maxWalltime, 60)
    }

    func testRecordedArgumentsAreSplitOnBlanksHonouringQuotes() {
        XCTAssertEqual(JobDetailReader.splitArguments("-z /"), ["-z", "/"])
        XCTAssertEqual(JobDetailReader.splitArguments("a 'b c' \"d\"  ''"), ["a", "b c", "d", ""])
        XCTAssertEqual(JobDetailReader.splitArguments(""), [])
    }

    func testRecordedPathsOfAMovedSubmitDirectoryAreFoundHere() throws {
        let dir = try Paths.temp(self, "moved")
        try "x".write(toFile: dir + "/a.out.000", atomically: true, encoding: .utf8)
        XCTAssertEqual(JobDetailReader.resolve("00/a.out.000", in: dir, recorded: nil), dir + "/00/a.out.000")
        XCTAssertEqual(JobDetailReader.resolve("/old/submit/00/a.out.000", in: dir, recorded: "/old/submit"), dir + "/00/a.out.000")
        XCTAssertEqual(JobDetailReader.resolve("/elsewhere/a.out.000", in: dir, recorded: nil), dir + "/a.out.000")
        XCTAssertNil(JobDetailReader.resolve("", in: dir, recorded: nil))
    }

    // MARK: summaries and lists

    func testRunSummariesSayWhatTheRunIsOrWhyItCannotBeRead() throws {
        let run = try makeRun()
        run.run("prep")
        run.run("calc", exit: 1)
        try run.end(status: 1, reason: "calc failed")
        let (summary, location) = RunSummaryReader.read(run.dir, origin: .registry)
        XCTAssertEqual(location?.database, run.dbPath)
        XCTAssertEqual(summary.label, "test")
        XCTAssertEqual(summary.kind, .skein)
        XCTAssertEqual(summary.phase, .failed)
        XCTAssertEqual([summary.counts.done, summary.counts.failed, summary.counts.futile, summary.counts.ready], [1, 1, 1, 1])
        XCTAssertEqual(summary.started, 1_700_000_000)
        XCTAssertEqual(summary.wallTime(now: 0), run.clock - 1_700_000_000)
        XCTAssertNil(summary.error)

        let hint = RunSummaryReader.Hint(label: "registered", started: 5, finished: 6)
        let (gone, noLocation) = RunSummaryReader.read("/nonexistent/run0001", origin: .registry, hint: hint)
        XCTAssertNil(noLocation)
        XCTAssertEqual([gone.label, gone.stateText, gone.error], ["registered", "Error", "the run directory is gone"])
        XCTAssertEqual(gone.wallTime(now: 100), 1)
        let empty = try Paths.temp(self, "empty")
        let (unreadable, _) = RunSummaryReader.read(empty, origin: .commandLine)
        XCTAssertEqual(unreadable.label, (empty as NSString).lastPathComponent)
        XCTAssertTrue(unreadable.error?.contains("no braindump.yml") ?? false, unreadable.error ?? "no error")
        let pegasus = RunSummaryReader.read(Paths.fixture("process_wf_success"), origin: .pegasus).0
        XCTAssertEqual(pegasus.kind, .pegasus)
        XCTAssertEqual(pegasus.phase, .succeeded)
    }

    func testRegisteredRunsAreListedWithWhatTheRegistryKnows() throws {
        let state = try Paths.temp(self, "state")
        let registry = try RunRegistry(directory: state)
        try registry.register(label: "one", runDir: "/runs/one/run0001", wfUUID: nil, state: .running, started: 10)
        try registry.register(label: "two", runDir: "/runs/two/run0001", wfUUID: nil, state: .planned, started: 20)
        _ = try registry.update(runDir: "/runs/one/run0001", state: .succeeded, finished: 15)
        let listed = RegisteredRuns(directory: state).list()
        XCTAssertEqual(Set(listed.map(\.directory)), ["/runs/one/run0001", "/runs/two/run0001"])
        let one = try XCTUnwrap(listed.first { $0.directory == "/runs/one/run0001" })
        XCTAssertEqual(one.hint, RunSummaryReader.Hint(label: "one", started: 10, finished: 15))
        XCTAssertEqual(RegisteredRuns.defaultDirectory(environment: ["SKEIN_STATE_DIR": "/s"]), "/s")
        XCTAssertEqual(RegisteredRuns.defaultDirectory(environment: ["HOME": "/h"]), "/h/.local/state/skein")
    }

    func testPegasusMasterDatabaseListsExistingSubmitDirectoriesNewestFirst() throws {
        let dir = try Paths.temp(self, "master")
        let master = dir + "/workflow.db"
        let db = try SQLiteDatabase(path: master)
        try db.execute("CREATE TABLE master_workflow (wf_id INTEGER PRIMARY KEY, wf_uuid TEXT, timestamp NUMERIC(16, 6), submit_dir TEXT)")
        let success = Paths.fixture("process_wf_success"), failure = Paths.fixture("process_wf_failure")
        for (n, (path, time)) in [(success, 100.0), ("/nonexistent/submit", 300.0), (failure, 200.0)].enumerated() {
            try db.run("INSERT INTO master_workflow (wf_uuid, timestamp, submit_dir) VALUES (?, ?, ?)", ["u\(n)", time, path])
        }
        XCTAssertEqual(PegasusMasterRuns.submitDirectories(master), [failure, success])
        XCTAssertEqual(PegasusMasterRuns.submitDirectories(dir + "/none.db"), [])
        XCTAssertEqual(PegasusMasterRuns.submitDirectories(nil), [])
    }

    // MARK: timeline

    func testTimelineHasEveryAttemptAndARunningOneLastsUntilNow() throws {
        let run = try makeRun()
        run.run("prep")
        run.run("calc", exit: 1)
        run.run("calc")
        let running = run.clock
        _ = run.start("report")
        try run.flush()
        let now = running + 30
        let t = try TimelineReader.read(RunLocation.locate(run.dir), now: now)
        XCTAssertEqual(t.bars.map { "\($0.job).\($0.attempt)" }, ["prep.1", "calc.1", "calc.2", "report.1"])
        XCTAssertEqual(t.bars.map(\.exitCode), [0, 1, 0, nil])
        XCTAssertEqual(t.bars.map(\.transformation), ["tr_prep", "tr_calc", "tr_calc", "tr_report"])
        XCTAssertEqual(t.bars.last?.duration, 30, "still running: until now")
        XCTAssertEqual(t.bars.first?.duration, 2)
        XCTAssertEqual(t.start, 1_700_000_000)
        XCTAssertEqual(t.end, now)
    }

    /// On a real run, the timeline's attempts are the ones pegasus-statistics counts, but for
    /// attempts that never got past their PRE script (never submitted: nothing to draw).
    func testTimelineOfAPegasusRunMatchesStatisticsAttempts() throws {
        for (name, neverSubmitted) in [("process_wf_failure", []), ("hierarchical_wf_failure", ["pegasus-plan_diamond_subworkflow.1", "pegasus-plan_diamond_subworkflow.2"])] {
            let location = try RunLocation.locate(Paths.fixture(name))
            let t = try TimelineReader.read(location)
            let stats = try StatisticsReader.read(location, includeJobs: true)
            let attempts = Set((stats.jobs ?? []).flatMap(\.rows).map { "\($0.job).\($0.attempt)" })
            XCTAssertEqual(Set(t.bars.map { "\($0.job).\($0.attempt)" }), attempts.subtracting(neverSubmitted), name)
            XCTAssertEqual(t.bars.count, attempts.count - neverSubmitted.count, name)
            XCTAssertEqual(t.bars.map(\.start), t.bars.map(\.start).sorted(), name)
            XCTAssertTrue(t.bars.allSatisfy { $0.exitCode != nil && $0.start >= t.start && $0.start + $0.duration <= t.end }, name)
        }
        XCTAssertThrowsError(try TimelineReader.read(RunLocation.locate(Paths.fixture("dagman-out-samples/sample1"))))
    }
}
