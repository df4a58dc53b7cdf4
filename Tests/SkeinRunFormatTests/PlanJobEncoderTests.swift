import Foundation
import XCTest
@testable import SkeinRunFormat

/// `PlanJobEncoder` writes exactly what `JSONEncoder` with sorted keys writes, so plan.json's
/// bytes do not depend on which of the two wrote a job.
final class PlanJobEncoderTests: XCTestCase {
    /// Text with every character JSONEncoder escapes, and some it does not.
    static let awkward = "a \"quoted\" \\ back/slash\n\ttab\r\u{8}\u{c}\u{1}\u{1f}\u{7f} é ✓ 🎉 </end>"

    static func fullJob() -> ExecutableJob {
        var job = ExecutableJob(
            id: "ID/1 " + awkward, kind: .compute, transformation: "ns::t:1.0", site: "local", executor: "slurm", executable: "/bin/echo",
            arguments: ["-x", awkward, ""], environment: ["PATH": "/usr/bin:/bin", "Zed": "1", "alpha": awkward, "B_2": "", "b_10": "x"],
            workingDirectory: "/scratch/run", stdin: "in.txt", stdout: "out.txt", stderr: "err/\(awkward)", retries: 12, maxWalltime: 5400.5,
            priority: -20, category: "big", abortOnExitCode: -3, abortReturnValue: 255, successMessage: "ok", failureMessage: "bad \"x\"",
            parents: [0, 9, 10, 123_456_789], inputLinks: [InputLink(lfn: "f.txt", source: "/data/f.txt")], outputs: ["o1", awkward],
            hooks: [PlannedHook(on: "error", command: "echo \(awkward)")], profiles: ["dagman.RETRY": "3", "env.PATH": "/bin", "pegasus.cores": "1"],
            metadata: ["k": awkward])
        job.inputs = ["f.txt", "in.txt"]
        job.tasks = [ExecutableTask(id: "t1", transformation: "x", executable: "/bin/true", arguments: ["a"], metadata: ["m": "1"], stdout: "so", outputs: ["o"])]
        job.transfers = [PlannedTransfer(lfn: "f", source: "https://h/f", destination: "/s/f", sha256: "ab", link: true, executable: true)]
        job.removals = ["/s/a", "/s/b"]
        job.registrations = [PlannedRegistration(lfn: "f", pfn: "file:///o/f", site: "local", catalog: "/r/x.db", metadata: ["size": "3"])]
        var container = PlannedContainer(name: "c", type: "docker", runtime: "podman", runtimePath: "/usr/bin/podman", image: "img:1", mounts: ["/a:/a"])
        container.gpus = true
        container.arguments = ["--rm"]
        job.container = container
        job.inputChecksums = ["f.txt": "00ff", "a": "11"]
        job.sandbox = JobSandbox(root: "/s", inputs: [SandboxFile(lfn: "f.txt", path: "/s/f.txt")], outputs: [SandboxFile(lfn: "o1", path: "sftp://h/s/o1")])
        job.subworkflow = PlannedSubworkflow(
            type: "pegasus", file: "sub.yml", resolvedFile: "/w/sub.yml", arguments: ["--force"], sitesToRun: ["local"], outputSite: nil,
            directory: "/r/sub", parentScratch: "/s", parentWorkflowDirectory: "/w", inputs: ["i"], outputs: ["o"])
        return job
    }

