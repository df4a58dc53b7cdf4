import SkeinText
import XCTest
import SkeinRunFormat
import SkeinReports
@testable import SkeinTUI

/// Whole screens rendered into the in-memory backend and compared with text snapshots
/// (Snapshots/*.txt), at 80x24 and at a large size. Pegasus screens read the real submit
/// directories of Tests/Fixtures/pegasus-runs.
final class SnapshotTests: XCTestCase {
    func frame(_ app: AppModel, ascii: Bool = false) -> String {
        let backend = MemoryBackend(width: app.width, height: app.height)
        backend.present(Fixture.render(app, ascii: ascii))
        return backend.text
    }

    func runsModel(width: Int, height: Int) -> AppModel {
        let app = Fixture.model(width: width, height: height)
        app.receive(DataUpdate(key: .runs, payload: .runs(Fixture.demoSummaries())))
        return app
    }

    func testRunsList() {
        assertSnapshot(frame(runsModel(width: 80, height: 24)), "runs-80x24")
        assertSnapshot(frame(runsModel(width: 160, height: 48)), "runs-160x48")
    }

    func testRunsListEmptyAndLoading() {
        let app = Fixture.model()
        XCTAssertTrue(frame(app).contains("reading the run registry..."))
        app.receive(DataUpdate(key: .runs, payload: .runs([])))
        XCTAssertTrue(frame(app).contains("skein run WORKFLOW.yml"))
    }

    func testRunTree() {
        let (small, s) = Fixture.runModel()
        s.cursor.index = 5
        assertSnapshot(frame(small), "run-80x24")
        let (large, l) = Fixture.runModel(width: 160, height: 48)
        l.cursor.index = 5
        assertSnapshot(frame(large), "run-160x48")
        let (ascii, _) = Fixture.runModel()
        assertSnapshot(frame(ascii, ascii: true), "run-80x24-ascii")
        let text = frame(small)
        XCTAssertTrue(text.contains("^[[2J^[]0;pwned^G"), "the reason's escapes are visible")
    }

    func testRunByLevel() {
        let (app, _) = Fixture.runModel()
        _ = app.handle(.char("v"))
        assertSnapshot(frame(app), "run-level-80x24")
    }

    func testHelpAndConfirm() {
        let (app, s) = Fixture.runModel()
        _ = app.handle(.char("?"))
        assertSnapshot(frame(app), "help-run-80x24")
        _ = app.handle(.escape)
        s.cursor.index = 7
        _ = app.handle(.char("K"))
        assertSnapshot(frame(app), "confirm-kill-80x24")
    }

    func testTooSmall() {
        let app = Fixture.model(width: 30, height: 8)
        XCTAssertTrue(frame(app).hasPrefix("terminal too small: 30x8"))
    }

    // MARK: real Pegasus runs

    func pegasusRun(_ name: String, width: Int, height: Int) throws -> (AppModel, RunScreen) {
        let dir = try Fixture.pegasus(name)
        let data = try RunDataReader.read(RunLocation.locate(dir), now: Fixture.now)
        let app = Fixture.model(width: width, height: height)
        let screen = RunScreen(directory: dir, label: name, kind: .pegasus)
        app.push(screen)
        app.receive(DataUpdate(key: .run(dir), payload: .run(data)))
        return (app, screen)
    }

    func testPegasusHierarchicalRun() throws {
        let (app, _) = try pegasusRun("hierarchical_wf_failure", width: 120, height: 30)
        _ = app.handle(.char("f"))
        assertSnapshot(frame(app), "pegasus-hierarchical-120x30")
    }

    /// Pegasus's hierarchical run whose sub-workflow ran: a WORKFLOW column says which
    /// workflow each job is in, in the tree and in a filter listing same-named jobs of both.
    func testPegasusHierarchicalRunShowsTheWorkflowOfEachJob() throws {
        let (tree, _) = try pegasusRun("hierarchical_wf_success", width: 120, height: 36)
        assertSnapshot(frame(tree), "pegasus-hierarchical-workflows-120x36")
        let (narrow, screen) = try pegasusRun("hierarchical_wf_success", width: 80, height: 24)
        _ = screen.command(["filter", "stage_out_local_local_0"], app: narrow)
        assertSnapshot(frame(narrow), "pegasus-hierarchical-filter-80x24")
        let (wide, sorted) = try pegasusRun("hierarchical_wf_success", width: 160, height: 40)
        _ = sorted.command(["sort", "wf", "desc"], app: wide)
        assertSnapshot(frame(wide), "pegasus-hierarchical-sorted-160x40")
        let (grouped, byWorkflow) = try pegasusRun("hierarchical_wf_success", width: 100, height: 30)
        _ = grouped.handle(.char("v"))
        _ = grouped.handle(.char("v"))
        _ = grouped.handle(.char("v"))
        XCTAssertEqual(byWorkflow.view, .workflow)
        _ = grouped.handle(.char("j"))
        _ = grouped.handle(.char("h"))  // up to the parent's group
        _ = grouped.handle(.char("h"))  // folds it
        assertSnapshot(frame(grouped), "pegasus-hierarchical-by-workflow-100x30")
    }

