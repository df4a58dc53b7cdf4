import Foundation
import XCTest
@testable import SkeinReports

/// Skein's readers on real Pegasus submit directories report the same facts as Pegasus's
/// own tools (`Tests/Fixtures/pegasus-runs/expected/`): the same counts, the same
/// failed jobs, the same exit codes, the same stderr.
final class PegasusFixtureTests: XCTestCase {
    /// What pegasus-analyzer printed: the summary numbers, failed jobs and their details.
    struct AnalyzerOutput {
        var submitDir = ""
        var status = ""
        var counts: [String: Int] = [:]
        var failedJobs: [String] = []
        var lastStates: [String] = []
        var exitcodes: [Int] = []
        var hostnames: [String] = []
        var executables: [String] = []
        var stderrSections: [String] = []
        var errorLines: [String] = []

        init(_ text: String) {
            let lines = text.components(separatedBy: "\n")
            var section: String?
            var collected: [String] = []
            func flush() {
                if section != nil { stderrSections.append(collected.joined(separator: "\n").trimmingCharacters(in: .newlines)) }
                section = nil; collected = []
            }
            var inFailed = false
            for line in lines {
                let value = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                if line.hasPrefix(" Submit Directory") { submitDir = value }
                if line.hasPrefix(" Workflow Status") { status = value }
                for key in ["Total jobs", "# jobs succeeded", "# jobs failed", "# jobs held", "# jobs unsubmitted"] where line.hasPrefix(" " + key) {
                    counts[key] = Int(value.split(separator: " ").first ?? "")
                }
                if line.contains("Failed jobs' details") { inFailed = true }
                if inFailed, line.count == 80, line.hasPrefix("="), line.hasSuffix("=") {
                    failedJobs.append(line.trimmingCharacters(in: CharacterSet(charactersIn: "=")))
                }
                if line.hasPrefix(" last state:") { lastStates.append(value) }
                if line.hasPrefix("exitcode    :") { exitcodes.append(Int(value) ?? -999) }
                if line.hasPrefix("hostname    :") { hostnames.append(value) }
                if line.hasPrefix("executable  :") { executables.append(value) }
                if line.contains(":ERROR:") { errorLines.append(String(line[line.range(of: "):")!.upperBound...]).trimmingCharacters(in: .whitespaces)) }
                if line.count == 80, line.hasPrefix("-"), line.hasSuffix("-") {
                    flush()
                    if line.contains("Kickstart stderr") { section = line }
                    continue
                }
                if line.count == 80 && (line.hasPrefix("=") || line.hasPrefix("*")) || line.contains(":ERROR:") { flush() }
                if section != nil { collected.append(line) }
            }
            flush()
        }
    }

    func analyzerMatches(_ fixture: String, expectedFile: String) throws {
        let expected = AnalyzerOutput(try Paths.expected(expectedFile))
        let report = try AnalysisReader.read(Paths.fixture(fixture), tail: 0)
        XCTAssertEqual(report.submitDirectory, expected.submitDir)
        XCTAssertEqual(report.workflowStatus, expected.status)
        XCTAssertEqual(report.total, expected.counts["Total jobs"])
        XCTAssertEqual(report.succeeded, expected.counts["# jobs succeeded"])
        XCTAssertEqual(report.failed, expected.counts["# jobs failed"])
        XCTAssertEqual(report.held, expected.counts["# jobs held"])
        XCTAssertEqual(report.unsubmitted, expected.counts["# jobs unsubmitted"])
        XCTAssertEqual(report.failedJobs.map(\.job), expected.failedJobs)
        XCTAssertEqual(report.failedJobs.map { $0.lastState ?? "" }, expected.lastStates)
        let shownTasks = report.failedJobs.flatMap { a in a.tasks.filter { $0.seq >= -1 && $0.rawStatus != 0 } }
        XCTAssertEqual(shownTasks.map(\.exitCode), expected.exitcodes)
        XCTAssertEqual(shownTasks.map(\.executable), expected.executables)
        XCTAssertEqual(report.failedJobs.map { $0.host ?? "-" }, expected.hostnames)
        XCTAssertEqual(shownTasks.compactMap { $0.stderr?.text }, expected.stderrSections.map { $0 })
        // Exit code 2, and the same "Workflow Failed" line pegasus-analyzer logs on stderr.
        XCTAssertEqual(report.exitCode, 2)
        let failedLine = expected.errorLines.first { $0.hasPrefix("Workflow Failed") }
        XCTAssertEqual(failedLine, "Workflow Failed  wf_uuid: \(report.wfUUID ?? "") submit dir: \(report.submitDirectory)")
        // The text rendering carries pegasus-analyzer's summary block line for line.
        let text = AnalysisRenderer.text(report)
        let original = try Paths.expected(expectedFile)
        let summary = original.components(separatedBy: "\n").filter { $0.hasPrefix(" Total jobs") || $0.hasPrefix(" # jobs") || $0.hasPrefix(" Workflow Status") }
        for line in summary { XCTAssertTrue(text.contains(line + "\n"), "missing: \(line)\n\(text)") }
        for job in expected.failedJobs { XCTAssertTrue(text.contains(PegasusFormat.center(job, 80, "=")), job) }
    }

