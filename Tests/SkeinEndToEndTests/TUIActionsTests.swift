import Foundation
import XCTest
import SkeinTestSupport

/// The TUI's keys and actions in tmux, against real runs: an action does exactly what it
/// says (`r` on one job reruns that job only; `R` resumes the rest), Alt combinations and
/// escape sequences are one ignored key, Esc never quits.
final class TUIActionsTests: TmuxTestCase {
    override var scratchPrefix: String { "skein-tuiact" }

    /// `skein status RUN --jobs` once the run's engine has ended.
    func statusWhenEnded(_ run: URL, timeout: Double = 60) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        while Date() < deadline {
            text = try SkeinBinary.run(["status", run.path, "--jobs"], environment: environment).stdout
            if !text.contains("Running") && !text.contains("Halting") { return text }
            usleep(200_000)
        }
        XCTFail("the run never ended:\n\(text)")
        return text
    }

    /// The `status --jobs` line of a job.
    func line(_ status: String, _ job: String) -> String {
        status.split(separator: "\n").map(String.init).first { $0.split(separator: " ").contains(Substring(job)) } ?? ""
    }

    func testRetryWithOneJobSelectedRerunsOnlyThatJobThenResumeRunsTheRest() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // the test fixes the jobs with a file in the scratch folder
        wf.name = "three"
        // Each fails until the file `ok` exists in the scratch folder.
        wf.jobs = ["bad1", "bad2", "bad3"].map { .init(id: $0, script: "[ -e ok ] && echo \($0) >> ran") }
        let workflow = try wf.write()
        let first = try SkeinBinary.run(["run", workflow, "--batch"], environment: environment, in: wf.directory)
        XCTAssertEqual(first.status, 1, first.stdout + first.stderr)
        let run = wf.runDirectory()
        try Data().write(to: wf.scratch().appendingPathComponent("ok"))

        try tmux.start(command(["tui", run.path]), width: 100, height: 30)
        try tmux.waitFor(timeout: 20, "bad1", "bad3", "Failure")
        tmux.send("/")
        tmux.send(literal: "bad2")
        tmux.send("Enter")
        try tmux.waitFor("filter 'bad2': 1 job")
        tmux.send("r")
        try tmux.waitFor(timeout: 20, "bad2 run(s) again")
        let afterRetry = try statusWhenEnded(run)
        XCTAssertTrue(line(afterRetry, "bad2").contains("done") || line(afterRetry, "bad2").contains("Success"), afterRetry)
        for other in ["bad1", "bad3"] { XCTAssertTrue(line(afterRetry, other).contains("failed"), "\(other) stays failed:\n\(afterRetry)") }
        XCTAssertEqual(try String(contentsOf: wf.scratch().appendingPathComponent("ran"), encoding: .utf8), "bad2\n", "only bad2 ran again")

        // R resumes the run: its other failed jobs run again.
        tmux.send("R")
        try tmux.waitFor(timeout: 30, "Success", "100%")
        let ran = try String(contentsOf: wf.scratch().appendingPathComponent("ran"), encoding: .utf8)
        XCTAssertEqual(ran.split(separator: "\n").sorted(), ["bad1", "bad2", "bad3"], "bad2 did not run a second time")
        tmux.send("Q")
        try tmux.waitFor("skein exited 0")
    }

    func testAltAndEscapeSequencesAreOneIgnoredKeyAndEscNeverQuits() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.name = "slow"
        wf.jobs = [.init(id: "long", script: "sleep 120")]
        let workflow = try wf.write()
        let started = try SkeinBinary.run(["run", workflow], environment: environment, in: wf.directory)
        XCTAssertEqual(started.status, 0, started.stdout + started.stderr)
        let run = wf.runDirectory()
        defer { _ = try? SkeinBinary.run(["remove", run.path], environment: environment) }
        try tmux.start(command(["tui", run.path]), width: 100, height: 30)
        try tmux.waitFor(timeout: 20, "▶", "long", "Running")
        tmux.send("Enter")
        try tmux.waitFor("Definition")
        // Alt-Shift-H: ESC H in one write. Read as Esc then H it went back and halted the run.
        tmux.send("M-H")
        // An escape sequence nothing binds (Ctrl-F1 on some terminals).
        tmux.run(["send-keys", "-t", tmux.session, "-H", "1b", "5b", "31", "3b", "35", "50"])
        tmux.send("?")  // keys are handled in order: help shows after the two above
        try tmux.waitFor("Keys of the Job screen")
        tmux.send("Escape")
        try tmux.waitFor("Definition")
        XCTAssertFalse(tmux.capture().contains("halt"), tmux.capture())
        let status = try SkeinBinary.run(["status", run.path], environment: environment).stdout
        XCTAssertTrue(status.contains("Running") && !status.contains("Halt"), status)

        tmux.send("Escape")  // back to the run
        tmux.send("Escape")  // back to the runs list
        try tmux.waitFor("skein › Runs", "Running")
        XCTAssertFalse(tmux.capture().contains("skein › Runs ›"), tmux.capture())
        tmux.send("Escape")  // never quits
        tmux.send("/")
        tmux.send(literal: "zzz")
        tmux.send("Enter")
        try tmux.waitFor("no run matches the filter 'zzz'")
        tmux.send("Escape")  // clears the filter
        try tmux.waitFor("filter cleared")
        XCTAssertFalse(tmux.capture().contains("skein exited"), tmux.capture())
        XCTAssertTrue(tmux.capture().contains("slow"), tmux.capture())
        // :open refuses what is not a run, rather than listing an error row.
        tmux.send(":")
        tmux.send(literal: "open /nonexistent")
        tmux.send("Enter")
        try tmux.waitFor(":open /nonexistent: no such directory")
        XCTAssertFalse(tmux.capture().contains("nonexistent  "), tmux.capture())
        tmux.send("Q")
        try tmux.waitFor("skein exited 0")
    }

    /// Waits until `condition` holds for the pane's text.
    func waitUntil(_ what: String, timeout: Double = 20, _ condition: (String) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = tmux.capture()
            if condition(screen) { return }
            usleep(100_000)
        }
        XCTFail("the screen never showed \(what):\n\(screen)")
        throw ScreenTimeout()
    }

    /// The seconds in the DURATION cell of `job`'s row ("3.02s", "12.5s"), if shown so.
    func seconds(of job: String, in screen: String) -> Double? {
        guard let row = screen.split(separator: "\n").first(where: { $0.contains(" " + job + " ") }) else { return nil }
        return row.split(separator: " ").compactMap { word -> Double? in
            guard word.hasSuffix("s"), let value = Double(word.dropLast()) else { return nil }
            return value
        }.last
    }

    func testARunningJobsDurationTicksAndAHaltShowsHaltingUntilTheEngineEnds() throws {
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.dataConfiguration = "sharedfs"  // the test releases the job with a file in the scratch folder
        wf.name = "halting"
        wf.jobs = [
            .init(id: "long", script: "while [ ! -e release ]; do sleep 0.1; done"),
            .init(id: "after", script: "echo after", parents: ["long"]),
        ]
        let workflow = try wf.write()
        let started = try SkeinBinary.run(["run", workflow], environment: environment, in: wf.directory)
        XCTAssertEqual(started.status, 0, started.stdout + started.stderr)
        let run = wf.runDirectory()
        defer { try? Data().write(to: wf.scratch().appendingPathComponent("release")) }
        try tmux.start(command(["tui", run.path]), width: 100, height: 30)
        try tmux.waitFor(timeout: 20, "▶", "long")
        // Nothing changes in the database while the job sleeps: the duration ticks anyway.
        var first: Double?
        try waitUntil("a first duration") { first = seconds(of: "long", in: $0); return first != nil }
        try waitUntil("the duration ticking past \(first! + 2) s") { (seconds(of: "long", in: $0) ?? 0) >= first! + 2 }

        tmux.send("H")
        try tmux.waitFor(timeout: 20, "Halting (1 running)")
        let status = try SkeinBinary.run(["status", run.path], environment: environment).stdout
        XCTAssertTrue(status.contains("Halting (1 running)"), status)
        // The state stays after the "halt sent" message has gone.
        try waitUntil("Halting without the message", timeout: 30) { !$0.contains("halt sent") && $0.contains("Halting (1 running)") }
        try Data().write(to: wf.scratch().appendingPathComponent("release"))
        try tmux.waitFor(timeout: 30, "Halted")
        XCTAssertFalse(tmux.capture().contains("Halting"), tmux.capture())
        tmux.send("Q")
        try tmux.waitFor("skein exited 0")
    }
}

