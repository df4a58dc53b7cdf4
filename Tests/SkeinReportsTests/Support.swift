import Foundation
import XCTest
import SkeinRunFormat
import SkeinProvenance
import SkeinTestSupport
@testable import SkeinReports

/// Paths shared by the report tests.
enum Paths {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let pegasusRuns = TestFixtures.pegasusRuns
    static let expected = pegasusRuns.appendingPathComponent("expected")

    static func fixture(_ name: String) -> String { pegasusRuns.appendingPathComponent(name).path }

    static func expected(_ name: String) throws -> String {
        try String(contentsOf: expected.appendingPathComponent(name), encoding: .utf8)
    }

    /// A fresh folder, removed when the test ends.
    static func temp(_ test: XCTestCase, _ name: String = "reports") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skein-\(name)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }
}

/// Writes a run directory the way Skein's engine does (StampedeWriter, braindump, plan.json),
/// job by job, so tests can stop at any point of a run's life.
final class RunBuilder {
    let dir: String
    let label: String
    let wfUUID = UUID().uuidString.lowercased()
    let writer: StampedeWriter
    let wf: WorkflowID
    var jobIDs: [String: JobID] = [:]
    var host: HostID = 0
    var clock = 1_700_000_000.0
    var dbPath: String { dir + "/\(label)-0.stampede.db" }

    /// `jobs`: id -> (parents, retries). Writes plan.json too (a Skein run) unless `skein` is false.
    init(dir: String, label: String = "test", jobs: [(String, [String], Int)], skein: Bool = true) throws {
        self.dir = dir
        self.label = label
        if skein {
            var index: [String: Int] = [:]
            for (i, j) in jobs.enumerated() { index[j.0] = i }
            try RunDirectory(path: dir).write(Self.plan(label: label, wfUUID: wfUUID, dir: dir, jobs: jobs.map { ($0.0, $0.1.map { index[$0]! }, $0.2) }))
        }
        let brain = Braindump(wfUUID: wfUUID, submitDir: dir, dag: "\(label)-0.dag", properties: "skein.properties",
                              daxLabel: label, pegasusWfName: "\(label)-0")
        try PegasusSubmitFiles.writeBraindump(brain, to: dir)
        writer = try StampedeWriter(path: dir + "/\(label)-0.stampede.db")
        wf = writer.insertWorkflow(WorkflowRow(wfUUID: wfUUID, dagFileName: "\(label)-0.dag", timestamp: clock, submitDir: dir, daxLabel: label))
        writer.workflowState(wf, .started, timestamp: clock, restartCount: 0)
        jobIDs = writer.insertJobs(wf, jobs.map { JobRow(execJobID: $0.0, submitFile: "\($0.0).sub", typeDesc: .compute, maxRetries: $0.2,
                                                          executable: "/bin/\($0.0)", argv: "--job \($0.0)", taskCount: 1) })
        writer.insertJobEdges(wf, jobs.flatMap { j in j.1.map { Edge(parent: $0, child: j.0) } })
        _ = writer.insertTasks(wf, jobs.map { TaskRow(absTaskID: $0.0, jobID: jobIDs[$0.0], transformation: "tr_\($0.0)", argv: "--job \($0.0)") })
        host = writer.host(wf, site: "local", hostname: "node1", ip: "127.0.0.1", uname: "linux", totalMemory: nil)
    }

    /// A plan as the planner writes it: each job with an input `<id>.in` and output `<id>.out`.
    static func plan(label: String, wfUUID: String, dir: String, jobs: [(String, [Int], Int)]) -> ExecutablePlan {
        ExecutablePlan(
            label: label, wfUUID: wfUUID, workflowFile: dir + "/workflow.yml", runDirectory: dir, scratchDirectory: dir + "/scratch",
            outputDirectory: dir + "/output", createdAt: 1_700_000_000, plannerArguments: [],
            jobs: jobs.map { id, parents, retries in
                ExecutableJob(id: id, kind: .compute, transformation: "tr_\(id)", site: "local", executable: "/bin/\(id)", arguments: ["--job", id],
                              environment: [:], workingDirectory: dir + "/scratch", retries: retries, parents: parents,
                              inputLinks: [InputLink(lfn: "\(id).in", source: "/data/\(id).in")], outputs: ["\(id).out"])
            })
    }

    /// Starts an attempt (SUBMIT, EXECUTE); returns its instance id.
    @discardableResult
    func start(_ job: String) -> JobInstanceID {
        let ji = writer.beginInstance(InstanceStart(jobID: jobIDs[job]!, site: "local", user: "tester", workDir: dir + "/scratch",
                                                    stdoutFile: "jobs/000/\(job).out.000", stderrFile: "jobs/000/\(job).stderr.000"))
        writer.jobState(ji, .submit, timestamp: clock)
        writer.jobState(ji, .execute, timestamp: clock)
        return ji
    }

    /// Ends an attempt as the engine does: states, invocation, result. `exit` is a regular exit code.
    func finish(_ job: String, _ ji: JobInstanceID, exit: Int, reason: String? = nil, stdout: String = "", stderr: String = "") {
        clock += 2
        let ok = exit == 0
        writer.jobState(ji, .jobTerminated, timestamp: clock)
        writer.jobState(ji, ok ? .jobSuccess : .jobFailure, timestamp: clock, reason: ok ? nil : reason ?? "exit code \(exit)")
        writer.jobState(ji, .postScriptStarted, timestamp: clock)
        writer.jobState(ji, .postScriptTerminated, timestamp: clock)
        writer.jobState(ji, ok ? .postScriptSuccess : .postScriptFailed, timestamp: clock, reason: ok ? nil : reason ?? "exit code \(exit)")
        _ = writer.insertInvocation(InvocationRow(instanceID: ji, taskSubmitSeq: 1, startTime: clock - 2, remoteDuration: 2, remoteCPUTime: 1,
                                                  exitcode: exit << 8, transformation: "tr_\(job)", executable: "/bin/\(job)",
                                                  argv: "--job \(job)", absTaskID: job, maxrss: 2048, avgCPU: 0.5))
        writer.finishInstance(ji, InstanceFinish(exitcode: ok ? 0 : exit << 8, localDuration: 2, hostID: host,
                                                 taskOutputs: [TaskOutput(taskSeq: 1, stdout: stdout, stderr: stderr)], stderrText: stderr))
    }

    func run(_ job: String, exit: Int = 0, stderr: String = "") {
        let ji = start(job)
        finish(job, ji, exit: exit, stderr: stderr)
    }

    func end(status: Int, reason: String) throws {
        clock += 1
        writer.workflowState(wf, .terminated, timestamp: clock, restartCount: 0, status: status, reason: reason)
        try writer.flush()
    }

    func flush() throws { try writer.flush() }
    func close() throws { try writer.close() }
}

/// Holds `engine.lock` like a live engine (an flock from this process).
final class FakeEngine {
    let fd: Int32
    init(runDirectory: String) {
        fd = open(runDirectory + "/engine.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        _ = "\(getpid())\n".withCString { write(fd, $0, strlen($0)) }
        flock(fd, LOCK_EX | LOCK_NB)
    }
    func stop() { close(fd) }
}
