import Foundation
import XCTest
import SkeinTestSupport

/// Jobs one step of the run makes ready with the same Slurm resources go as one job array
/// (a real one-node Slurm, as the other `SlurmTests`): each attempt keeps its own batch script,
/// record, Slurm log and provenance, its Slurm id the array task's (`ARRAY_TASK`).
extension SlurmTests {
    /// root -> c1..c5 -> join.
    func fanOut(_ name: String, children: [(id: String, script: String, profiles: [String: [String: String]])]) throws -> TestWorkflow {
        try write([.init(id: "root", script: "true")]
                  + children.map { TestWorkflow.Job(id: $0.id, script: $0.script, parents: ["root"], profiles: $0.profiles) }
                  + [.init(id: "join", script: "true", parents: children.map(\.id))], name: name)
    }

    /// Each attempt's Slurm id (job_instance.sched_id) and exit code, by job, in order.
    func attempts(_ run: URL, _ name: String) throws -> [String: [(id: String, exit: String)]] {
        var out: [String: [(String, String)]] = [:]
        for row in try sql(run, name, "select j.exec_job_id, ji.sched_id, ji.exitcode from job_instance ji join job j using(job_id) order by ji.job_submit_seq") {
            let f = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            out[f[0], default: []].append((f[1], f[2]))
        }
        return out
    }