extension TUIActionsTests {
    /// P gives the terminal to $PAGER (less) on the whole log; q in less comes back.
    func testPOpensTheWholeLogInThePagerAndComesBack() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/less") else { throw missingRealPart("less is not installed") }
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.name = "chatty"
        wf.jobs = [.init(id: "talk", script: "i=1; while [ $i -le 3000 ]; do echo \"line $i\"; i=$((i+1)); done")]
        let workflow = try wf.write()
        let ran = try SkeinBinary.run(["run", workflow, "--batch"], environment: environment, in: wf.directory)
        XCTAssertEqual(ran.status, 0, ran.stdout + ran.stderr)
        environment["PAGER"] = "less"
        try tmux.start(command(["tui", wf.runDirectory().path]), width: 100, height: 30)
        try tmux.waitFor(timeout: 20, "talk", "Success")
        tmux.send("/")
        tmux.send(literal: "talk")
        tmux.send("Enter")
        try tmux.waitFor("filter 'talk'")
        tmux.send("Enter")
        tmux.send("o")
        try tmux.waitFor("line 3000", "3,000 lines")
        // y: the log's path to the clipboard through OSC 52 (tmux keeps it as a buffer).
        tmux.run(["set-option", "-g", "set-clipboard", "on"])
        tmux.send("y")
        try tmux.waitFor("copied ")
        let stdout = wf.runDirectory().appendingPathComponent("jobs/000/talk.stdout.000").path
        XCTAssertEqual(tmux.run(["show-buffer"]), stdout)
        tmux.send("P")
        try waitUntil("less on the file, from its first line") { $0.hasPrefix("line 1\nline 2\n") }
        tmux.send("G")
        try tmux.waitFor("line 3000", "(END)")
        tmux.send("q")
        try tmux.waitFor("3,000 lines", "skein ›")
        tmux.send("Q")
        try tmux.waitFor("skein exited 0")
    }
}

