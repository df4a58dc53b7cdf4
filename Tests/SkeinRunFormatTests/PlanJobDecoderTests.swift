import Foundation
import XCTest
@testable import SkeinRunFormat

/// The plan's fast job reader gives the job JSONDecoder gives, or leaves the job to it.
final class PlanJobDecoderTests: XCTestCase {
    func job(_ id: String) -> ExecutableJob {
        ExecutableJob(id: id, kind: .compute, transformation: "ns::t:1.0", site: "local", executable: "/bin/sh", arguments: ["-c", "echo \"hi\" \\ there"],
                      environment: ["PATH": "/usr/bin", "É": "ünïcode 😀 \u{1}"], workingDirectory: "/scratch/a b", parents: [0, 2])
    }

    /// Jobs of every shape the fast reader takes, and shapes it leaves to JSONDecoder.
    func jobs() -> [ExecutableJob] {
        var plain = job("plain")
        plain.parents = []
        var full = job("full")
        full.executor = "slurm"
        full.stdin = "in.txt"
        full.stdout = "out/\"quoted\".txt"
        full.stderr = nil
        full.retries = 3
        full.maxWalltime = 90.5
        full.priority = -7
        full.category = "big"
        full.abortOnExitCode = 3
        full.abortReturnValue = -1
        full.successMessage = "done\n"
        full.failureMessage = "tab\there"
        full.outputs = ["f.a", "f.b"]
        full.inputs = ["f.in"]
        full.profiles = ["dagman.RETRY": "3", "env.X": "y"]
        full.metadata = ["k": "v"]
        full.inputChecksums = ["f.in": "abc"]
        full.removals = ["/tmp/x"]
        full.sandbox = JobSandbox(root: "/s", inputs: [SandboxFile(lfn: "f.in", path: "/p/f.in")], outputs: [SandboxFile(lfn: "f.a", path: "/p/f.a")])
        var whole = job("whole-walltime")
        whole.maxWalltime = 60
        var clustered = job("merge_1")
        clustered.tasks = [ExecutableTask(id: "t1", transformation: "t", executable: "/bin/true", arguments: [], metadata: [:])]
        var contained = job("contained")
        contained.container = PlannedContainer(name: "c", type: "docker", runtime: "docker", runtimePath: "/usr/bin/docker", image: "alpine", mounts: [])
        return [plain, full, whole, clustered, contained, job("ID0000001")]
    }

    func testTheFastReaderGivesWhatJSONDecoderGives() throws {
        for escapingSlashes in [true, false] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            for job in jobs() {
                let data = try encoder.encode(job)
                let expected = try JSONDecoder().decode(ExecutableJob.self, from: data)
                XCTAssertEqual(expected, job)
                let fast = data.withUnsafeBytes { raw in PlanJobDecoder.decode(raw.bindMemory(to: UInt8.self), 0...(data.count - 1)) }
                if job.tasks.isEmpty && job.container == nil {
                    XCTAssertEqual(fast, expected, "\(job.id), escaping slashes: \(escapingSlashes)")
                } else {
                    XCTAssertNil(fast, "\(job.id) is left to JSONDecoder")
                }
            }
        }
    }

    func testWhatItDoesNotKnowIsLeftToJSONDecoder() throws {
        for text in [#"{"id":"a"}"#, #"{"id":"a","surprise":1}"#, #"{"id":1}"#, #"{"id":"a","#, #"{"id":"\ud800"}"#] {
            let data = Data(text.utf8)
            XCTAssertNil(data.withUnsafeBytes { PlanJobDecoder.decode($0.bindMemory(to: UInt8.self), 0...(data.count - 1)) }, text)
        }
    }

    /// A whole plan read through PlanReader equals the plan JSONDecoder reads.
    func testAPlanReadsAsJSONDecoderReadsIt() throws {
        let plan = ExecutablePlan(label: "l", wfUUID: "u", workflowFile: "/w.yml", runDirectory: "/r", scratchDirectory: "/s", outputDirectory: "/o",
                                  createdAt: 1.5, plannerArguments: ["plan"], jobs: jobs())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(plan)
        XCTAssertEqual(try PlanReader.read(data), try JSONDecoder().decode(ExecutablePlan.self, from: data))
    }
}
