import XCTest
import SkeinReports
@testable import SkeinTUI

/// Where things go on screen: the scrollbar has a column of its own.
final class LayoutTests: XCTestCase {
    func testTheScrollbarHasItsOwnColumn() {
        let jobs = (1...60).map { Fixture.Job(id: "job\($0)", state: "done", duration: 1234.5) }
        for width in [80, 120] {
            let (app, _) = Fixture.runModel(width: width, height: 24, data: Fixture.demoRun(jobs: jobs))
            let frame = Fixture.render(app)
            let list = Layout.runList(width: width, height: 24)
            for y in list.y..<list.maxY {
                let row = frame.rowText(y)
                XCTAssertTrue(row.hasSuffix("│") || row.hasSuffix("█"), "row \(y) ends in the scrollbar: \(row)")
                XCTAssertTrue(row.dropLast().trimmingCharacters(in: .whitespaces).hasSuffix(width >= 100 ? "0" : "20m35s"),
                              "the last column is whole: \(row)")
            }
        }
    }
}
