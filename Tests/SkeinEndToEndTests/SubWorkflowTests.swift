import Foundation
import XCTest
import SkeinReports
import SkeinTestSupport
import SkeinTUI

/// Hierarchical workflows with the real binary, written as the Pegasus API writes them
/// (`SubWorkflow(file)` jobs of type `pegasusWorkflow`): a diamond sub-workflow whose input a
/// parent job makes and whose output a parent job reads, a failing one, three levels, and a
/// retried failed sub-workflow that resumes its child run.
final class SubWorkflowTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-subwf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path, "NO_COLOR": "1"]
        try SubWorkflowCatalogs.write(in: scratch, workflowFiles: ["workflow.yml", "middle.yml", "inner.yml"])
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: scratch.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func skein(_ arguments: [String]) throws -> SkeinBinary.Output {
        try SkeinBinary.run(arguments, environment: environment, in: scratch)
    }

    func sql(_ database: URL, _ query: String) throws -> [String] {
        let out = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import sqlite3, sys
            for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join('' if v is None else str(v) for v in row))
            """, database.path, query])
        XCTAssertEqual(out.status, 0, out.stderr)
        return out.stdout.split(separator: "\n").map(String.init)
    }

    /// A workflow `name` that makes f.a, runs `file` as the sub-workflow `sub` on it, and
    /// reads the f.d it hands back into result.txt.
    func parent(_ name: String, file: String, extraArguments: String = "") -> String {
        """
        pegasus: 5.0.4
        name: \(name)
        jobs:
        - {type: job, name: sh, id: make, arguments: ['-c', 'echo from-\(name) > f.a'], uses: [{lfn: f.a, type: output}]}
        - type: pegasusWorkflow
          file: \(file)
          id: sub
          arguments: [--basename, inner, -vvv\(extraArguments)]
          uses: [{lfn: \(file), type: input}, {lfn: f.a, type: input}, {lfn: f.d, type: output}]
        - {type: job, name: sh, id: read, arguments: ['-c', 'cat f.d > result.txt; cp f.d f.d.\(name)'], uses: [{lfn: f.d, type: input}, {lfn: result.txt, type: output}, {lfn: f.d.\(name), type: output}]}
        jobDependencies:
        - {id: make, children: [sub]}
        - {id: sub, children: [read]}

        """
    }

    /// A diamond that reads f.a and makes f.d; `gate` (a shell test) must pass for its last job.
    func diamond(_ name: String = "diamond", gate: String = "true") -> String {
        """
        pegasus: 5.0.4
        name: \(name)
        jobs:
        - {type: job, name: sh, id: pre, arguments: ['-c', 'echo pre >> \(scratch.path)/pre.count; cp f.a f.b1; cp f.a f.b2'], uses: [{lfn: f.a, type: input}, {lfn: f.b1, type: output}, {lfn: f.b2, type: output}]}
        - {type: job, name: sh, id: left, arguments: ['-c', 'cat f.b1 > f.c1; echo left >> f.c1'], uses: [{lfn: f.b1, type: input}, {lfn: f.c1, type: output}]}
        - {type: job, name: sh, id: right, arguments: ['-c', 'cat f.b2 > f.c2; echo right >> f.c2'], uses: [{lfn: f.b2, type: input}, {lfn: f.c2, type: output}]}
        - {type: job, name: sh, id: analyze, arguments: ['-c', '\(gate) || { echo the gate is closed >&2; exit 3; }; cat f.c1 f.c2 > f.d'], uses: [{lfn: f.c1, type: input}, {lfn: f.c2, type: input}, {lfn: f.d, type: output}]}
        jobDependencies:
        - {id: pre, children: [left, right]}
        - {id: left, children: [analyze]}
        - {id: right, children: [analyze]}

        """
    }

    func run(_ workflow: String = "workflow.yml", expect status: Int32) throws -> URL {
        let result = try skein(["run", workflow, "--batch", "--cleanup", "none"])
        XCTAssertEqual(result.status, status, result.stdout + result.stderr)
        let label = (try String(contentsOf: scratch.appendingPathComponent(workflow), encoding: .utf8))
            .split(separator: "\n").first { $0.hasPrefix("name: ") }!.dropFirst("name: ".count)
        return scratch.appendingPathComponent("runs/\(label)/run0001")
    }

    func scratchFile(_ run: URL, _ name: String) throws -> String {
        try String(contentsOfFile: try SkeinBinary.scratchDirectory(of: run) + "/" + name, encoding: .utf8)
    }

    func testDiamondSubWorkflowReadsAParentFileAndHandsItsResultBack() throws {
        try write("workflow.yml", parent("outer", file: "inner.yml"))
        try write("inner.yml", diamond())
        let run = try run(expect: 0)
        XCTAssertEqual(try scratchFile(run, "result.txt"), "from-outer\nleft\nfrom-outer\nright\n")
        // Pegasus's layout: the link names the first planning's folder.
        let link = run.appendingPathComponent("00/00/diamond_sub").path
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "diamond_sub.000")
        XCTAssertTrue(FileManager.default.fileExists(atPath: link + "/plan.json"))
        // The whole hierarchy in the root's database, linked as Pegasus links it.
        let db = run.appendingPathComponent("outer-0.stampede.db")
        XCTAssertEqual(try sql(db, "SELECT wf_id, coalesce(parent_wf_id, ''), root_wf_id, dax_label FROM workflow ORDER BY wf_id"),
                       ["1||1|outer", "2|1|1|diamond"])
        XCTAssertEqual(try sql(db, """
            SELECT j.exec_job_id, j.type_desc, ji.subwf_id, ji.exitcode FROM job_instance ji JOIN job j USING (job_id) WHERE ji.subwf_id IS NOT NULL
            """), ["pegasus-plan_sub|dax|2|0"])
        XCTAssertEqual(try sql(db, "SELECT count(*) FROM job WHERE wf_id = 2 AND type_desc = 'compute'"), ["4"])
        XCTAssertEqual(try sql(db, "SELECT abs_task_id, type_desc, transformation FROM task WHERE type_desc = 'dax'"), ["sub|dax|pegasus::pegasus-plan"])
        // The child's braindump names the root, so reports on it read the root's database.
        let braindump = try String(contentsOfFile: link + "/braindump.yml", encoding: .utf8)
        let rootUUID = try sql(db, "SELECT wf_uuid FROM workflow WHERE wf_id = 1")[0]
        XCTAssertTrue(braindump.contains("root_wf_uuid: \"\(rootUUID)\""), braindump)
        let status = try skein(["status", run.path])
        XCTAssertTrue(status.stdout.contains("diamond-0.dag"), status.stdout)
        let statistics = try skein(["statistics", run.path])
        XCTAssertEqual(PegasusTools.row("Sub-Workflows", in: statistics.stdout), [1, 0, 0, 1, 0, 1], statistics.stdout)
        XCTAssertEqual(PegasusTools.row("Tasks", in: statistics.stdout), [6, 0, 0, 6, 0, 6], statistics.stdout)
    }

    func testPegasusToolsReadAHierarchicalSkeinRun() throws {
        let tools: PegasusTools
        do { tools = try PegasusTools.locate(repository: SkeinBinary.repository) } catch let why as PegasusTools.Unavailable { throw missingRealPart(why.description) }
        try write("workflow.yml", parent("outer", file: "inner.yml"))
        try write("inner.yml", diamond(gate: "false"))
        let run = try run(expect: 1)
        let statistics = try tools.run("pegasus-statistics", ["-s", "all", run.path], environment: environment)
        XCTAssertEqual(statistics.status, 0, statistics.stdout + statistics.stderr)
        XCTAssertEqual(PegasusTools.row("Sub-Workflows", in: statistics.stdout), [0, 1, 0, 1, 0, 1], statistics.stdout)
        XCTAssertEqual(PegasusTools.row("Sub-Workflows", in: try skein(["statistics", run.path]).stdout),
                       PegasusTools.row("Sub-Workflows", in: statistics.stdout))
        let analyzer = try tools.run("pegasus-analyzer", ["-r", run.path], environment: environment)
        XCTAssertFalse(analyzer.stdout.contains("Traceback") || analyzer.stderr.contains("Traceback"), analyzer.stdout + analyzer.stderr)
        XCTAssertTrue(analyzer.stdout.contains("pegasus-plan_sub"), analyzer.stdout)
        XCTAssertTrue(analyzer.stdout.contains("analyze"), analyzer.stdout)
    }

    func testAFailingSubWorkflowFailsItsJobAndAnalyzeNamesTheInnerJob() throws {
        try write("workflow.yml", parent("outer", file: "inner.yml"))
        try write("inner.yml", diamond(gate: "false"))
        let run = try run(expect: 1)
        let analyze = try skein(["analyze", run.path])
        XCTAssertEqual(analyze.status, 2, analyze.stdout + analyze.stderr)
        XCTAssertTrue(analyze.stdout.contains("pegasus-plan_sub"), analyze.stdout)
        XCTAssertTrue(analyze.stdout.contains("failed jobs analyze"), analyze.stdout)
        // -r (pegasus-analyzer's --recurse) goes down to the inner job and its output.
        let recursive = try skein(["analyze", "-r", run.path])
        XCTAssertEqual(recursive.status, 2, recursive.stdout + recursive.stderr)
        XCTAssertTrue(recursive.stdout.contains("Sub-workflow of pegasus-plan_sub"), recursive.stdout)
        XCTAssertTrue(recursive.stdout.contains("=====analyze====="), recursive.stdout)
        XCTAssertTrue(recursive.stdout.contains("the gate is closed"), recursive.stdout)
        let json = try skein(["analyze", "-r", "--json", run.path])
        XCTAssertTrue(json.stdout.contains("\"subworkflows\""), json.stdout)
        let db = run.appendingPathComponent("outer-0.stampede.db")
        XCTAssertEqual(try sql(db, "SELECT count(*) FROM job_instance WHERE subwf_id = 2 AND exitcode != 0"), ["1"])
    }

    func testThreeLevelsOfSubWorkflows() throws {
        try write("workflow.yml", parent("top", file: "middle.yml"))
        try write("middle.yml", parent("middle", file: "inner.yml"))
        try write("inner.yml", diamond())
        let run = try run(expect: 0)
        // The top's f.a is the middle's replica (Pegasus's --cache): data reuse leaves out the
        // middle's own `make`, and the innermost diamond reads the top's file.
        XCTAssertEqual(try scratchFile(run, "result.txt"), "from-top\nleft\nfrom-top\nright\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("00/00/middle_sub/00/00/diamond_sub/plan.json").path))
        let db = run.appendingPathComponent("top-0.stampede.db")
        XCTAssertEqual(try sql(db, "SELECT wf_id, coalesce(parent_wf_id, ''), root_wf_id, dax_label FROM workflow ORDER BY wf_id"),
                       ["1||1|top", "2|1|1|middle", "3|2|1|diamond"])
        let statistics = try skein(["statistics", run.path])
        XCTAssertEqual(PegasusTools.row("Sub-Workflows", in: statistics.stdout), [2, 0, 0, 2, 0, 2], statistics.stdout)
    }

    func testRetryingAFailedSubWorkflowResumesItsChildRun() throws {
        let gate = scratch.appendingPathComponent("open").path
        try write("workflow.yml", parent("outer", file: "inner.yml"))
        try write("inner.yml", diamond(gate: "test -e \(gate)"))
        let run = try run(expect: 1)
        FileManager.default.createFile(atPath: gate, contents: nil)
        let child = run.appendingPathComponent("00/00/diamond_sub").path
        // The child runs inside its parent's engine: an engine for it alone is refused, saying how.
        let alone = try skein(["run", child, "--batch"])
        XCTAssertNotEqual(alone.status, 0, alone.stdout + alone.stderr)
        XCTAssertTrue(alone.stderr.contains("retry it there: skein retry \(run.path) pegasus-plan_sub"), alone.stderr)
        // Retrying the child's failed job does what is meant: the parent's job runs again,
        // which resumes the child, where analyze runs again.
        let retried = try skein(["retry", child, "analyze", "--batch"])
        XCTAssertEqual(retried.status, 0, retried.stdout + retried.stderr)
        XCTAssertEqual(try scratchFile(run, "result.txt"), "from-outer\nleft\nfrom-outer\nright\n")
        // `pre` succeeded in the first attempt: the resumed child did not run it again.
        XCTAssertEqual(try String(contentsOf: scratch.appendingPathComponent("pre.count"), encoding: .utf8), "pre\n")
        let stdout = try String(contentsOf: run.appendingPathComponent("jobs/000/pegasus-plan_sub.stdout.001"), encoding: .utf8)
        XCTAssertTrue(stdout.contains("resuming the sub-workflow run"), stdout)
        // One child workflow row, with both attempts of the parent's job linked to it.
        let db = run.appendingPathComponent("outer-0.stampede.db")
        XCTAssertEqual(try sql(db, "SELECT count(*) FROM workflow"), ["2"])
        XCTAssertEqual(try sql(db, "SELECT group_concat(subwf_id) FROM job_instance WHERE subwf_id IS NOT NULL"), ["2,2"])
    }

    /// A finished child with two failed jobs: `skein retry CHILD bad1` reruns bad1 only (the
    /// child's other failed job stays failed, so the parent's job fails again); retrying the
    /// parent's job by name reruns every failed job of the child.
    func testRetryingOneFailedJobOfAFinishedChildRerunsOnlyThatJob() throws {
        let ok = scratch.appendingPathComponent("ok").path
        let ran = scratch.appendingPathComponent("ran")
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: outer
            jobs:
            - {type: pegasusWorkflow, file: inner.yml, id: sub, arguments: [], uses: [{lfn: inner.yml, type: input}]}

            """)
        try write("inner.yml", """
            pegasus: 5.0.4
            name: inner
            jobs:
            - {type: job, name: sh, id: bad1, arguments: ['-c', 'echo bad1 >> \(ran.path); test -e \(ok)']}
            - {type: job, name: sh, id: bad2, arguments: ['-c', 'echo bad2 >> \(ran.path); test -e \(ok)']}

            """)
        let run = try run(expect: 1)
        func count(_ job: String) throws -> Int {
            try String(contentsOf: ran, encoding: .utf8).split(separator: "\n").filter { $0 == job }.count
        }
        let (bad1, bad2) = (try count("bad1"), try count("bad2"))
        FileManager.default.createFile(atPath: ok, contents: nil)
        let child = run.appendingPathComponent("00/00/inner_sub").path
        let one = try skein(["retry", child, "bad1", "--batch"])
        XCTAssertEqual(one.status, 1, "bad2 stays failed, so the child and the parent fail again: " + one.stdout + one.stderr)
        XCTAssertEqual(try count("bad1"), bad1 + 1)
        XCTAssertEqual(try count("bad2"), bad2, "bad2 was not asked for")
        XCTAssertFalse(FileManager.default.fileExists(atPath: child + "/retry-request"), "the request is taken")
        let all = try skein(["retry", run.path, "pegasus-plan_sub", "--batch"])
        XCTAssertEqual(all.status, 0, all.stdout + all.stderr)
        XCTAssertEqual(try count("bad1"), bad1 + 1, "bad1 succeeded already")
        XCTAssertEqual(try count("bad2"), bad2 + 1)
    }

    /// Starts `skein run workflow.yml --batch` in the background; its output goes to a file.
    func background() throws -> Process {
        let process = Process()
        process.executableURL = SkeinBinary.url
        process.arguments = ["run", "workflow.yml", "--batch", "--cleanup", "none"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = scratch
        let log = scratch.appendingPathComponent("engine-output.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        try process.run()
        return process
    }

    func waitFor(_ what: String, timeout: Double = 60, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline {
                XCTFail("timed out waiting for \(what)")
                throw CocoaError(.fileReadUnknown)
            }
            usleep(50_000)
        }
    }

    /// A diamond whose `left` job waits for the file `go` before it ends.
    func waitingDiamond() -> String {
        diamond().replacingOccurrences(of: "'cat f.b1 > f.c1; echo left >> f.c1'",
                                       with: "'touch \(scratch.path)/left.started; while [ ! -e \(scratch.path)/go ]; do sleep 0.05; done; cat f.b1 > f.c1; echo left >> f.c1'")
    }

    func testHaltReachesTheSubWorkflowAndARestartResumesIt() throws {
        try write("workflow.yml", parent("outer", file: "inner.yml"))
        try write("inner.yml", waitingDiamond())
        let engine = try background()
        defer { if engine.isRunning { engine.terminate() } }
        let run = scratch.appendingPathComponent("runs/outer/run0001")
        try waitFor("the inner job to start") { FileManager.default.fileExists(atPath: scratch.appendingPathComponent("left.started").path) }
        let halt = try skein(["halt", run.path])
        XCTAssertEqual(halt.status, 0, halt.stdout + halt.stderr)
        // The child halts too (its provenance records the command it was given): once its
        // running job ends, it starts nothing more (not `analyze`).
        let db = run.appendingPathComponent("outer-0.stampede.db")
        try waitFor("the halt to reach the sub-workflow") {
            (try? sql(db, "SELECT count(*) FROM workflow_meta WHERE wf_id = 2 AND key LIKE 'skein.command.%' AND value LIKE 'halt%'")) == ["1"]
        }
        FileManager.default.createFile(atPath: scratch.appendingPathComponent("go").path, contents: nil)
        engine.waitUntilExit()
        XCTAssertEqual(engine.terminationStatus, 3, (try? String(contentsOf: scratch.appendingPathComponent("engine-output.log"), encoding: .utf8)) ?? "")
        let child = run.appendingPathComponent("00/00/diamond_sub")
        let journal = try String(contentsOf: child.appendingPathComponent("engine.journal"), encoding: .utf8)
        XCTAssertFalse(journal.contains("analyze"), journal)
        // Run again: the parent's job resumes the child, whose succeeded jobs stay done.
        let resumed = try skein(["run", run.path, "--batch"])
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertEqual(try scratchFile(run, "result.txt"), "from-outer\nleft\nfrom-outer\nright\n")
        XCTAssertEqual(try String(contentsOf: scratch.appendingPathComponent("pre.count"), encoding: .utf8), "pre\n")
    }

    func testAKilledEngineResumesItsSubWorkflowWithoutRedoingItsJobs() throws {
        try write("workflow.yml", parent("outer", file: "inner.yml"))
        try write("inner.yml", waitingDiamond())
        let engine = try background()
        defer { if engine.isRunning { engine.terminate() } }
        let run = scratch.appendingPathComponent("runs/outer/run0001")
        try waitFor("the inner job to start") { FileManager.default.fileExists(atPath: scratch.appendingPathComponent("left.started").path) }
        kill(engine.processIdentifier, SIGKILL)
        engine.waitUntilExit()
        FileManager.default.createFile(atPath: scratch.appendingPathComponent("go").path, contents: nil)
        let resumed = try skein(["run", run.path, "--batch"])
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertEqual(try scratchFile(run, "result.txt"), "from-outer\nleft\nfrom-outer\nright\n")
        XCTAssertEqual(try String(contentsOf: scratch.appendingPathComponent("pre.count"), encoding: .utf8), "pre\n")
        let db = run.appendingPathComponent("outer-0.stampede.db")
        XCTAssertEqual(try sql(db, "SELECT count(*) FROM workflow"), ["2"])
    }

    func testACondorWorkflowDAGOfPlainJobsRuns() throws {
        try write("inner.dag", "# ready-made\nJOB A a.sub\nJOB B b.sub\nPARENT A CHILD B\n")
        try write("a.sub", "universe = vanilla\nexecutable = /bin/sh\narguments = \"-c 'echo from-dag > dag.out'\"\nqueue\n")
        try write("b.sub", "universe = local\nexecutable = /bin/sh\narguments = \"-c 'cat dag.out > f.d'\"\nqueue\n")
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: outer
            jobs:
            - {type: condorWorkflow, file: inner.dag, id: dagjob, uses: [{lfn: f.d, type: output}]}
            - {type: job, name: sh, id: read, arguments: ['-c', 'cat f.d > result.txt'], uses: [{lfn: f.d, type: input}, {lfn: result.txt, type: output}]}
            jobDependencies:
            - {id: dagjob, children: [read]}

            """)
        let run = try run(expect: 0)
        XCTAssertEqual(try scratchFile(run, "result.txt"), "from-dag\n")
        let db = run.appendingPathComponent("outer-0.stampede.db")
        XCTAssertEqual(try sql(db, "SELECT j.exec_job_id, j.type_desc, ji.subwf_id FROM job_instance ji JOIN job j USING (job_id) WHERE ji.subwf_id IS NOT NULL"),
                       ["dagman_dagjob|dag|2"])
        // A node Skein cannot run is refused when the parent is planned, by name.
        try write("b.sub", "universe = grid\nexecutable = /bin/true\nqueue\n")
        let refused = try skein(["plan", "workflow.yml"])
        XCTAssertEqual(refused.status, 2, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("workflow.yml:4:3: job 'dagjob': the DAG 'inner.dag' cannot be run by Skein: node 'B' (b.sub): universe grid"), refused.stderr)
    }

    /// The TUI's data on a run whose sub-workflow has a job named like one of the parent's:
    /// each workflow's directory is known, and the inner job read there is the inner one.
    func testSameNamedJobsOfParentAndSubWorkflowAreToldApart() throws {
        try write("workflow.yml", parent("outer", file: "inner.yml"))
        try write("inner.yml", """
            pegasus: 5.0.4
            name: inner
            jobs:
            - {type: job, name: sh, id: make, arguments: ['-c', 'echo inner-make; cp f.a f.d'], uses: [{lfn: f.a, type: input}, {lfn: f.d, type: output}]}

            """)
        let run = try run(expect: 0)
        let data = try RunDataReader.read(RunLocation.locate(run.path))
        let makes = data.jobs.indices.filter { data.jobs[$0].id == "make" }
        XCTAssertEqual(Set(makes.map { data.jobs[$0].workflow }), ["outer", "inner"])
        let plannedJob = try XCTUnwrap(data.jobs.firstIndex { $0.id == "pegasus-plan_sub" })
        let innerWorkflow = try XCTUnwrap(data.status.workflows.first { $0.label == "inner" })
        XCTAssertEqual(data.subworkflowUUIDs[Int32(plannedJob)], innerWorkflow.wfUUID)
        let innerDirectory = try XCTUnwrap(innerWorkflow.directory)
        XCTAssertEqual(innerDirectory, run.appendingPathComponent("00/00/inner_sub.000").path)
        let inner = try JobDetailReader.read(RunLocation.locate(innerDirectory), job: "make", plan: nil)
        XCTAssertTrue(inner.definition.arguments.joined(separator: " ").contains("inner-make"), "\(inner.definition.arguments)")
        let outer = try JobDetailReader.read(RunLocation.locate(run.path), job: "make", plan: nil)
        XCTAssertTrue(outer.definition.arguments.joined(separator: " ").contains("from-outer"), "\(outer.definition.arguments)")
    }

    /// Two sub-workflows of the same file at once, in one engine: each its own run folder,
    /// workflow row and result.
    func testTwoSubWorkflowsOfOneFileRunSideBySide() throws {
        try write("workflow.yml", """
            pegasus: 5.0.4
            name: outer
            jobs:
            - {type: job, name: sh, id: make, arguments: ['-c', 'echo from-outer > f.a'], uses: [{lfn: f.a, type: output}]}
            - {type: pegasusWorkflow, file: inner.yml, id: one, arguments: [], uses: [{lfn: f.a, type: input}, {lfn: f.d, type: output}]}
            - {type: pegasusWorkflow, file: inner2.yml, id: two, arguments: [], uses: [{lfn: f.a, type: input}, {lfn: g.d, type: output}]}
            - {type: job, name: sh, id: read, arguments: ['-c', 'cat f.d g.d > result.txt'], uses: [{lfn: f.d, type: input}, {lfn: g.d, type: input}, {lfn: result.txt, type: output}]}
            jobDependencies:
            - {id: make, children: [one, two]}
            - {id: one, children: [read]}
            - {id: two, children: [read]}

            """)
        try write("inner.yml", diamond())
        try write("inner2.yml", diamond().replacingOccurrences(of: "f.d", with: "g.d"))
        let run = try run(expect: 0)
        XCTAssertEqual(try scratchFile(run, "result.txt"), String(repeating: "from-outer\nleft\nfrom-outer\nright\n", count: 2))
        let db = run.appendingPathComponent("outer-0.stampede.db")
        XCTAssertEqual(try sql(db, "SELECT count(*), count(DISTINCT submit_dir) FROM workflow WHERE parent_wf_id = 1"), ["2|2"])
        // Both are labelled diamond: status (and the TUI's WORKFLOW column) names each by its job.
        let status = try skein(["status", run.path, "--json"])
        for label in ["\"diamond(pegasus-plan_one)\"", "\"diamond(pegasus-plan_two)\""] { XCTAssertTrue(status.stdout.contains(label), status.stdout) }
        XCTAssertFalse(status.stdout.contains("\"diamond\""), status.stdout)
    }

    /// pegasus-plan's --force-replan: a retried sub-workflow is planned again into the next
    /// `.NNN` (the link moves to it) and runs from the start, instead of resuming.
    func testForceReplanPlansARetriedSubWorkflowAgain() throws {
        let gate = scratch.appendingPathComponent("open").path
        try write("workflow.yml", parent("outer", file: "inner.yml", extraArguments: ", --force-replan"))
        try write("inner.yml", diamond(gate: "test -e \(gate)"))
        let run = try run(expect: 1)
        FileManager.default.createFile(atPath: gate, contents: nil)
        let retried = try skein(["retry", run.path, "pegasus-plan_sub", "--batch"])
        XCTAssertEqual(retried.status, 0, retried.stdout + retried.stderr)
        let link = run.appendingPathComponent("00/00/diamond_sub").path
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "diamond_sub.001")
        XCTAssertEqual(try String(contentsOf: scratch.appendingPathComponent("pre.count"), encoding: .utf8), "pre\npre\n")
        let db = run.appendingPathComponent("outer-0.stampede.db")
        XCTAssertEqual(try sql(db, "SELECT count(*) FROM workflow WHERE parent_wf_id = 1"), ["2"])
    }

    /// The TUI in tmux: Enter on the sub-workflow job opens its workflow as a Run view (the
    /// breadcrumbs follow), and its job `make` opens the inner `make`, not the parent's.
    func testTheTUIOpensTheSubWorkflowAndItsOwnSameNamedJob() throws {
        guard let tmuxPath = Tmux.find() else { throw missingRealPart("tmux is not installed (scripts/install-deps.sh installs it)") }
        try write("workflow.yml", parent("outer", file: "inner.yml"))
        try write("inner.yml", """
            pegasus: 5.0.4
            name: inner
            jobs:
            - {type: job, name: sh, id: make, arguments: ['-c', 'echo inner-make; cp f.a f.d'], uses: [{lfn: f.a, type: input}, {lfn: f.d, type: output}]}

            """)
        let run = try run(expect: 0)
        let tmux = Tmux(program: tmuxPath, socket: scratch.appendingPathComponent("tmux.sock").path)
        defer { tmux.killServer() }
        let env = ["LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TERM=xterm-256color", "SKEIN_STATE_DIR=" + Tmux.quote(environment["SKEIN_STATE_DIR"]!)]
        try tmux.start("env -u NO_COLOR \(env.joined(separator: " ")) \(Tmux.quote(SkeinBinary.url.path)) tui \(Tmux.quote(run.path)); sleep 600",
                       width: 110, height: 30)
        try tmux.waitFor(timeout: 30, "skein › Runs › outer", "pegasus-plan_sub")
        // create_dir_outer_local, make, pegasus-plan_sub: the third row.
        tmux.send("j")
        tmux.send("j")
        tmux.send("Enter")
        // create_dir_inner_0_local, stage_in_local_local_0_0 (f.a, condorio), make: the third row.
        try tmux.waitFor(timeout: 30, "skein › Runs › outer › inner", "of 3")
        tmux.send("j")
        tmux.send("j")
        tmux.send("Enter")
        try tmux.waitFor(timeout: 30, "skein › Runs › outer › inner › make", "echo inner-make")
        tmux.send("Escape")
        tmux.send("Escape")
        try tmux.waitFor(timeout: 30, "skein › Runs › outer ")
    }

    func testABadSubWorkflowIsAPlanErrorAtTheJobsLine() throws {
        try write("workflow.yml", parent("outer", file: "middle.yml"))
        try write("middle.yml", parent("middle", file: "workflow.yml"))
        let result = try skein(["plan", "workflow.yml"])
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("middle.yml:5:3: job 'sub'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("a cycle: workflow.yml -> middle.yml -> workflow.yml"), result.stderr)
    }
}