    func encodedByJSONEncoder(_ job: ExecutableJob) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(job))
    }

    func encodedHere(_ job: ExecutableJob) throws -> [UInt8] {
        var out: [UInt8] = []
        var encoder = PlanJobEncoder()
        try encoder.append(job, to: &out)
        return out
    }

    func testEveryFieldSetIsWrittenAsJSONEncoderWritesIt() throws {
        let job = Self.fullJob()
        XCTAssertEqual(String(decoding: try encodedHere(job), as: UTF8.self), String(decoding: try encodedByJSONEncoder(job), as: UTF8.self))
    }

    func testAJobWithOnlyWhatEveryJobHasIsWrittenAsJSONEncoderWritesIt() throws {
        let job = ExecutableJob(id: "create_dir", kind: .createDir, transformation: "pegasus::dirmanager", site: "local", executable: "",
                                arguments: [], environment: [:], workingDirectory: "/s", parents: [])
        XCTAssertEqual(try encodedHere(job), try encodedByJSONEncoder(job))
    }

    func testMapsSharedBetweenJobsAreWrittenTheSameEachTime() throws {
        var encoder = PlanJobEncoder()
        var out: [UInt8] = []
        var jobs: [ExecutableJob] = []
        let shared = ["PATH": "/bin", "HOME": "/root"]
        for n in 0..<20 {
            var job = Self.fullJob()
            job.environment = n % 2 == 0 ? shared : ["N": "\(n)"]
            jobs.append(job)
        }
        for job in jobs { try encoder.append(job, to: &out) }
        XCTAssertEqual(out, try jobs.flatMap(encodedByJSONEncoder))
    }

    /// Paths in a job's (long) folder are written as its folder's bytes, escaped once, and
    /// the rest: with escapes in the folder and the names, a path that only starts like the
    /// folder, the folder itself, jobs alternating between more folders than are remembered.
    func testPathsInLongFoldersAreWrittenAsJSONEncoderWritesThem() throws {
        var encoder = PlanJobEncoder()
        var out: [UInt8] = []
        var jobs: [ExecutableJob] = []
        let folders = (0..<11).map { "/scratch/run \"\($0)\"/\\wf\t" + String(repeating: "d", count: $0) }
        for n in 0..<60 {
            let folder = folders[n * 7 % folders.count]
            var job = ExecutableJob(id: "j\(n)", kind: .compute, transformation: "ns::t:1.0", site: "local", executable: folder + "/bin/x",
                                    arguments: [], environment: [:], workingDirectory: folder, parents: [n])
            job.removals = [folder + "/a.txt", folder + "x/not-inside", folder, folder + "/", "/elsewhere/\(Self.awkward)", folder + "/sub/" + Self.awkward]
            job.sandbox = JobSandbox(root: folder, inputs: [SandboxFile(lfn: "in \(n)", path: folder + "/in \(n)")],
                                     outputs: [SandboxFile(lfn: "o", path: folder + "/o/\(Self.awkward)"), SandboxFile(lfn: "p", path: "/x/p")])
            job.transfers = [PlannedTransfer(lfn: "f", source: "file://" + folder + "/f", destination: folder + "/f", link: n % 2 == 0),
                             PlannedTransfer(lfn: "g", source: folder + "/g", destination: "/d/g", sha256: "ab", executable: n % 3 == 0)]
            jobs.append(job)
        }
        for job in jobs { try encoder.append(job, to: &out) }
        XCTAssertEqual(String(decoding: out, as: UTF8.self), String(decoding: try jobs.flatMap(encodedByJSONEncoder), as: UTF8.self))
        // And with the parents given apart from the job.
        var apart: [UInt8] = []
        try encoder.append(jobs[0], parents: [7, 8], to: &apart)
        var moved = jobs[0]
        moved.parents = [7, 8]
        XCTAssertEqual(apart, try encodedByJSONEncoder(moved))
    }

    /// A job that holds its sandbox's and removals' paths as names in its folder
    /// (`PathsInFolder`) is written as the job with them whole: long and short folders, one
    /// ending with a slash, names with escapes, a sandbox file with a path of its own.
    func testPathsHeldAsNamesAreWrittenAsTheWholePaths() throws {
        var encoder = PlanJobEncoder()
        for folder in ["/scratch/run \"1\"/\\wf\tlong folder", "/s", "/scratch/with/slash/", "/t/"] {
            var job = ExecutableJob(id: "j", kind: .compute, transformation: "ns::t:1.0", site: "local", executable: "/bin/x",
                                    arguments: [], environment: [:], workingDirectory: folder, parents: [])
            job.removals = ["a.txt", Self.awkward]
            job.sandbox = JobSandbox(root: folder, inputs: [SandboxFile(lfn: "in " + Self.awkward, path: ""), SandboxFile(lfn: "r", path: "https://h/r")],
                                     outputs: [SandboxFile(lfn: "o.fits", path: "")])
            let whole = job.wholePaths([.sandbox, .removals])
            XCTAssertEqual(whole.removals, [PathsInFolder.path(folder, "a.txt"), PathsInFolder.path(folder, Self.awkward)])
            XCTAssertEqual(whole.sandbox?.inputs.map(\.path), [PathsInFolder.path(folder, "in " + Self.awkward), "https://h/r"])
            XCTAssertEqual(whole.sandbox?.outputs.map(\.path), [PathsInFolder.path(folder, "o.fits")])
            var out: [UInt8] = []
            try withUnsafePointer(to: job) { try encoder.append(at: $0, parents: [], held: [.sandbox, .removals], to: &out) }
            XCTAssertEqual(String(decoding: out, as: UTF8.self), String(decoding: try encodedByJSONEncoder(whole), as: UTF8.self), folder)
            // Only what is said to be held is joined.
            var sandboxOnly: [UInt8] = []
            var wholeRemovals = job
            wholeRemovals.removals = whole.removals
            try withUnsafePointer(to: wholeRemovals) { try encoder.append(at: $0, parents: [], held: .sandbox, to: &sandboxOnly) }
            XCTAssertEqual(sandboxOnly, try encodedByJSONEncoder(whole), folder)
        }
        XCTAssertEqual(PathsInFolder.path("/a", "b"), "/a/b")
        XCTAssertEqual(PathsInFolder.path("/a/", "b"), "/a/b")
    }

    /// A field added to `ExecutableJob` must be written here too: this fails until it is.
    func testTheKeysAreEveryStoredPropertyInJSONEncodersOrder() {
        // A `@Boxed` field's storage is named `_field`.
        let fields = Mirror(reflecting: Self.fullJob()).children.compactMap(\.label).map { $0.hasPrefix("_") ? String($0.dropFirst()) : $0 }
        XCTAssertEqual(Set(fields), Set(PlanJobEncoder.keys))
        XCTAssertEqual(PlanJobEncoder.keys, PlanJobEncoder.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    func testAPlanFileIsTheBytesOfOneJSONEncoderPass() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skein-planenc-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var jobs: [ExecutableJob] = []
        for n in 0..<3_000 {
            var job = Self.fullJob()
            job.id = "ID\(n)"
            job.parents = n > 0 ? [n - 1] : []
            if n % 3 == 0 { job.sandbox = nil; job.container = nil; job.maxWalltime = nil; job.stdin = nil }
            jobs.append(job)
        }
        var plan = ExecutablePlan(label: "t", wfUUID: "u", workflowFile: "/w.yml", runDirectory: dir, scratchDirectory: dir + "/s",
                                  outputDirectory: dir + "/o", createdAt: 1_700_000_000.25, plannerArguments: ["plan", "w.yml"], jobs: jobs)
        plan.siteScratch = ["local": dir + "/s"]
        plan.transferThreads = 4
        let path = dir + "/plan.json"
        try PlanFileWriter.write(plan, to: path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), try encoder.encode(plan))
    }
}
