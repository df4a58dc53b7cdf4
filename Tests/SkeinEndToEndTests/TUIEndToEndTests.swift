import Foundation
import XCTest
import SkeinTestSupport

/// The real `skein` binary's TUI inside tmux: keys with `send-keys`, the screen with
/// `capture-pane`. Each test has its own tmux server, registry and home folder.
final class TUIEndToEndTests: TmuxTestCase {
    /// The failing example copied here (its scratch folder then lives here too), run once.
    func failedRun() throws -> (run: URL, scratch: URL) {
        let example = scratch.appendingPathComponent("failing")
        try FileManager.default.copyItem(at: SkeinBinary.repository.appendingPathComponent("Examples/failing"), to: example)
        try? FileManager.default.removeItem(at: example.appendingPathComponent("work"))
        // The fix below puts cal.dat (no declared file) into the scratch folder: sharedfs.
        try "pegasus.data.configuration = sharedfs\n".write(to: example.appendingPathComponent("pegasus.properties"), atomically: true, encoding: .utf8)
        let run = try SkeinBinary.run(["run", example.appendingPathComponent("workflow.yml").path, "--batch", "--dir", scratch.appendingPathComponent("runs").path],
                                      environment: environment)
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let runFolder = scratch.appendingPathComponent("runs/failing/run0001")
        return (runFolder, URL(fileURLWithPath: try SkeinBinary.scratchDirectory(of: runFolder)))
    }

    func testFindTheFailedJobReadItsStderrFixItsInputRetryItAndSeeItSucceed() throws {
        let (run, jobScratch) = try failedRun()
        // `skein` alone on a terminal opens the TUI on the runs list.
        try tmux.start(command([]), width: 100, height: 30)
        try tmux.waitFor("failing", "Failure")
        XCTAssertTrue(tmux.capture().contains("skein › Runs"))
        tmux.send("Enter")
        try tmux.waitFor("calibrate", "create_dir_failing_0_local", "of 7")
        tmux.send("f")  // next failed job
        try tmux.waitFor("calibrate: exit code 3")
        tmux.send("Enter")
        try tmux.waitFor("Definition", "calibrate.sh")
        tmux.send("e")  // its stderr
        try tmux.waitFor("ERROR: calibration file cal.dat is missing")
        // Fix the input (calibrate.sh reads cal.dat in its working directory), then retry.
        try "2\n".write(to: jobScratch.appendingPathComponent("cal.dat"), atomically: true, encoding: .utf8)
        tmux.send("r")
        try tmux.waitFor(timeout: 30, "✓ calibrate  done")
        tmux.send("Escape")
        try tmux.waitFor(timeout: 30, "Success", "100%", "✓ 7 done")
        // report.txt is the run's result (stageOut: true): it stays; calibrated.txt went with cleanup.
        let report = try String(contentsOf: jobScratch.appendingPathComponent("report.txt"), encoding: .utf8)
        XCTAssertTrue(report.hasPrefix("calibrated readings 20 "), report)
        XCTAssertFalse(FileManager.default.fileExists(atPath: jobScratch.appendingPathComponent("calibrated.txt").path))
        tmux.send("q")
        tmux.send("q")
        try tmux.waitFor("skein exited 0")
        XCTAssertFalse(tmux.capture().contains("skein ›"), "the TUI's screen is gone")
        XCTAssertEqual(tmux.display("#{alternate_on}"), "0", "back on the normal screen")
        XCTAssertEqual(tmux.display("#{cursor_flag}"), "1", "the cursor is visible again")
        let status = try SkeinBinary.run(["status", run.path], environment: environment)
        XCTAssertTrue(status.stdout.contains("Success"), status.stdout)
    }