    func jobModel(_ run: String, job: String, width: Int, height: Int, tab: JobScreen.Tab) throws -> (AppModel, JobScreen) {
        let dir = try Fixture.pegasus(run)
        let location = try RunLocation.locate(dir)
        let detail = try JobDetailReader.read(location, job: job, plan: nil)
        let app = Fixture.model(width: width, height: height)
        let screen = JobScreen(directory: dir, job: job, kind: .pegasus, tab: tab)
        app.push(screen)
        app.receive(DataUpdate(key: .job(dir, job), payload: .job(detail)))
        if let r = screen.attempt?.record { app.receive(DataUpdate(key: .record(r), payload: .record(try KickstartRecord.read(r)))) }
        if let source = screen.logSource {
            let text: LogText
            switch source {
            case .file(let p): text = LogReader(path: p).read()
            case .text(let t): text = LogReader.text(t, source: source)
            case .none(let why): text = LogText(source: source, lines: [], error: why)
            }
            app.receive(DataUpdate(key: .log(source), payload: .log(text)))
        }
        return (app, screen)
    }

    func testPegasusJobScreens() throws {
        let (definition, _) = try jobModel("process_wf_failure", job: "ls_ID0000001", width: 80, height: 24, tab: .definition)
        assertSnapshot(frame(definition), "job-definition-80x24")
        let (attempts, _) = try jobModel("process_wf_failure", job: "ls_ID0000001", width: 120, height: 30, tab: .attempts)
        assertSnapshot(frame(attempts), "job-attempts-120x30")
        let (record, _) = try jobModel("process_wf_failure", job: "ls_ID0000001", width: 100, height: 40, tab: .record)
        assertSnapshot(frame(record), "job-record-100x40")
        let (stderr, _) = try jobModel("process_wf_failure", job: "ls_ID0000001", width: 80, height: 24, tab: .stderr)
        assertSnapshot(frame(stderr), "job-stderr-80x24")
        let (stdout, _) = try jobModel("process_wf_failure", job: "ls_ID0000001", width: 80, height: 24, tab: .stdout)
        XCTAssertTrue(frame(stdout).contains("/bin/ls: invalid option -- 'z'"))
    }

    func testPegasusFailures() throws {
        let dir = try Fixture.pegasus("hierarchical_wf_failure")
        let report = try AnalysisReader.read(dir, tail: 40)
        for (w, h) in [(80, 24), (160, 48)] {
            let app = Fixture.model(width: w, height: h)
            app.push(FailuresScreen(directory: dir, label: "hierarchical", kind: .pegasus))
            app.receive(DataUpdate(key: .failures(dir), payload: .failures(report)))
            assertSnapshot(frame(app), "failures-\(w)x\(h)")
            XCTAssertEqual(app.availability(.retry), .disabled(RunActions.readOnly))
        }
    }

    func testPegasusStatistics() throws {
        let dir = try Fixture.pegasus("process_wf_failure")
        let data = try StatisticsDataReader.read(RunLocation.locate(dir), now: Fixture.now)
        XCTAssertEqual(data.bars.count, 3)
        let app = Fixture.model(width: 80, height: 24)
        app.push(StatisticsScreen(directory: dir, label: "process", kind: .pegasus))
        app.receive(DataUpdate(key: .statistics(dir), payload: .statistics(data)))
        assertSnapshot(frame(app), "statistics-timeline-80x24")
        _ = app.handle(.char("v"))
        assertSnapshot(frame(app), "statistics-transformations-80x24")
        let big = Fixture.model(width: 160, height: 48)
        big.push(StatisticsScreen(directory: dir, label: "process", kind: .pegasus))
        big.receive(DataUpdate(key: .statistics(dir), payload: .statistics(data)))
        _ = big.handle(.tab)
        assertSnapshot(frame(big), "statistics-tables-160x48")
    }
}

