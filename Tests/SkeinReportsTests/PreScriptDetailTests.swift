import Foundation
import XCTest
@testable import SkeinReports

/// A sub-workflow job that failed in its PRE script: its files are the script's log and
/// errors, not a kickstart record and an empty stderr.
final class PreScriptDetailTests: XCTestCase {
    func testAPreScriptFailureShowsTheScriptsLogAndErrors() throws {
        let dir = Paths.fixture("hierarchical_wf_failure")
        let detail = try JobDetailReader.read(RunLocation.locate(dir), job: "pegasus-plan_diamond_subworkflow", plan: nil)
        let last = try XCTUnwrap(detail.attempts.last)
        XCTAssertNil(last.record, "pre.log.001 is no kickstart record")
        XCTAssertEqual(last.stdout, .file(dir + "/pegasus-plan_diamond_subworkflow.pre.log.001"))
        XCTAssertEqual(last.stderr, .file(dir + "/pegasus-plan_diamond_subworkflow.pre.err.001"))
    }
}