    func testKillALongJobAndSeeItFail() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.name = "slow"
        wf.jobs = [
            .init(id: "long", script: "sleep 120"),
            .init(id: "after", script: "echo after", parents: ["long"]),
        ]
        let workflow = try wf.write()
        // Detached: the engine runs in the background, as users start runs.
        let started = try SkeinBinary.run(["run", workflow, "--dir", scratch.appendingPathComponent("runs").path], environment: environment, in: wf.directory)
        XCTAssertEqual(started.status, 0, started.stdout + started.stderr)
        let run = scratch.appendingPathComponent("runs/slow/run0001")
        try tmux.start(command(["tui", run.path]), width: 100, height: 30)
        try tmux.waitFor(timeout: 20, "▶", "long", "engine")
        tmux.send("/")
        tmux.send(literal: "long")
        tmux.send("Enter")
        try tmux.waitFor("filter 'long'")
        // Kill is enabled only on a running job: wait for long's own ▶ row (the ▶ seen before
        // may have been its create-dir parent's).
        try tmux.waitForLine(timeout: 20, "long's running row") { $0.hasPrefix(" ▶") && $0.contains("long") }
        tmux.send("K")
        try tmux.waitFor("Kill the job long?")
        tmux.send("y")
        try tmux.waitFor(timeout: 20, "long: killed by the user", "Failure", "✗ 1 failed")
        XCTAssertTrue(tmux.capture().split(separator: "\n").contains { $0.hasPrefix(" ✗") && $0.contains("long") && $0.contains("-15") },
                      "the job row: failed glyph, exit -15 (SIGTERM)")
        tmux.send("Escape")  // closes nothing: the filter is accepted; back to the runs list
        tmux.send("Q")
        try tmux.waitFor("skein exited 0")
        let status = try SkeinBinary.run(["status", run.path, "--jobs"], environment: environment)
        XCTAssertTrue(status.stdout.contains("killed"), status.stdout)
    }

    func testResizeAnywhereAndQuitCleanlyEvenOnSIGTERM() throws {
        _ = try failedRun()
        try tmux.start(command(["tui"]), width: 100, height: 30)
        try tmux.waitFor("failing")
        tmux.send("Enter")
        try tmux.waitFor("calibrate")
        tmux.resize(width: 60, height: 16)
        try tmux.waitFor("skein")
        var lines = tmux.capture().split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertLessThanOrEqual(lines.map(\.count).max() ?? 0, 60)
        XCTAssertTrue(lines.first?.contains("failing") ?? false, lines.joined(separator: "\n"))
        tmux.resize(width: 30, height: 8)
        try tmux.waitFor("terminal too small")
        tmux.resize(width: 160, height: 45)
        try tmux.waitFor("TRANSFORMATION", "parents")
        lines = tmux.capture().split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines.contains { $0.count > 120 }, "the large layout uses the width")
        tmux.send("?")
        try tmux.waitFor("Keys of the Run screen")
        tmux.send("Escape")
        // A termination signal restores the terminal too.
        let pid = try XCTUnwrap(tmux.childPID(named: "skein"))
        kill(pid, SIGTERM)
        try tmux.waitFor("skein exited 143")
        XCTAssertEqual(tmux.display("#{alternate_on}"), "0")
        XCTAssertEqual(tmux.display("#{cursor_flag}"), "1")
    }

    /// SGR colour parameters (foreground, background, 256-colour) in a `capture-pane -e`.
    func colourCodes(_ screen: String) -> [String] {
        var found: [String] = []
        var rest = Substring(screen)
        while let start = rest.range(of: "\u{1B}[") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(where: { !($0.isNumber || $0 == ";") }) else { break }
            if rest[end] == "m" {
                for p in rest[..<end].split(separator: ";") {
                    if let n = Int(p), (30...38).contains(n) || (40...48).contains(n) || (90...97).contains(n) || (100...107).contains(n) { found.append(String(p)) }
                }
            }
            rest = rest[end...]
        }
        return found
    }

    func testNoColorAndAsciiOutsideAUTF8Locale() throws {
        _ = try failedRun()
        environment["LANG"] = "C"
        environment["LC_ALL"] = "C"
        environment["NO_COLOR"] = "1"
        try tmux.start(command(["tui", scratch.appendingPathComponent("runs/failing/run0001").path]), width: 90, height: 20)
        try tmux.waitFor("skein > Runs > failing", "|-v acquire", "`-- statistics ^", "NO_COLOR is set")
        XCTAssertEqual(colourCodes(tmux.capture(escapes: true)), [], "no colour at all under NO_COLOR")
        XCTAssertFalse(tmux.capture().unicodeScalars.contains { $0.value > 127 }, "nothing but ASCII in a C locale")
        tmux.send("Q")
        try tmux.waitFor("skein exited 0")
        // The same run in colour, for contrast.
        tmux.killServer()
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = "C.UTF-8"
        environment["NO_COLOR"] = nil
        try tmux.start(command(["tui", scratch.appendingPathComponent("runs/failing/run0001").path]), width: 90, height: 20)
        try tmux.waitFor("skein › Runs › failing", "├─▾ acquire")
        XCTAssertFalse(colourCodes(tmux.capture(escapes: true)).isEmpty)
    }

    func testPegasusRunsAreReadOnly() throws {
        let fixture = SkeinBinary.fixtures.appendingPathComponent("pegasus-runs/process_wf_failure")
        guard FileManager.default.fileExists(atPath: fixture.path) else { throw missingRealPart("no Pegasus fixtures") }
        try tmux.start(command(["tui", fixture.path, "--theme", "light"]), width: 100, height: 30)
        try tmux.waitFor("process", "read-only", "ls_ID0000001")
        tmux.send("f")
        try tmux.waitFor("ls_ID0000001: exit code 1")
        tmux.send("r")
        try tmux.waitFor("read-only: this is a Pegasus run")
        tmux.send("Enter")
        tmux.send("o")
        try tmux.waitFor("/bin/ls: invalid option -- 'z'")
        tmux.send(":")
        tmux.send(literal: "theme high-contrast")
        tmux.send("Enter")
        try tmux.waitFor("theme high-contrast")
        tmux.send("Q")
        try tmux.waitFor("skein exited 0")
    }
}

