import Foundation
import XCTest
@testable import SkeinRunFormat

/// A resumed engine reads the jobs its checkpoint says succeeded as skeletons (issue 15): the
/// fields an engine needs of a job it never runs are the full job's, the others are not read,
/// and a plan with skeletons is never written back.
final class PlanSkeletonTests: XCTestCase {
    let jobs: [ExecutableJob] = {
        func job(_ id: String, parents: [Int]) -> ExecutableJob {
            ExecutableJob(id: id, kind: .compute, transformation: "t", site: "local", executable: "/bin/sh", arguments: ["-c", "echo \"}]\""],
                          environment: ["K": "{["], workingDirectory: "/scratch/a b", parents: parents)
        }
        var sandboxed = job("sandboxed", parents: [0])
        sandboxed.sandbox = JobSandbox(root: "/s", inputs: [SandboxFile(lfn: "f.in", path: "/p/f.in")], outputs: [SandboxFile(lfn: "f.a", path: "/p/f.a")])
        sandboxed.executor = "slurm"
        sandboxed.maxWalltime = 90.5
        sandboxed.stdin = "in.txt"
        var clustered = job("merge_1", parents: [0, 1])
        clustered.tasks = [ExecutableTask(id: "t1", transformation: "t", executable: "/bin/true", arguments: [], metadata: [:])]
        var contained = job("contained", parents: [2])
        contained.container = PlannedContainer(name: "c", type: "docker", runtime: "docker", runtimePath: "/usr/bin/docker", image: "alpine", mounts: [])
        var auxiliary = job("create_dir", parents: [])
        auxiliary.kind = .createDir
        return [auxiliary, sandboxed, clustered, contained, job("ID0000001", parents: [0, 3]), job("last", parents: [4])]
    }()

    func plan() -> ExecutablePlan {
        ExecutablePlan(label: "l", wfUUID: "u", workflowFile: "/w.yml", runDirectory: "/r", scratchDirectory: "/s", outputDirectory: "/o",
                       createdAt: 1.5, plannerArguments: ["plan"], jobs: jobs)
    }

    func encoded(pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys]
        return try encoder.encode(plan())
    }

    /// A plan not in the shape `skein plan` writes (here pretty-printed) is read whole.
    func testAPlanOfAnotherShapeIsReadInFull() throws {
        let read = try PlanReader.read(try encoded(pretty: true), skeletons: IndexSet(integersIn: 0..<jobs.count))
        XCTAssertNil(read.skeletonJobs)
        XCTAssertEqual(read.jobs, jobs)
    }

    func testSkeletonsKeepWhatAnEngineNeedsOfJobsItNeverRuns() throws {
        do {
            let data = try encoded()
            let all = IndexSet(integersIn: 0..<jobs.count)
            let read = try PlanReader.read(data, skeletons: all)
            XCTAssertEqual(read.skeletonJobs, all, "every job is a skeleton")
            XCTAssertEqual(read.jobs.count, jobs.count)
            for (skeleton, job) in zip(read.jobs, jobs) {
                XCTAssertEqual(skeleton.id, job.id)
                XCTAssertEqual(skeleton.kind, job.kind)
                XCTAssertEqual(skeleton.executor, job.executor)
                XCTAssertEqual(skeleton.parents, job.parents)
                XCTAssertEqual(skeleton.sandbox?.root, job.sandbox?.root, "the sandbox root, for leftover spares")
                XCTAssertEqual(skeleton.executable, "", "the rest is not read")
            }
        }
    }

    func testOnlyTheNamedJobsAreSkeletonsAndTheHeaderIsWhole() throws {
        let data = try encoded()
        let read = try PlanReader.read(data, skeletons: IndexSet([1, 3]))
        let full = try PlanReader.read(data)
        XCTAssertNil(full.skeletonJobs)
        XCTAssertEqual(read.skeletonJobs, IndexSet([1, 3]))
        for i in [0, 2, 4, 5] { XCTAssertEqual(read.jobs[i], full.jobs[i]) }
        var header = read
        header.jobs = full.jobs
        header.skeletonJobs = nil
        XCTAssertEqual(header, full)
    }

    func testAPlanWithSkeletonsIsNeverWritten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("skeleton-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var plan = try PlanReader.read(try encoded(), skeletons: IndexSet([0]))
        XCTAssertThrowsError(try PlanFileWriter.write(plan, to: folder.appendingPathComponent("plan.json").path))
        plan.skeletonJobs = nil
        XCTAssertNoThrow(try PlanFileWriter.write(plan, to: folder.appendingPathComponent("plan.json").path))
    }

    /// `readPlanForResume` takes the skeletons from the journal's checkpoint, and reads every
    /// job when the checkpoint is of another plan or damaged.
    func testTheCheckpointNamesTheSkeletons() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("skeleton-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = RunDirectory(path: folder.path)
        try run.write(plan())
        XCTAssertNil(try run.readPlanForResume().skeletonJobs, "no checkpoint: every job in full")
        let checkpointFile = JournalCheckpoint.path(forJournal: run.layout.journal)
        var checkpoint = JournalCheckpoint(jobCount: jobs.count)
        checkpoint.succeeded = IndexSet([0, 2, 3])
        XCTAssertNil(checkpoint.write(to: checkpointFile))
        let resumed = try run.readPlanForResume()
        XCTAssertEqual(resumed.skeletonJobs, IndexSet([0, 2, 3]))
        XCTAssertEqual(resumed.jobs.map { $0.id }, jobs.map { $0.id })
        checkpoint.jobCount = jobs.count + 1
        XCTAssertNil(checkpoint.write(to: checkpointFile))
        XCTAssertNil(try run.readPlanForResume().skeletonJobs, "a checkpoint of another plan: every job in full")
        try Data("damaged".utf8).write(to: URL(fileURLWithPath: checkpointFile))
        XCTAssertNil(try run.readPlanForResume().skeletonJobs, "a damaged checkpoint: every job in full (the engine says what is wrong)")
    }

    func testValuesItSkipsMayHoldAnyJSON() throws {
        let text = #"{"arguments":["a\"]}",{"x":[1,2]}],"environment":{"K":"{[\\"},"id":"x","kind":"compute","maxWalltime":1.5e3,"parents":[4, 5],"stdin":null,"tasks":[{"a":[true,false,null]}]}"#
        let data = Data(text.utf8)
        let skeleton = data.withUnsafeBytes { PlanJobDecoder.skeleton($0.bindMemory(to: UInt8.self), from: 0, limit: data.count) }
        XCTAssertEqual(skeleton?.job.id, "x")
        XCTAssertEqual(skeleton?.job.parents, [4, 5])
        XCTAssertEqual(skeleton?.next, data.count)
        for broken in [#"{"id":"x","kind":"compute"}"#, #"{"id":"x","kind":"compute","parents":[],"arguments":["a"#, #"{"id":"x","surprise":1,"kind":"compute","parents":[]}"#] {
            let data = Data(broken.utf8)
            XCTAssertNil(data.withUnsafeBytes { PlanJobDecoder.skeleton($0.bindMemory(to: UInt8.self), from: 0, limit: data.count) }, broken)
        }
    }
}
