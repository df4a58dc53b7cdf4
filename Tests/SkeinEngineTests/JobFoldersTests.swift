#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinRunFormat
import XCTest
@testable import SkeinEngine

/// The folders a job runs in: create_dir's private scratch (never `mkdir -p` with the umask,
/// never a folder someone else made) and a sandboxed job's folder of its own, on real files.
final class JobFoldersTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-folders-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        chmod(scratch.path, 0o700)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0, path)
        return info.st_mode & 0o777
    }

    func createDir(_ folder: String, also: [String] = []) -> (AttemptEnd, String) {
        let job = ExecutableJob(id: "create_dir_w_0_local", kind: .createDir, transformation: "pegasus::dirmanager", site: "local", executor: "directories",
                                executable: "", arguments: also, environment: [:], workingDirectory: folder, parents: [])
        let out = scratch.appendingPathComponent("cd.out").path
        let spec = LaunchSpec(executable: "", arguments: [], environment: [], workingDirectory: folder, stdin: nil, stdout: out,
                              stderr: scratch.appendingPathComponent("cd.err").path)
        let done = DispatchSemaphore(value: 0)
        let result = Box()
        _ = DirectoryJobExecutor().start(AttemptLaunch(job: 0, attempt: 0, planned: job, spec: spec, recordFile: "", workflowLabel: "w"), progress: { _ in }) {
            result.end = $0
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success)
        return (result.end!, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
    }

    final class Box: @unchecked Sendable { var end: AttemptEnd? }

    func succeeded(_ end: AttemptEnd) -> Bool {
        if case .completed(let ok, _, _, _, _) = end.termination { return ok }
        return false
    }

    func testCreateDirAcceptsThePrivateScratchPlanningMade() throws {
        let folder = scratch.appendingPathComponent("s/w/uuid").path
        XCTAssertTrue(try PrivateDirectory.create(folder, exclusive: true))
        let output = scratch.appendingPathComponent("out/store").path
        let (end, log) = createDir(folder, also: [output])
        XCTAssertTrue(succeeded(end), "\(end.reason ?? "")")
        XCTAssertTrue(log.contains("ready (private)"), log)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output), "the output folder is made too")
    }

    func testADeletedScratchIsMadeAgainPrivateWhateverTheUmask() throws {
        let folder = scratch.appendingPathComponent("s/w/uuid").path
        let old = umask(0o002)
        defer { umask(old) }
        let (end, log) = createDir(folder)
        XCTAssertTrue(succeeded(end), "\(end.reason ?? "")")
        XCTAssertEqual(mode(folder), 0o700, "not the umask's 0775")
        XCTAssertTrue(log.contains("was gone, made again"), log)
    }

    func testAScratchOpenToOthersOrALinkIsRefusedNotUsed() throws {
        let open = scratch.appendingPathComponent("open").path
        mkdir(open, 0o755)
        chmod(open, 0o775)
        let (end, _) = createDir(open)
        XCTAssertFalse(succeeded(end))
        XCTAssertTrue(end.reason?.contains("is open to other users (mode 775)") == true, end.reason ?? "")

        let target = scratch.appendingPathComponent("elsewhere").path
        mkdir(target, 0o700)
        let link = scratch.appendingPathComponent("link").path
        symlink(target, link)
        let (linked, _) = createDir(link)
        XCTAssertFalse(succeeded(linked))
        XCTAssertTrue(linked.reason?.contains("is not a folder") == true, linked.reason ?? "")
    }

    func testASandboxBringsInputsInAsLinksAndTakesOutputsBack() throws {
        let staging = scratch.appendingPathComponent("staging").path
        mkdir(staging, 0o700)
        try "in\n".write(toFile: staging + "/in.txt", atomically: true, encoding: .utf8)
        let sandbox = JobSandbox(root: staging, inputs: [SandboxFile(lfn: "in.txt", path: staging + "/in.txt")],
                                 outputs: [SandboxFile(lfn: "out.txt", path: staging + "/out.txt"), SandboxFile(lfn: "never.txt", path: staging + "/never.txt")])
        let folder = try SandboxFolder.make(sandbox, jobID: "job1").get()
        XCTAssertTrue(folder.hasPrefix(staging + "/job1.sandbox-"), folder)
        XCTAssertEqual(mode(folder), 0o700)
        var a = stat(), b = stat()
        XCTAssertEqual(stat(folder + "/in.txt", &a), 0)
        XCTAssertEqual(stat(staging + "/in.txt", &b), 0)
        XCTAssertEqual(a.st_ino, b.st_ino, "a hard link on one filesystem, not a copy")
        try "out\n".write(toFile: folder + "/out.txt", atomically: true, encoding: .utf8)
        try "scratch\n".write(toFile: folder + "/undeclared.txt", atomically: true, encoding: .utf8)
        XCTAssertNil(SandboxFolder.takeBack(sandbox, from: folder))
        SandboxFolder.remove(folder)
        XCTAssertEqual(try String(contentsOfFile: staging + "/out.txt", encoding: .utf8), "out\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder))
        XCTAssertFalse(FileManager.default.fileExists(atPath: staging + "/undeclared.txt"), "only declared outputs come back")
    }

    /// An engine killed mid-job leaves the attempt's sandbox: the next attempt of that job
    /// removes it (and only that job's), so a resumed run leaves none behind.
    func testALaterAttemptRemovesTheSandboxAnEarlierOneLeft() throws {
        let staging = scratch.appendingPathComponent("staging").path
        mkdir(staging, 0o700)
        let sandbox = JobSandbox(root: staging, inputs: [], outputs: [])
        let left = try SandboxFolder.make(sandbox, jobID: "job1").get()
        try "partial\n".write(toFile: left + "/half.txt", atomically: true, encoding: .utf8)
        let other = try SandboxFolder.make(sandbox, jobID: "job10").get()
        let again = try SandboxFolder.make(sandbox, jobID: "job1", attempt: 1).get()
        XCTAssertFalse(FileManager.default.fileExists(atPath: left), "the killed attempt's folder is gone")
        XCTAssertTrue(FileManager.default.fileExists(atPath: other), "another job's folder is not touched")
        XCTAssertTrue(FileManager.default.fileExists(atPath: again))
    }

    /// A run reuses an emptied sandbox for the next job instead of a new directory per job;
    /// only an empty private folder is kept, it takes the next job's name, and the run's end
    /// leaves none behind.
    func testAnEmptiedSandboxIsReusedPrivateAndEmptyAndNoneIsLeftAtTheEnd() throws {
        let staging = scratch.appendingPathComponent("staging").path
        mkdir(staging, 0o700)
        try "in\n".write(toFile: staging + "/in.txt", atomically: true, encoding: .utf8)
        let sandbox = JobSandbox(root: staging, inputs: [SandboxFile(lfn: "in.txt", path: staging + "/in.txt")],
                                 outputs: [SandboxFile(lfn: "out.txt", path: staging + "/out.txt")])
        let spares = SandboxSpares()
        let first = try SandboxFolder.make(sandbox, jobID: "job1", spares: spares).get()
        var before = stat()
        XCTAssertEqual(stat(first, &before), 0)
        try "out\n".write(toFile: first + "/out.txt", atomically: true, encoding: .utf8)
        XCTAssertNil(SandboxFolder.takeBack(sandbox, from: first))
        SandboxFolder.remove(first, known: ["in.txt", "out.txt"], keepingIn: spares)
        XCTAssertFalse(FileManager.default.fileExists(atPath: first))

        let second = try SandboxFolder.make(sandbox, jobID: "job2", spares: spares).get()
        var after = stat()
        XCTAssertEqual(stat(second, &after), 0)
        XCTAssertEqual(after.st_ino, before.st_ino, "the emptied folder is reused")
        XCTAssertTrue(second.hasPrefix(staging + "/job2.sandbox-"), second)
        XCTAssertEqual(mode(second), 0o700)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: second), ["in.txt"], "only the new job's input is in it")

        // A folder the job left more in is removed, not kept.
        try "left\n".write(toFile: second + "/undeclared.txt", atomically: true, encoding: .utf8)
        SandboxFolder.remove(second, known: ["in.txt"], keepingIn: spares)
        XCTAssertFalse(FileManager.default.fileExists(atPath: second))
        let third = try SandboxFolder.make(sandbox, jobID: "job3", spares: spares).get()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: third), ["in.txt"])
        SandboxFolder.remove(third, known: ["in.txt"], keepingIn: spares)
        spares.removeAll()
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: staging)), ["in.txt", "out.txt"], "no spare left at the end")

        // A killed engine's spares are removed when the run resumes; nothing else is.
        mkdir(staging + "/.spare.sandbox-AbC123", 0o700)
        mkdir(staging + "/job4.sandbox-AbC123", 0o700)
        SandboxSpares.removeLeftovers(roots: [staging])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: staging)), ["in.txt", "out.txt", "job4.sandbox-AbC123"])
    }

    func testASandboxWhoseInputIsMissingSaysWhichAndLeavesNothing() throws {
        let staging = scratch.appendingPathComponent("staging").path
        mkdir(staging, 0o700)
        let sandbox = JobSandbox(root: staging, inputs: [SandboxFile(lfn: "gone.txt", path: staging + "/gone.txt")], outputs: [])
        guard case .failure(let error) = SandboxFolder.make(sandbox, jobID: "job1") else { return XCTFail("made without its input") }
        XCTAssertTrue(error.description.hasPrefix("input gone.txt: \(staging)/gone.txt: No such file"), error.description)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: staging), [])
    }
}