extension TUIActionsTests {
    /// A log over 100 MB (made here, by the job, in the test's temp folder): the viewer shows
    /// its end at once, numbers every line once counted, reaches line 1 with g, finds a text
    /// near the top from the end with its true line number and shows it in place; P opens
    /// the pager there; Esc stops a running search (and does not go back).
    func testAHugeLogIsPagedAndSearchedWholeWithTrueLineNumbers() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/less") else { throw missingRealPart("less is not installed") }
        var wf = TestWorkflow(in: scratch.appendingPathComponent("wf"))
        wf.name = "huge"
        // 4,000,000 lines of 27 to 33 bytes: about 120 MB.
        wf.jobs = [.init(id: "numbers", script: "seq -f 'line %.0f of the huge log' 1 4000000")]
        let workflow = try wf.write()
        let ran = try SkeinBinary.run(["run", workflow, "--batch"], environment: environment, in: wf.directory)
        XCTAssertEqual(ran.status, 0, ran.stdout + ran.stderr)
        let log = wf.runDirectory().appendingPathComponent("jobs/000/numbers.stdout.000").path
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: log)[.size] as? Int)
        XCTAssertGreaterThanOrEqual(size, 100_000_000)
        environment["PAGER"] = "less"
        try tmux.start(command(["tui", wf.runDirectory().path]), width: 120, height: 30)
        try tmux.waitFor(timeout: 20, "numbers", "Success")
        tmux.send("/")
        tmux.send(literal: "numbers")
        tmux.send("Enter")
        tmux.send("Enter")
        tmux.send("o")
        // The end at once; the file's own numbers once the lines are counted.
        try tmux.waitFor(timeout: 60, "4000000 line 4000000 of the huge log", "4,000,000 lines")
        // A text near the top, searched from the end: the search wraps round and shows it in place.
        tmux.send("/")
        tmux.send(literal: "line 17 of")
        tmux.send("Enter")
        try tmux.waitFor(timeout: 60, "/line 17 of: line 17 (search wrapped)", "    17 line 17 of the huge log")
        tmux.send("P")  // the pager opens at that line
        try waitUntil("less at line 17", timeout: 30) { $0.hasPrefix("line 17 of the huge log\n") }
        tmux.send("q")
        try tmux.waitFor("4,000,000 lines", "skein ›")
        // G: the end again; g: line 1 of the file.
        tmux.send("G")
        try tmux.waitFor(timeout: 30, "4000000 line 4000000 of the huge log")
        tmux.send("g")
        try tmux.waitFor(timeout: 30, "     1 line 1 of the huge log", "     2 line 2 of the huge log")
        // :N goes to any line: the middle one, read from the middle of the file.
        tmux.send(":")
        tmux.send(literal: "2000000")
        tmux.send("Enter")
        try tmux.waitFor(timeout: 30, "2000000 line 2000000 of the huge log")
        // Paging on from there keeps the file's own numbers, each beside its own line.
        let before = try XCTUnwrap(numberedLines(tmux.capture()).max())
        tmux.send("PageDown")
        tmux.send("PageDown")
        try waitUntil("two pages further, numbered as in the file", timeout: 30) { screen in
            let shown = numberedLines(screen)
            return (shown.min() ?? 0) > before && shown.count > 10
        }
        // Esc stops a search that runs (typed with the Enter that starts it: no race).
        tmux.send("/")
        tmux.send(literal: "no such text")
        tmux.send("Enter", "Escape")
        try tmux.waitFor(timeout: 30, "search stopped")
        try tmux.waitFor("stdout", "4,000,000 lines")
        tmux.send("Q")
        try tmux.waitFor("skein exited 0")
    }

    /// The file line numbers the log viewer shows, each checked against its line's text
    /// ("  2000041 line 2000041 of the huge log"): a number beside another line's text is not counted.
    func numberedLines(_ screen: String) -> [Int] {
        screen.split(separator: "\n").compactMap { row -> Int? in
            let words = row.split(separator: " ")
            guard let i = words.indices.first(where: { Int(words[$0]) != nil }), i + 2 < words.count,
                  words[i + 1] == "line", words[i + 2] == words[i] else { return nil }
            return Int(words[i])
        }
    }
}
