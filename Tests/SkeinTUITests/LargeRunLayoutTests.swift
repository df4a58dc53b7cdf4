import XCTest
import SkeinReports
import SkeinTestSupport
@testable import SkeinTUI

/// The structures that keep a million-job Run screen cheap (flat links, folds as a flag
/// with exceptions, the one-pass filter, rows looked up by job) against the plain walks
/// they replace, on random DAGs.
final class LargeRunLayoutTests: XCTestCase {
    /// A random DAG of `n` jobs (parents among earlier jobs), as the Run screen receives it.
    func randomRun(_ n: Int, _ random: inout SeededRandom) -> RunData {
        var jobs: [Fixture.Job] = []
        func id(_ i: Int) -> String { i % 7 == 0 ? "JOB\(i)" : "job\(i)" }  // some upper case, for the lower-cased index
        for i in 0..<n {
            var parents: Set<String> = []
            if i > 0 { for _ in 0..<Int.random(in: 0...3, using: &random) { parents.insert(id(Int.random(in: 0..<i, using: &random))) } }
            let state = ["done", "failed", "running", "futile", "unready"].randomElement(using: &random)!
            jobs.append(Fixture.Job(id: id(i), state: state, parents: parents.sorted(),
                                    transformation: ["tr::a", "tr::B", "other"].randomElement(using: &random)!))
        }
        return Fixture.demoRun(jobs: jobs)
    }

    /// The rows shown with `isCollapsed`, one by one: what `Folds.visibleRows` replaces.
    func naiveRows(_ t: FlatTree, _ folded: (Int32) -> Bool) -> [Int32] {
        var out: [Int32] = []
        var i = 0
        while i < t.count {
            out.append(Int32(i))
            i += t.hasChildren(i) && folded(t.node[i]) ? Int(t.size[i]) : 1
        }
        return out
    }

    func testFoldsShowWhatAWalkOverEveryRowShows() {
        var random = SeededRandom("folds")
        for _ in 0..<20 {
            let d = randomRun(Int.random(in: 1...200, using: &random), &random)
            for t in [d.tree, d.byLevel, d.byTransformation] {
                let foldable = (0..<t.count).filter { t.hasChildren($0) }.map { t.node[$0] }
                for all in [false, true] {
                    var folds = Folds(all: all)
                    for node in foldable where Bool.random(using: &random) { folds.toggle(node) }
                    XCTAssertEqual(folds.visibleRows(t), naiveRows(t, folds.isCollapsed), "all: \(all), except: \(folds.except.sorted())")
                }
                XCTAssertEqual(Folds().visibleRows(t), Array(0..<Int32(t.count)))
            }
        }
    }

    func testEveryJobAndGroupHeaderIsFoundByItsRow() {
        var random = SeededRandom("rows")
        let d = randomRun(150, &random)
        for t in [d.tree, d.byLevel, d.byTransformation] {
            for j in 0..<d.jobs.count {
                let row = t.row(of: Int32(j))
                XCTAssertEqual(t.node[row], Int32(j))
                XCTAssertFalse(t.isReference(row), "a job's row is its full one")
                XCTAssertEqual(row, (0..<t.count).first { t.node[$0] == Int32(j) && !t.isReference($0) })
            }
            for g in t.groupTitles.indices { XCTAssertEqual(t.node[t.row(of: -Int32(g) - 1)], -Int32(g) - 1) }
        }
    }

    func testGroupHeadersCountTheirJobsByState() {
        var random = SeededRandom("groups")
        let d = randomRun(120, &random)
        for t in [d.byLevel, d.byTransformation] {
            XCTAssertEqual(t.groupStates.count, t.groupTitles.count)
            for g in t.groupTitles.indices {
                let header = t.row(of: -Int32(g) - 1)
                var counts = [Int32](repeating: 0, count: DisplayState.allCases.count)
                for r in (header + 1)..<(header + Int(t.size[header])) { counts[d.display[Int(t.node[r])].ordinal] += 1 }
                XCTAssertEqual(t.groupStates[g], counts)
            }
        }
        XCTAssertEqual(DisplayState.allCases.map(\.ordinal), Array(DisplayState.allCases.indices))
    }

    func testTheOnePassFilterFindsWhatEachJobsOwnSearchFinds() {
        var random = SeededRandom("filter")
        let d = randomRun(300, &random)
        for pattern in ["job1", "tr::b", "b", "9", "ther", "job", "::", "nothing here", "r::a"] {
            let bytes = Array(pattern.lowercased().utf8)
            let hit = d.matching(bytes)
            XCTAssertEqual(hit, (0..<d.jobs.count).map { d.matches($0, bytes) }, pattern)
            let expected = (0..<d.jobs.count).map { j in
                d.jobs[j].id.lowercased().contains(pattern) || d.transformation[j].lowercased().contains(pattern)
            }
            XCTAssertEqual(hit, expected, pattern)
        }
    }

    func testLinksFromPairsKeepTheirOrderAndTravelAsLists() throws {
        let links = JobLinks(count: 4, from: [2, 0, 2, 3, 2], to: [1, 3, 0, 0, 3])
        XCTAssertEqual(links.map(Array.init), [[3], [], [1, 0, 3], [0]])
        XCTAssertEqual(links.degree(2), 3)
        var sorted = links
        sorted.sortEach(by: [3, 2, 1, 0])  // position of each job: 3 first
        XCTAssertEqual(sorted[2], [3, 1, 0][...])
        let json = try JSONEncoder().encode(links)
        XCTAssertEqual(String(decoding: json, as: UTF8.self), "[[3],[],[1,0,3],[0]]")
        XCTAssertEqual(try JSONDecoder().decode(JobLinks.self, from: json), links)
        XCTAssertEqual(JobLinks([[3], [], [1, 0, 3], [0]]), links)
    }
}
