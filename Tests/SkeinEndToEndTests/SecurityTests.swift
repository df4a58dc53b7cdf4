import Foundation
import XCTest
import SkeinTestSupport

/// Issue 13's security cases with the real binary: a second local user (made with `useradd`
/// when the tests run as root; skipped elsewhere, never under CI=true as root) plays the
/// other user of a shared machine.
final class SecurityTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]
    static let otherUser = "skeintestother"

    override func setUpWithError() throws {
        // World-writable and sticky, as /tmp and /scratch are: the other user may write here.
        scratch = URL(fileURLWithPath: "/tmp/skein-sec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path, "NO_COLOR": "1"]
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// The other user's uid, made on first use; a missing real part where that cannot be done.
    func otherUser() throws -> uid_t {
        if let entry = getpwnam(Self.otherUser) { return entry.pointee.pw_uid }
        guard geteuid() == 0 else { throw missingRealPart("a second local user needs root (useradd) to be created") }
        let made = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/sbin/useradd"), ["--no-create-home", "--shell", "/bin/sh", Self.otherUser])
        guard made.status == 0, let entry = getpwnam(Self.otherUser) else { throw missingRealPart("useradd failed: \(made.stderr)") }
        return entry.pointee.pw_uid
    }

    /// A shell command as the other user (`runuser`), in `/`.
    @discardableResult
    func shellAsOther(_ command: String) throws -> SkeinBinary.Output {
        _ = try otherUser()
        let out = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/sbin/runuser"), ["-u", Self.otherUser, "--", "/bin/sh", "-c", "cd / && " + command])
        XCTAssertEqual(out.status, 0, "as \(Self.otherUser): \(command): \(out.stderr)")
        return out
    }

    /// A folder any user may make things in, sticky, as /tmp and /scratch are.
    func sharedFolder(_ name: String = "shared") throws -> URL {
        let shared = scratch.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        chmod(scratch.path, 0o755)
        chmod(shared.path, 0o1777)
        return shared
    }

    /// `skein ARGS` as the other user.
    func runAsOther(_ arguments: [String]) throws -> SkeinBinary.Output {
        _ = try otherUser()
        let command = ([SkeinBinary.url.path] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        return try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/sbin/runuser"), ["-u", Self.otherUser, "--", "/bin/sh", "-c", "cd / && " + command],
                                          environment: ["SKEIN_STATE_DIR": "/tmp/skein-sec-other-state"])
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0, path)
        return info.st_mode & 0o7777
    }

    func write(_ text: String, _ name: String) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A one-job workflow with a shared scratch of `scratchPath`, stdout to `stdout`.
    func workflow(name: String = "sec", script: String, stdout: String? = nil, outputs: [String] = [], scratchPath: String = "scratch") throws -> String {
        var y = "pegasus: 5.0.4\nname: \(name)\njobs:\n- type: job\n  name: sh\n  id: j\n  arguments: ['-c', '\(script)']\n"
        if let stdout { y += "  stdout: \(stdout)\n" }
        y += "  uses: [" + outputs.map { "{lfn: \($0), type: output}" }.joined(separator: ", ") + "]\n"
        _ = try write("pegasus: 5.0.4\nsites:\n- name: local\n  directories:\n  - {type: sharedScratch, path: '\(scratchPath)', fileServers: [{url: 'file://x', operation: all}]}\n", "wf/sites.yml")
        _ = try write("pegasus: 5.0.4\ntransformations:\n- name: sh\n  sites: [{name: local, pfn: /bin/sh, type: installed}]\n", "wf/transformations.yml")
        _ = try write("pegasus: 5.0.4\nreplicas: []\n", "wf/replicas.yml")
        return try write(y, "wf/workflow.yml")
    }

    // MARK: 1. Symlinks in a shared scratch

    /// Another user prepared the scratch's label folder (to plant links in it): refused.
    func testScratchUnderAFolderAnotherUserMadeIsRefused() throws {
        let other = try otherUser()
        let shared = scratch.appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: shared.appendingPathComponent("sec"), withIntermediateDirectories: true)
        chmod(shared.path, 0o1777)
        chown(shared.appendingPathComponent("sec").path, other, other)
        let file = try workflow(script: "true", scratchPath: shared.path)
        let run = try SkeinBinary.run(["plan", file, "--dir", scratch.appendingPathComponent("runs").path], environment: environment)
        XCTAssertNotEqual(run.status, 0, run.stdout)
        XCTAssertTrue(run.stderr.contains("refusing") && run.stderr.contains(Self.otherUser), run.stderr)
    }

    /// She (a real second user) made the scratch's label folder herself, to plant links in
    /// it: refused, and nothing is written there.
    func testScratchLabelFolderTheOtherUserMadeIsRefused() throws {
        let shared = try sharedFolder()
        try shellAsOther("mkdir '\(shared.path)/sec' && ln -s /etc/passwd '\(shared.path)/sec/readings.txt'")
        let file = try workflow(script: "echo owned > readings.txt", stdout: "readings.txt", scratchPath: shared.path)
        let run = try SkeinBinary.run(["run", file, "--batch", "--dir", scratch.appendingPathComponent("runs").path], environment: environment)
        XCTAssertNotEqual(run.status, 0, run.stdout)
        XCTAssertTrue(run.stderr.contains("refusing \(shared.path)/sec") && run.stderr.contains(Self.otherUser), run.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: shared.path + "/sec"), ["readings.txt"])
    }

    /// She planted the label folder as a symbolic link to a folder of her choice (here one
    /// of ours she wants filled): the link is hers, so it is refused, and nothing lands there.
    func testScratchLabelLinkTheOtherUserPlantedIsRefused() throws {
        let shared = try sharedFolder()
        let victim = scratch.appendingPathComponent("victim")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        try shellAsOther("ln -s '\(victim.path)' '\(shared.path)/sec'")
        let file = try workflow(script: "echo owned > readings.txt", scratchPath: shared.path)
        let plan = try SkeinBinary.run(["plan", file, "--dir", scratch.appendingPathComponent("runs").path], environment: environment)
        XCTAssertNotEqual(plan.status, 0, plan.stdout)
        XCTAssertTrue(plan.stderr.contains("refusing") && plan.stderr.contains(Self.otherUser), plan.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: victim.path), [])
    }

    /// A link planted where a job's stdout goes is not written through (O_NOFOLLOW).
    func testStdoutIsNeverOpenedThroughASymbolicLink() throws {
        let victim = try write("important\n", "victim.txt")
        let file = try workflow(script: "true", stdout: "readings.txt")
        // sharedfs: the job's stdout is opened in the scratch folder itself (under condorio it
        // is opened in a fresh sandbox and renamed over the link, which leaves the victim alone too).
        _ = try write("pegasus.data.configuration = sharedfs\n", "wf/pegasus.properties")
        let plan = try SkeinBinary.run(["plan", file, "--dir", scratch.appendingPathComponent("runs").path], environment: environment)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let runDir = scratch.appendingPathComponent("runs/sec/run0001")
        let jobScratch = try SkeinBinary.scratchDirectory(of: runDir)
        XCTAssertFalse(jobScratch.hasPrefix(runDir.path + "/") && jobScratch != runDir.path + "/scratch")
        XCTAssertEqual(mode(jobScratch), 0o700)
        symlink(victim, jobScratch + "/readings.txt")
        let run = try SkeinBinary.run(["run", runDir.path, "--batch"], environment: environment)
        XCTAssertEqual(run.status, 1, run.stdout)
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "important\n")
    }

    // MARK: 2. A run folder under a folder another user owns

    /// She made the folder runs are to go in (her own, in a shared folder): refused.
    func testRunFolderInAFolderTheOtherUserMadeIsRefused() throws {
        let shared = try sharedFolder()
        try shellAsOther("mkdir -m 777 '\(shared.path)/runs'")
        let file = try workflow(script: "true")
        let plan = try SkeinBinary.run(["plan", file, "--dir", shared.appendingPathComponent("runs").path], environment: environment)
        XCTAssertNotEqual(plan.status, 0)
        XCTAssertTrue(plan.stderr.contains("refusing \(shared.path)/runs") && plan.stderr.contains(Self.otherUser), plan.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: shared.path + "/runs"), [])
    }

    func testRunFolderUnderAnotherUsersFolderIsRefusedAndHerPlanIsNotRun() throws {
        let other = try otherUser()
        let hers = scratch.appendingPathComponent("hers")
        try FileManager.default.createDirectory(at: hers, withIntermediateDirectories: true)
        chown(hers.path, other, other)
        let file = try workflow(script: "true")
        let plan = try SkeinBinary.run(["plan", file, "--dir", hers.path], environment: environment)
        XCTAssertNotEqual(plan.status, 0)
        XCTAssertTrue(plan.stderr.contains("refusing"), plan.stderr)
        // A run of ours whose plan she swapped for her own: retry refuses to run it.
        let ours = try SkeinBinary.run(["plan", file, "--dir", scratch.appendingPathComponent("runs").path], environment: environment)
        XCTAssertEqual(ours.status, 0, ours.stderr)
        let planFile = scratch.appendingPathComponent("runs/sec/run0001/plan.json").path
        chown(planFile, other, other)
        let retry = try SkeinBinary.run(["run", scratch.appendingPathComponent("runs/sec/run0001").path, "--batch"], environment: environment)
        XCTAssertNotEqual(retry.status, 0)
        XCTAssertTrue((retry.stdout + retry.stderr).contains("refusing"), retry.stdout + retry.stderr)
    }

    // MARK: 3. Path traversal through names

    func testNamesThatLeaveTheScratchAreRefusedWithTheirPosition() throws {
        let file = try workflow(script: "true", stdout: "../plan.json", outputs: ["../../victim.txt"])
        let run = try SkeinBinary.run(["validate", file], environment: environment)
        XCTAssertEqual(run.status, 2)
        let text = run.stdout + run.stderr
        XCTAssertTrue(text.contains("workflow.yml:8:11") && text.contains("stdout of job 'j'"), text)
        XCTAssertTrue(text.contains("'../../victim.txt' leads out of its folder"), text)
    }

    // MARK: 4. Permissions whatever the umask; other users' control files

    func testRunFilesArePrivateUnderAPermissiveUmask() throws {
        let file = try workflow(script: "true")
        let command = "umask 000; exec '\(SkeinBinary.url.path)' run '\(file)' --batch --dir '\(scratch.appendingPathComponent("runs").path)'"
        let run = try SkeinBinary.runProgram(URL(fileURLWithPath: "/bin/sh"), ["-c", command], environment: environment)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let runDir = scratch.appendingPathComponent("runs/sec/run0001").path
        XCTAssertEqual(mode(runDir), 0o700)
        XCTAssertEqual(mode(scratch.appendingPathComponent("runs/sec").path), 0o700)
        for name in ["plan.json", "engine-settings.json", "engine.journal"] {
            XCTAssertEqual(mode(runDir + "/" + name), 0o600, name)
        }
    }

    /// `skein run FILE --batch` in the background, its output in `engine.log`.
    func startRun(_ file: String) throws -> (Process, URL) {
        let engine = Process()
        engine.executableURL = SkeinBinary.url
        engine.arguments = ["run", file, "--batch", "--dir", scratch.appendingPathComponent("runs").path]
        engine.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let log = scratch.appendingPathComponent("engine.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        engine.standardOutput = try FileHandle(forWritingTo: log)
        try engine.run()
        return (engine, log)
    }

    func testAnotherUsersHaltIsPermissionDeniedAndHerControlFilesAreIgnored() throws {
        let other = try otherUser()
        let file = try workflow(script: "while [ ! -f \(scratch.path)/release ]; do sleep 0.05; done")  // released from outside its sandbox
        let (engine, log) = try startRun(file)
        let runDir = scratch.appendingPathComponent("runs/sec/run0001")
        waitFor("the job running") { (try? String(contentsOf: log, encoding: .utf8))?.contains("j started") == true }
        let halt = try runAsOther(["halt", runDir.path])
        XCTAssertNotEqual(halt.status, 0)
        XCTAssertTrue((halt.stdout + halt.stderr).contains("permission denied"), halt.stdout + halt.stderr)
        // A halt file she managed to place (here: made by root and given to her) is ignored.
        let control = runDir.appendingPathComponent("control")
        try? FileManager.default.createDirectory(at: control, withIntermediateDirectories: true)
        let forged = control.appendingPathComponent("0-forged.cmd")
        try "halt\n".write(to: forged, atomically: false, encoding: .utf8)
        chown(forged.path, other, other)
        waitFor("the forged file to be dropped") { (try? String(contentsOf: log, encoding: .utf8))?.contains("ignored control file") == true }
        try Data().write(to: scratch.appendingPathComponent("release"))
        engine.waitUntilExit()
        XCTAssertEqual(engine.terminationStatus, 0, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// A run folder left open to others (chmod 777 by mistake): a halt file she writes
    /// herself is ignored and logged, and the run goes on to succeed.
    func testControlFileTheOtherUserWroteIsIgnored() throws {
        _ = try otherUser()
        let file = try workflow(script: "while [ ! -f \(scratch.path)/release ]; do sleep 0.05; done")  // released from outside its sandbox
        let (engine, log) = try startRun(file)
        defer { if engine.isRunning { engine.terminate() } }
        let runDir = scratch.appendingPathComponent("runs/sec/run0001")
        waitFor("the job running") { (try? String(contentsOf: log, encoding: .utf8))?.contains("j started") == true }
        let control = runDir.appendingPathComponent("control")
        try? FileManager.default.createDirectory(at: control, withIntermediateDirectories: true)
        for folder in [scratch!, scratch.appendingPathComponent("runs"), scratch.appendingPathComponent("runs/sec"), runDir, control] { chmod(folder.path, 0o777) }
        try shellAsOther("printf 'halt\\n' > '\(control.path)/0-hers.cmd'")
        waitFor("her control file to be dropped") { (try? String(contentsOf: log, encoding: .utf8))?.contains("ignored control file") == true }
        try Data().write(to: scratch.appendingPathComponent("release"))
        engine.waitUntilExit()
        XCTAssertEqual(engine.terminationStatus, 0, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    // MARK: 5. Escape sequences from workflow files

    /// A name holding an escape sequence or a bidi override is refused, and the message
    /// shows it escaped; what a job prints reaches no terminal raw either.
    func testEscapeSequencesInNamesNeverReachTheTerminalRaw() throws {
        let evil = try workflow(name: "\"evil\\e]0;pwned\\a\\u202E\"", script: "true")
        let refused = try SkeinBinary.run(["run", evil, "--batch", "--dir", scratch.appendingPathComponent("runs").path], environment: environment)
        XCTAssertEqual(refused.status, 2, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("workflow.yml:2:7: error: workflow name 'evil^[]0;pwned^G<U+202E>'"), refused.stderr)
        XCTAssertFalse((refused.stdout + refused.stderr).contains("\u{1B}") || refused.stderr.contains("\u{202E}"), refused.stderr)
        let file = try workflow(name: "loud", script: "printf \"\\033]0;pwned\\007\\342\\200\\256 failed\\n\" >&2; exit 3")
        let run = try SkeinBinary.run(["run", file, "--batch", "--dir", scratch.appendingPathComponent("runs").path], environment: environment)
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertFalse(run.stdout.contains("\u{1B}") || run.stdout.contains("\u{202E}") || run.stdout.contains("\u{07}"), run.stdout)
        let runDir = scratch.appendingPathComponent("runs/loud/run0001").path
        for command in [["status", runDir], ["statistics", runDir], ["analyze", runDir]] {
            let out = try SkeinBinary.run(command, environment: environment)
            XCTAssertFalse(out.stdout.contains("\u{1B}") || out.stdout.contains("\u{202E}"), "\(command[0]): \(out.stdout)")
        }
        let analyze = try SkeinBinary.run(["analyze", runDir], environment: environment)
        XCTAssertTrue(analyze.stdout.contains("^[]0;pwned^G<U+202E> failed"), analyze.stdout)
    }

    // MARK: 8. Stale outputs; 9. ids of generated jobs

    func testAnOutputOlderThanTheAttemptDoesNotCountAsProduced() throws {
        let file = try workflow(script: "touch -d \"2 hours ago\" result.txt", outputs: ["result.txt"])
        let run = try SkeinBinary.run(["run", file, "--batch", "--dir", scratch.appendingPathComponent("runs").path], environment: environment)
        XCTAssertEqual(run.status, 1, run.stdout)
        XCTAssertTrue(run.stdout.contains("not produced by this attempt"), run.stdout)
    }

    func testTwoRunsOfOneWorkflowHaveTwoScratchFolders() throws {
        let file = try workflow(script: "true")
        for _ in 0..<2 {
            XCTAssertEqual(try SkeinBinary.run(["plan", file, "--dir", scratch.appendingPathComponent("runs").path], environment: environment).status, 0)
        }
        let first = try SkeinBinary.scratchDirectory(of: scratch.appendingPathComponent("runs/sec/run0001"))
        let second = try SkeinBinary.scratchDirectory(of: scratch.appendingPathComponent("runs/sec/run0002"))
        XCTAssertNotEqual(first, second)
    }

    func testAUserJobNamedLikeAGeneratedOneKeepsItsOwnId() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("clash"))
        wf.jobs = [.init(id: "create_dir_test_0_local", script: "echo mine > mine.txt")]
        let run = try SkeinBinary.run(["run", try wf.write(), "--batch"], in: wf.directory)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("create_dir_test_0_local_skein1 succeeded"), run.stdout)
        XCTAssertTrue(run.stdout.contains("create_dir_test_0_local succeeded"), run.stdout)
    }

    func waitFor(_ what: String, timeout: Double = 30, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { return XCTFail("timed out waiting for \(what)") }
            usleep(50_000)
        }
    }
}
