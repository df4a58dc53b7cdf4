import XCTest
@testable import SkeinProvenance

/// Output quoting must be byte-for-byte Pegasus's, checked against rows Pegasus wrote.
final class StampedeTextTests: XCTestCase {
    func testQuoteMatchesPegasusRows() throws {
        let path = TestPaths.fixtureRuns.appendingPathComponent("process_wf_failure/process-0.stampede.db").path
        let db = try SQLiteDatabase(path: path, readOnly: true)
        let texts = try db.query("SELECT stdout_text, stderr_text FROM job_instance").flatMap { $0.values.compactMap(\.string) }
        XCTAssertGreaterThan(texts.count, 3)
        for quoted in texts {
            XCTAssertEqual(StampedeText.quote(StampedeText.unquote(quoted)), quoted)
        }
    }

    func testSectionsAsPegasusWritesThem() {
        XCTAssertNil(StampedeText.jobStdoutText([TaskOutput(taskSeq: 1)]))
        let text = StampedeText.jobStdoutText([TaskOutput(taskSeq: 1, stdout: "a\n"), TaskOutput(taskSeq: 2, stderr: "50% 'b' é")])
        XCTAssertEqual(text, "#@ 1 stdout%0Aa%0A%0A#@ 2 stderr%0A50%25 %27b%27 %C3%A9%0A")
        XCTAssertEqual(StampedeText.quote("\"\t"), "%22%09")
        let long = String(repeating: "x", count: 70_000)
        let cut = StampedeText.unquote(StampedeText.jobStdoutText([TaskOutput(taskSeq: 1, stdout: long)])!)
        XCTAssertEqual(cut.count, "#@ 1 stdout\n".count + StampedeText.maxOutputLength - 20 + 1)
        XCTAssertEqual(StampedeText.jobStderrText(long)?.count, StampedeText.maxOutputLength - 2000)
    }
}
