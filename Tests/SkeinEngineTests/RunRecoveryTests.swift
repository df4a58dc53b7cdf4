import XCTest
import SkeinEngine
import SkeinRunFormat

/// Replaying a journal: what a resumed engine skips, where attempts continue, what it must
/// clean up.
final class RunRecoveryTests: XCTestCase {
    let index = ["a": 0, "b": 1, "c": 2]

    func testEmptyJournalIsAFreshRun() {
        XCTAssertEqual(RunRecovery.replay([], jobIndex: index), ResumeState())
    }

    func testSucceededJobsAttemptsRestartsAndOrphans() {
        let state = RunRecovery.replay([
            .started(job: "-", attempt: 0),
            .started(job: "a", attempt: 0), .process(job: "a", attempt: 0, id: "local:10"), .succeeded(job: "a", attempt: 0),
            .started(job: "b", attempt: 0), .process(job: "b", attempt: 0, id: "local:11"), .failed(job: "b", attempt: 0),
            .started(job: "-", attempt: 1),
            .started(job: "b", attempt: 1), .process(job: "b", attempt: 1, id: "slurm:77"),
            .started(job: "c", attempt: 0),
        ], jobIndex: index)
        XCTAssertEqual(state.succeeded, [0])
        XCTAssertEqual(state.nextAttempt, [0: 1, 1: 2, 2: 1])
        XCTAssertEqual(state.restartCount, 2)
        XCTAssertEqual(state.orphans, ["b": "slurm:77"], "only the attempt never seen to end")
        XCTAssertEqual(state.startedWithoutProcess, ["c"], "c's process never reached the journal: found by its environment")
    }

    /// An attempt whose process line never made it (the engine died right after the launch)
    /// is found by its environment, even when an older attempt of the job left a process line.
    func testAnAttemptWithoutItsProcessLineIsStillToEnd() {
        let state = RunRecovery.replay([
            .started(job: "a", attempt: 0), .process(job: "a", attempt: 0, id: "local:10"),
            .started(job: "-", attempt: 1),
            .started(job: "a", attempt: 1),
        ], jobIndex: index)
        XCTAssertEqual(state.startedWithoutProcess, ["a"])
        XCTAssertEqual(state.orphans, ["a": "local:10"], "the older attempt's process is ended too")
    }

    /// The engine launches a child before writing its parent's record and `S` line ("launch
    /// first, write later"): killed in between, the journal has the child's start and not the
    /// parent's end. The parent runs again (its record may be missing) and the child, started
    /// on a parent the resume does not count as done, is ended and runs after it.
    func testKilledBetweenAChildsLaunchAndItsParentsEndLineRunsBothAgain() {
        let state = RunRecovery.replay([
            .started(job: "-", attempt: 0),
            .started(job: "a", attempt: 0), .process(job: "a", attempt: 0, id: "local:10"),
            .started(job: "b", attempt: 0),
        ], jobIndex: index)
        XCTAssertEqual(state.succeeded, [], "a's success was never journaled")
        XCTAssertEqual(state.nextAttempt, [0: 1, 1: 1])
        XCTAssertEqual(state.orphans, ["a": "local:10"])
        XCTAssertEqual(state.startedWithoutProcess, ["b"], "b is found by its environment and ended")

        let later = RunRecovery.replay([
            .started(job: "a", attempt: 0), .process(job: "a", attempt: 0, id: "local:10"),
            .started(job: "b", attempt: 0), .succeeded(job: "a", attempt: 0),
        ], jobIndex: index)
        XCTAssertEqual(later.succeeded, [0], "a's end line after b's launch still counts")
        XCTAssertEqual(later.startedWithoutProcess, ["b"])
        XCTAssertEqual(later.orphans, [:])
    }

    func testJobsMissingFromThePlanAreStillCleanedUp() {
        let state = RunRecovery.replay([.started(job: "gone", attempt: 0), .process(job: "gone", attempt: 0, id: "local:5")], jobIndex: index)
        XCTAssertEqual(state.orphans, ["gone": "local:5"])
        XCTAssertTrue(state.nextAttempt.isEmpty)
    }
}