    func testAnalyzerOnFailedProcessWorkflow() throws {
        try analyzerMatches("process_wf_failure", expectedFile: "analyzer_sample_process_wf_failure.txt")
        let report = try AnalysisReader.read(Paths.fixture("process_wf_failure"))
        let ls = try XCTUnwrap(report.failedJobs.first)
        XCTAssertEqual(ls.stderr(0), " /bin/ls: invalid option -- 'z'\nTry '/bin/ls --help' for more information.")
        XCTAssertEqual(ls.reason, "exit code 2")
        XCTAssertEqual(ls.attempt, 2)
        XCTAssertEqual(ls.maxAttempts, 2)
        // Pegasus leaves the invocation's arguments empty; Skein shows the task's.
        XCTAssertEqual(ls.tasks.first { $0.seq == 1 }?.arguments, "-z /")
        XCTAssertEqual(ls.workDir, "/home/mzalam/wf/condor/local/execute/dir_148537")
    }

    func testAnalyzerOnFailedHierarchicalWorkflow() throws {
        try analyzerMatches("hierarchical_wf_failure", expectedFile: "analyzer_sample_hierarchical_failure.txt")
        let report = try AnalysisReader.read(Paths.fixture("hierarchical_wf_failure"), tail: 0)
        let job = try XCTUnwrap(report.failedJobs.first)
        XCTAssertEqual(job.type, "dax")
        XCTAssertEqual(job.reason, "PRE script failed: exit code 2")
        let pre = try XCTUnwrap(job.tasks.first { $0.seq == -1 })
        XCTAssertEqual(pre.transformation, "dagman::pre")
        // The PRE script's output is shown whole, as pegasus-analyzer shows it.
        let expected = try Paths.expected("analyzer_sample_hierarchical_failure.txt")
        let body = try XCTUnwrap(expected.components(separatedBy: "Task #-1 - dagman::pre - None - stdout").last)
        let firstLines = body.components(separatedBy: "\n").dropFirst(2).prefix(5).joined(separator: "\n")
        XCTAssertTrue(pre.stdout?.text.contains(firstLines) ?? false)
    }

    func testAnalyzerOnSucceededWorkflowExitsZero() throws {
        let report = try AnalysisReader.read(Paths.fixture("process_wf_success"))
        XCTAssertEqual(report.workflowStatus, "success")
        XCTAssertEqual([report.total, report.succeeded, report.failed, report.held, report.unsubmitted], [5, 5, 0, 0, 0])
        XCTAssertEqual(report.exitCode, 0)
        XCTAssertTrue(report.failedJobs.isEmpty)
    }

    /// Columns of a whitespace-aligned table row.
    func cells(_ line: Substring) -> [String] { line.split(separator: " ").map(String.init) }