    func isArrayTask(_ id: String) -> Bool {
        let parts = id.split(separator: "_", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { Int($0) != nil }
    }

    /// The first two children go alone as they are made ready (Slurm starts a lone job at
    /// once, an array at its next pass), the other four as one array.
    func testJobsMadeReadyTogetherGoAsOneArray() throws {
        let children = (1...6).map { (id: "c\($0)", script: "echo child \($0)", profiles: [String: [String: String]]()) }
        let wf = try fanOut("sarray", children: children)
        let result = try SkeinBinary.run(["run", "workflow.yml", "--batch"] + slurmFlags, environment: environment, in: wf.directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("sbatch 5"), "root, two children alone, four as one array, join: \(result.stdout)")
        let run = wf.runDirectory()
        let ids = try attempts(run, "sarray")
        let childIDs = children.map { ids[$0.id]?.first?.id ?? "" }
        let tasks = childIDs.filter(isArrayTask)
        XCTAssertEqual(tasks.count, 4, "\(ids)")
        XCTAssertEqual(Set(tasks.map { $0.split(separator: "_")[0] }).count, 1, "one array: \(childIDs)")
        XCTAssertEqual(Set(tasks.map { $0.split(separator: "_")[1] }), ["0", "1", "2", "3"])
        XCTAssertEqual(childIDs.filter { Int($0) != nil }.count, 2, "\(childIDs)")
        XCTAssertFalse(isArrayTask(ids["root"]?.first?.id ?? "_"), "a lone ready job goes alone")
        XCTAssertTrue(children.allSatisfy { ids[$0.id]?.count == 1 && ids[$0.id]?[0].exit == "0" }, "\(ids)")
        let jobs = run.appendingPathComponent("jobs/000")
        for (number, child) in children.enumerated() {
            XCTAssertEqual(try String(contentsOf: jobs.appendingPathComponent("\(child.id).stdout.000"), encoding: .utf8), "child \(number + 1)\n")
            let record = try String(contentsOf: jobs.appendingPathComponent("\(child.id).out.000"), encoding: .utf8)
            XCTAssertTrue(record.contains("derivation: \"\(child.id)\""), record)
            XCTAssertTrue(FileManager.default.fileExists(atPath: jobs.appendingPathComponent("\(child.id).sbatch.000").path), "its own batch script")
            XCTAssertTrue(FileManager.default.fileExists(atPath: jobs.appendingPathComponent("\(child.id).slurm.000").path), "its own Slurm log")
            let states = try sql(run, "sarray", "select js.state from jobstate js join job_instance ji using(job_instance_id) join job j using(job_id) where j.exec_job_id = '\(child.id)' order by js.jobstate_submit_seq")
            // (EXECUTE only when a poll saw the task running; a short one ends from its record first.)
            XCTAssertTrue(states.contains("SUBMIT") && states.contains("JOB_TERMINATED") && states.contains("JOB_SUCCESS"), "\(child.id): \(states)")
        }
        let arrayScripts = try FileManager.default.contentsOfDirectory(atPath: jobs.path).filter { $0.contains(".sbatch-array.") }
        XCTAssertEqual(arrayScripts.count, 1, "\(arrayScripts)")
        let script = try String(contentsOf: jobs.appendingPathComponent(arrayScripts[0]), encoding: .utf8)
        XCTAssertTrue(script.hasPrefix("#!/") && script.contains("/skein-kickstart --array\n") && script.contains("#SBATCH --array=0-3\n"), script)
        // Slurm ran each task as its own job, named by the array's id and the task's.
        let comp = try String(contentsOfFile: jobcomp, encoding: .utf8)
        for id in tasks {
            XCTAssertTrue(comp.split(separator: "\n").contains { jobcompLine($0, isOf: id) && $0.contains("JobState=COMPLETED") }, "\(id) in jobcomp")
        }
    }

    /// One task of an array fails: it alone is retried (as a job of its own), with a record
    /// per attempt; the others are not run again.
    func testAFailedArrayTaskIsRetriedAlone() throws {
        let retry = ["dagman": ["RETRY": "1"]]
        // c1 and c2 go alone (the first two of the step), c3 to c5 as an array.
        let wf = try fanOut("sarrayretry", children: [
            (id: "c1", script: "echo ran >> c1.log", profiles: retry),
            (id: "c2", script: "echo ran >> c2.log", profiles: retry),
            (id: "c3", script: "echo ran >> c3.log", profiles: retry),
            (id: "c4", script: "echo ran >> c4.log; [ -e c4.ok ] || { touch c4.ok; exit 3; }", profiles: retry),
            (id: "c5", script: "echo ran >> c5.log", profiles: retry),
        ])
        try sharedfs(wf)
        let result = try SkeinBinary.run(["run", "workflow.yml", "--batch"] + slurmFlags, environment: environment, in: wf.directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("c4 failed: exit code 3, retrying"), result.stdout)
        let run = wf.runDirectory()
        let ids = try attempts(run, "sarrayretry")
        XCTAssertEqual(ids["c4"]?.map(\.exit), ["768", "0"], "\(ids)")
        XCTAssertTrue(isArrayTask(ids["c4"]?[0].id ?? ""), "the first attempt was an array task: \(ids)")
        XCTAssertFalse(isArrayTask(ids["c4"]?[1].id ?? "_"), "the retry went alone: \(ids)")
        XCTAssertTrue(["c3", "c5"].allSatisfy { ids[$0]?.count == 1 && isArrayTask(ids[$0]?[0].id ?? "") }, "\(ids)")
        let scratch = wf.scratch()
        func runs(_ job: String) -> Int { ((try? String(contentsOf: scratch.appendingPathComponent("\(job).log"), encoding: .utf8)) ?? "").split(separator: "\n").count }
        XCTAssertEqual(["c1", "c2", "c3", "c4", "c5"].map(runs), [1, 1, 1, 2, 1])
        let jobs = run.appendingPathComponent("jobs/000")
        let first = try String(contentsOf: jobs.appendingPathComponent("c4.out.000"), encoding: .utf8)
        let second = try String(contentsOf: jobs.appendingPathComponent("c4.out.001"), encoding: .utf8)
        XCTAssertTrue(first.contains("derivation: \"c4\"") && second.contains("derivation: \"c4\""), "a record per attempt")
        XCTAssertNotEqual(first, second)
    }

    /// `skein kill` of an array task cancels that task only; a task cancelled from outside is
    /// retried; the array's other task runs on.
    func testKillingAnArrayTaskCancelsOnlyIt() throws {
        // The first two go alone, the others as one array.
        let wf = try fanOut("sarraykill", children: [
            (id: "lone1", script: "true", profiles: [:]),
            (id: "lone2", script: "true", profiles: [:]),
            (id: "long", script: "sleep 120", profiles: [:]),
            (id: "victim", script: "if [ -e second ]; then exit 0; fi; touch second; sleep 120", profiles: ["dagman": ["RETRY": "1"]]),
            (id: "quick", script: "true", profiles: [:]),
        ])
        try sharedfs(wf)
        let (status, out, longID, victimID) = try killLongAndCancelVictim(wf)
        XCTAssertTrue(isArrayTask(longID) && isArrayTask(victimID), "\(longID) \(victimID)")
        XCTAssertEqual(status, 1, out)
        XCTAssertTrue(out.contains("long failed: killed by the user (skein kill)"), out)
        XCTAssertTrue(out.contains("victim failed: cancelled in Slurm from outside Skein (scancel), retrying"), out)
        XCTAssertTrue(out.contains("victim succeeded"), out)
        XCTAssertTrue(out.contains("quick succeeded"), out)
        let comp = try String(contentsOfFile: jobcomp, encoding: .utf8)
        XCTAssertTrue(comp.split(separator: "\n").contains { jobcompLine($0, isOf: longID) && $0.contains("JobState=CANCELLED") }, "Slurm shows the killed task cancelled")
        let ids = try attempts(wf.runDirectory(), "sarraykill")
        XCTAssertEqual(ids["long"]?.map(\.id), [longID], "the kill is recorded against the array task")
    }
}
