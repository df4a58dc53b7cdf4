import Foundation
import SkeinRunFormat
@testable import SkeinProvenance

/// A small three-job run written through `StampedeWriter` the way the engine will write one:
/// create_dir -> preprocess (fails once, then succeeds) -> analyze (succeeds, or fails on both
/// of its two attempts). Used by the round-trip test and the Pegasus tools test.
struct SampleRun {
    static let t0 = 1_700_000_000.0
    static let analyzeStderr = "analyze: cannot open input file 'f.b': No such file or directory\n"

    let dir: String
    let failed: Bool
    let wfUUID = UUID().uuidString.lowercased()
    var dbPath: String { dir + "/sample-0.stampede.db" }

    /// Writes the database, braindump.yml and monitord files into `dir`.
    @discardableResult
    func write(batchSize: Int = 500) throws -> (wfID: WorkflowID, jobs: [String: JobID]) {
        let w = try StampedeWriter(path: dbPath, batchSize: batchSize)
        let t0 = Self.t0
        let wf = w.insertWorkflow(WorkflowRow(
            wfUUID: wfUUID, dagFileName: "sample-0.dag", timestamp: t0 - 5, submitHostname: "node1",
            submitDir: dir, plannerArguments: "skein plan workflow.yml", user: "tester",
            plannerVersion: "5.0.5", daxLabel: "sample", daxVersion: "5.0.4", daxFile: dir + "/workflow.yml"))
        w.workflowMeta(wf, key: "wf.api", value: "python")
        w.workflowState(wf, .started, timestamp: t0, restartCount: 0)
        let jobs = w.insertJobs(wf, [
            JobRow(execJobID: "create_dir_sample_0_local", submitFile: "00/00/create_dir_sample_0_local.sub",
                   typeDesc: .createDir, maxRetries: 1, executable: "/usr/bin/mkdir", argv: "-p scratch"),
            JobRow(execJobID: "preprocess_ID0000001", submitFile: "00/00/preprocess_ID0000001.sub",
                   typeDesc: .compute, maxRetries: 2, executable: "/bin/preprocess", argv: "-i f.a -o f.b", taskCount: 1),
            JobRow(execJobID: "analyze_ID0000002", submitFile: "00/00/analyze_ID0000002.sub",
                   typeDesc: .compute, maxRetries: 1, executable: "/bin/analyze", argv: "-i f.b -o f.c", taskCount: 1),
        ])
        w.insertJobEdges(wf, [Edge(parent: "create_dir_sample_0_local", child: "preprocess_ID0000001"),
                              Edge(parent: "preprocess_ID0000001", child: "analyze_ID0000002")])
        let tasks = w.insertTasks(wf, [
            TaskRow(absTaskID: "ID0000001", jobID: jobs["preprocess_ID0000001"], transformation: "preprocess", argv: "-i f.a -o f.b"),
            TaskRow(absTaskID: "ID0000002", jobID: jobs["analyze_ID0000002"], transformation: "analyze", argv: "-i f.b -o f.c"),
        ])
        w.insertTaskEdges(wf, [Edge(parent: "ID0000001", child: "ID0000002")])
        w.taskMeta(tasks["ID0000001"]!, key: "owner", value: "tester")
        let host = w.host(wf, site: "local", hostname: "node1", ip: "127.0.0.1", uname: "linux-6.1-x86_64", totalMemory: 16_000_000)

        var clock = t0 + 1
        /// One attempt: SUBMIT, EXECUTE, JOB_TERMINATED, JOB_SUCCESS/FAILURE, invocation, result.
        func attempt(_ job: String, try n: Int, exit: Int, task: (id: String, xform: String)?, stderr: String = "") {
            let name = "00/00/\(job)"
            let ji = w.beginInstance(InstanceStart(jobID: jobs[job]!, site: "local", user: "tester", workDir: dir,
                                                   stdoutFile: "\(name).out.00\(n)", stderrFile: "\(name).err.00\(n)"))
            w.jobState(ji, .submit, timestamp: clock)
            w.jobState(ji, .execute, timestamp: clock + 1)
            w.jobState(ji, .jobTerminated, timestamp: clock + 3)
            w.jobState(ji, exit == 0 ? .jobSuccess : .jobFailure, timestamp: clock + 3)
            w.insertInvocation(InvocationRow(
                instanceID: ji, taskSubmitSeq: 1, startTime: clock + 1, remoteDuration: 2.0, remoteCPUTime: 1.5,
                exitcode: exit << 8, transformation: task?.xform ?? "pegasus::dirmanager",
                executable: task == nil ? "/usr/bin/mkdir" : "/bin/\(task!.xform)",
                argv: task == nil ? "-p scratch" : task!.id == "ID0000001" ? "-i f.a -o f.b" : "-i f.b -o f.c",
                absTaskID: task?.id, maxrss: 20_480, avgCPU: 0.75))
            let output = TaskOutput(taskSeq: 1, stdout: exit == 0 ? "\(job) done\n" : "", stderr: stderr)
            w.finishInstance(ji, exitcode: exit == 0 ? 0 : 256, localDuration: 3, hostID: host,
                             schedID: "\(1000 + n)", taskOutputs: [output])
            clock += 5
        }
        attempt("create_dir_sample_0_local", try: 0, exit: 0, task: nil)
        attempt("preprocess_ID0000001", try: 0, exit: 1, task: ("ID0000001", "preprocess"), stderr: "preprocess: transient error\n")
        attempt("preprocess_ID0000001", try: 1, exit: 0, task: ("ID0000001", "preprocess"))
        if failed {
            attempt("analyze_ID0000002", try: 0, exit: 2, task: ("ID0000002", "analyze"), stderr: Self.analyzeStderr)
            attempt("analyze_ID0000002", try: 1, exit: 2, task: ("ID0000002", "analyze"), stderr: Self.analyzeStderr)
        } else {
            attempt("analyze_ID0000002", try: 0, exit: 0, task: ("ID0000002", "analyze"))
        }
        w.workflowState(wf, .terminated, timestamp: clock, restartCount: 0, status: failed ? 1 : 0)
        try w.close()

        var brain = Braindump(wfUUID: wfUUID, submitDir: dir, dag: "sample-0.dag", properties: "skein.properties",
                              user: "tester", submitHostname: "node1", dax: dir + "/workflow.yml", daxLabel: "sample",
                              daxVersion: "5.0.4", pegasusWfName: "sample-0",
                              timestamp: PegasusSubmitFiles.isodate(t0 - 5, short: true), basedir: dir,
                              planner: "skein", plannerVersion: "5.0.5", plannerArguments: "skein plan workflow.yml")
        brain.rundir = "run0001"
        try PegasusSubmitFiles.writeBraindump(brain, to: dir)
        try PegasusSubmitFiles.writeMonitordStarted(submitDir: dir, timestamp: t0)
        try PegasusSubmitFiles.writeMonitordDone(submitDir: dir, start: t0, end: clock)
        return (wf, jobs)
    }
}