    func testStatisticsMatchPegasusStatistics() throws {
        let report = try StatisticsReader.read(Paths.fixture("process_wf_failure"), includeJobs: true)
        let text = StatisticsRenderer.text(report)
        let summary = try Paths.expected("statistics_process_wf_failure/summary.txt")
        // The table rows and every time line, exactly (trailing blanks aside).
        for line in summary.split(separator: "\n") where !line.hasPrefix("#") {
            let trimmed = line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
            XCTAssertTrue(text.contains(trimmed + "\n"), "missing: '\(trimmed)'\n\(text)")
        }
        let rows = Dictionary(uniqueKeysWithValues: report.summary.map { ($0.type, [$0.succeeded, $0.failed, $0.incomplete, $0.total, $0.retries, $0.totalPlusRetries]) })
        XCTAssertEqual(rows["Tasks"], [0, 1, 0, 1, 1, 2])
        XCTAssertEqual(rows["Jobs"], [1, 1, 3, 5, 1, 3])
        XCTAssertEqual(rows["Sub-Workflows"], [0, 0, 0, 0, 0, 0])
        // breakdown.txt and jobs.txt: the same rows, cell for cell.
        let breakdown = try Paths.expected("statistics_process_wf_failure/breakdown.txt")
        let expectedRows = breakdown.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("Transformation") }.map(cells)
        let ours = report.transformations.flatMap { $0.rows.map(StatisticsRenderer.transformationValues) }
        XCTAssertEqual(ours, Array(expectedRows.prefix(ours.count)))
        let jobs = try Paths.expected("statistics_process_wf_failure/jobs.txt")
        let expectedJobs = jobs.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("Job ") }.map(cells)
        XCTAssertEqual(report.jobs?.flatMap { $0.rows.map(StatisticsRenderer.jobValues) }, expectedJobs)
        // Integrity.
        XCTAssertEqual(report.integrity, [IntegrityRow(type: "compute", fileType: "output", count: 2, duration: 0)])
        XCTAssertTrue(text.contains("2 files checksums generated with total duration of 0.00 secs"))
        XCTAssertTrue(text.contains("Failures: 0 job failures had integrity errors"))
    }

    func testStatisticsOnHierarchicalWorkflowCountsTheSubWorkflowJob() throws {
        // Numbers from pegasus-statistics -s all on this submit directory.
        let report = try StatisticsReader.read(Paths.fixture("hierarchical_wf_failure"))
        let rows = Dictionary(uniqueKeysWithValues: report.summary.map { ($0.type, [$0.succeeded, $0.failed, $0.incomplete, $0.total, $0.retries, $0.totalPlusRetries]) })
        XCTAssertEqual(rows["Tasks"], [1, 0, 1, 2, 0, 1])
        XCTAssertEqual(rows["Jobs"], [6, 0, 6, 12, 0, 6])
        XCTAssertEqual(rows["Sub-Workflows"], [0, 1, 0, 1, 1, 2])
        XCTAssertEqual(PegasusFormat.formatSeconds(report.workflowWallTime, decimal: true), "1 min, 31 secs")
        XCTAssertEqual(PegasusFormat.formatSeconds(report.cumulativeJobWallTime), "13.82 secs")
        XCTAssertEqual(PegasusFormat.formatSeconds(report.cumulativeJobWallTimeSubmitSide), "16.0 secs")
        XCTAssertEqual(report.transformations.first?.rows.map(\.transformation),
                       ["curl", "dagman::post", "dagman::pre", "pegasus::dirmanager", "pegasus::rc-client", "pegasus::transfer"])
    }

    func testStatusMatchesPegasusStatus() throws {
        // What `pegasus-status -l` prints for these directories: DONE, FAIL, %DONE, STATE.
        let cases: [(String, Int, Int, Double, String, Int)] = [
            ("process_wf_success", 5, 0, 100, "Success", 0),
            ("process_wf_failure", 1, 1, 20, "Failure", 3),
            ("hierarchical_wf_failure", 6, 1, 46.15, "Failure", 6),
        ]
        for (name, done, failed, percent, state, futile) in cases {
            let r = try StatusReader.read(Paths.fixture(name), includeJobs: true)
            XCTAssertEqual(r.source, "database")
            XCTAssertEqual(r.workflows.count, 1)
            XCTAssertEqual(r.totals.done, done, name)
            XCTAssertEqual(r.totals.failed, failed, name)
            XCTAssertEqual(r.totals.percentDone, percent, name)
            XCTAssertEqual(r.workflows[0].state, state, name)
            // DAGMan's UNREADY is 0 after a failure: what cannot run is futile.
            XCTAssertEqual(r.totals.unready, 0, name)
            XCTAssertEqual(r.totals.futile, futile, name)
            XCTAssertEqual(r.jobs?.count, r.totals.total)
        }
        let failure = try StatusReader.read(Paths.fixture("process_wf_failure"), includeJobs: true)
        XCTAssertEqual(failure.jobs?.first { $0.id == "stage_out_local_local_0_0" }?.reason, "ls_ID0000001 failed")
        XCTAssertEqual(failure.jobs?.first { $0.id == "ls_ID0000001" }?.exitCode, 1, "the POST script's status, as the instance records it")
        let text = StatusRenderer.text(failure)
        XCTAssertTrue(text.contains("Summary: 1 DAG total (Failure:1)"), text)
    }

    func testStatusFromDagmanOutWithoutDatabase() throws {
        // pegasus-status -l on dagman-out-samples/sample1: 17 DONE, 100.0 %, Success.
        let r = try StatusReader.read(Paths.fixture("dagman-out-samples/sample1"))
        XCTAssertEqual(r.source, "dagman.out")
        XCTAssertEqual([r.totals.done, r.totals.failed, r.totals.total], [17, 0, 17])
        XCTAssertEqual(r.condition.phase, .succeeded)
        let failed = try StatusReader.read(Paths.fixture("dagman-out-samples/sample3"))
        XCTAssertEqual([failed.totals.done, failed.totals.failed, failed.totals.unready, failed.totals.total], [8, 3, 9, 20])
        XCTAssertEqual(failed.workflows[0].state, "Failure")
        let hierarchical = try StatusReader.read(Paths.fixture("dagman-out-samples/sample1_hr"))
        XCTAssertEqual(hierarchical.workflows.map(\.name), ["sample1_hr_success.dag", "inner.dag", "sleep-wf-0.dag"])
        XCTAssertEqual(hierarchical.workflows.map(\.depth), [0, 1, 1])
        XCTAssertEqual(hierarchical.totals.done, 33)
        let started = try StatusReader.read(Paths.fixture("dagman-out-samples/sample_started"))
        XCTAssertEqual(started.condition.phase, .running)
    }
}

extension AttemptDetail {
    /// The kickstart stderr of the task at `index` among its real tasks.
    func stderr(_ index: Int) -> String? { tasks.filter { $0.seq >= 0 }[index].stderr?.text }
}