/// Untrusted text never reaches the terminal raw.
final class EscapeSafetyTests: XCTestCase {
    func testALogFullOfEscapeSequencesIsShownAsVisibleEscapes() throws {
        let dir = try Fixture.pegasus("process_wf_failure")
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("skein-evil-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        var evil = "plain start\n"
        evil += "\u{1B}[31mred\u{1B}[0m and \u{1B}[2J clear screen\n"
        evil += "title \u{1B}]0;owned\u{07} bell\u{07}\n"
        evil += "cursor \u{1B}[10;10H move, \u{1B}[?1049h alt screen, \u{1B}P device control \u{1B}\\\n"
        evil += "C1 CSI \u{9B}31m, backspace ab\u{08}\u{08}, carriage\rreturn, nul \u{0}\n"
        evil += "bidi \u{202E}txet desrever\u{202C}, DEL \u{7F}\n"
        evil += "tab\tstop\n"
        evil += "partial \u{1B}["
        try evil.write(to: log, atomically: true, encoding: .utf8)
        let location = try RunLocation.locate(dir)
        var detail = try JobDetailReader.read(location, job: "ls_ID0000001", plan: nil)
        detail.attempts[detail.attempts.count - 1].stderr = .file(log.path)
        let app = Fixture.model(width: 100, height: 20)
        let screen = JobScreen(directory: dir, job: "ls_ID0000001", kind: .pegasus, tab: .stderr)
        app.push(screen)
        app.receive(DataUpdate(key: .job(dir, "ls_ID0000001"), payload: .job(detail)))
        XCTAssertEqual(screen.logSource, .file(log.path))
        app.receive(DataUpdate(key: .log(.file(log.path)), payload: .log(LogReader(path: log.path).read())))
        let backend = MemoryBackend(width: 100, height: 20)
        backend.present(Fixture.render(app))
        let text = backend.text
        XCTAssertTrue(text.contains("^[[31mred^[[0m and ^[[2J clear screen"), text)
        XCTAssertTrue(text.contains("title ^[]0;owned^G bell^G"), text)
        XCTAssertTrue(text.contains("^[[?1049h alt screen, ^[P device control ^[\\"), text)
        XCTAssertTrue(text.contains("C1 CSI <U+009B>31m, backspace ab^H^H, carriage^Mreturn, nul ^@"), text)
        XCTAssertTrue(text.contains("bidi <U+202E>txet desrever<U+202C>, DEL ^?"), text)
        XCTAssertTrue(text.contains("tab     stop"), text)
        XCTAssertTrue(text.contains("partial ^[["), text)
        // Nothing unsafe in any cell of the frame the backend would write.
        for cell in backend.frame!.cells {
            for s in cell.character.unicodeScalars {
                XCTAssertFalse(Untrusted.isUnsafe(s), "U+\(String(s.value, radix: 16)) would reach the terminal")
            }
        }
        // Searching the log finds the text around escapes.
        _ = screen.promptAccepted(Prompt(kind: .search, text: "clear"), app: app)
        XCTAssertEqual(screen.logViews[.stderr]?.match, 1)
    }

    func testEscapesInNamesAndArgumentsToo() {
        var jobs = Fixture.demoJobs
        jobs[1].id = "prep\u{1B}[5mblink"
        jobs[2].parents = ["prep\u{1B}[5mblink"]
        jobs[3].parents = ["prep\u{1B}[5mblink"]
        jobs[6].parents = ["prep\u{1B}[5mblink"]
        jobs[6].host = "host\u{9B}1;1H"
        let (app, s) = Fixture.runModel(width: 120, height: 24, data: Fixture.demoRun(jobs: jobs))
        s.cursor.index = 7
        let text = Fixture.render(app).text
        XCTAssertTrue(text.contains("prep^[[5mblink"), text)
        XCTAssertTrue(text.contains("host<U+009B>1"), text)
        XCTAssertEqual(Format.shellWord("a\u{1B}b"), "'a\u{1B}b'", "quoting leaves escaping to the cell buffer")
    }

    func testTheDiffWritesOnlyWhatChanged() {
        let (app, _) = Fixture.runModel()
        let backend = MemoryBackend()
        backend.present(Fixture.render(app))
        XCTAssertEqual(backend.lastWrittenCells, 80 * 24)
        backend.present(Fixture.render(app))
        XCTAssertEqual(backend.lastWrittenCells, 0, "an unchanged frame writes nothing")
        _ = app.handle(.char("j"))
        backend.present(Fixture.render(app))
        XCTAssertGreaterThan(backend.lastWrittenCells, 0)
        XCTAssertLessThan(backend.lastWrittenCells, 80 * 5, "moving the selection rewrites about two rows and the status line")
    }
}