struct ScreenTimeout: Error {}

/// A private tmux server.
struct Tmux {
    let program: String
    /// Path of the server's socket (`tmux -S`).
    let socket: String
    let session = "skein"

    static func find() -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: dir + "/tmux") { return dir + "/tmux" }
        return nil
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs a tmux client. Output goes through a file, not a pipe: the first client forks the
    /// server, which would keep a pipe open forever.
    @discardableResult
    func run(_ arguments: [String]) -> String {
        (try? client(arguments))?.output ?? ""
    }

    func client(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-out-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: file) }
        let handle = try FileHandle(forWritingTo: file)
        let process = Process()
        // Through bash, which closes every inherited descriptor above 2 first: the tmux
        // server the first client forks would otherwise keep the one Foundation watches
        // to see the client exit, and waitUntilExit would never return.
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ \"$n\" -gt 2 ]; then eval \"exec $n>&-\"; fi; done 2>/dev/null; exec \"$@\"",
                             "tmux", program, "-S", socket] + arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOf: file, encoding: .utf8)) ?? "")
    }

    func start(_ command: String, width: Int, height: Int) throws {
        let out = try client(["-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", command])
        guard out.status == 0 else { throw NSError(domain: "tmux", code: Int(out.status), userInfo: [NSLocalizedDescriptionKey: out.output]) }
        run(["set-option", "-t", session, "status", "off"])
        run(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Keys by tmux name ("Enter", "Escape", "j").
    func send(_ keys: String...) { run(["send-keys", "-t", session] + keys); usleep(150_000) }

    func send(literal text: String) { run(["send-keys", "-t", session, "-l", text]); usleep(150_000) }

    func capture(escapes: Bool = false) -> String { run(["capture-pane", "-t", session, "-p"] + (escapes ? ["-e"] : [])) }

    func display(_ format: String) -> String { run(["display-message", "-t", session, "-p", format]).trimmingCharacters(in: .whitespacesAndNewlines) }

    func resize(width: Int, height: Int) { run(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"]); usleep(300_000) }

    /// The pid of the pane's child process named `name`.
    func childPID(named name: String) -> Int32? {
        guard let shell = Int32(display("#{pane_pid}")) else { return nil }
        // /proc/PID/stat: "pid (comm) state ppid ..."
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            let comm = stat[stat.index(after: open)..<close]
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if comm == name, fields.count > 1, Int32(fields[1]) == shell { return pid }
        }
        return nil
    }

    /// Waits until the pane shows every text.
    func waitFor(timeout: Double = 10, _ texts: String..., file: StaticString = #filePath, line: UInt = #line) throws {
        try waitUntil(timeout: timeout, { screen in "\(texts.filter { !screen.contains($0) })" }, file: file, line: line) { screen in
            texts.allSatisfy { screen.contains($0) }
        }
    }

    /// Waits until some line of the pane satisfies `matches`.
    func waitForLine(timeout: Double = 10, _ what: String, file: StaticString = #filePath, line: UInt = #line,
                     _ matches: (Substring) -> Bool) throws {
        try waitUntil(timeout: timeout, { _ in what }, file: file, line: line) { $0.split(separator: "\n").contains(where: matches) }
    }

    /// Polls the pane until `done` holds; on timeout fails with `missing` of the last screen.
    private func waitUntil(timeout: Double, _ missing: (String) -> String, file: StaticString, line: UInt, _ done: (String) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = capture()
            if done(screen) { return }
            usleep(100_000)
        }
        XCTFail("the screen never showed \(missing(screen)):\n\(screen)", file: file, line: line)
        throw ScreenTimeout()
    }

    func killServer() { run(["kill-server"]) }
}
