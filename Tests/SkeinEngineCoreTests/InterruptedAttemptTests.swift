@testable import SkeinEngineCore
import XCTest

/// An attempt ended by Skein's own machinery (its skein-spawner died) is not the job's
/// failure: it runs again without using up a retry (issue 13, item 10).
final class InterruptedAttemptTests: XCTestCase {
    let interrupted = AttemptOutcome(succeeded: false, reason: "interrupted: skein-spawner ended", interrupted: true)

    func testAnInterruptedAttemptRunsAgainWithNoRetriesLeft() {
        var s = Scheduler(jobs: [SchedulerJob(parents: [], retries: 0)], maxJobs: 1)
        XCTAssertEqual(s.handle(.start, now: 0), [.spawn(job: 0, attempt: 0)])
        let actions = s.handle(.finished(job: 0, attempt: 0, outcome: interrupted), now: 1)
        XCTAssertEqual(actions.first.map { if case .failed(0, 0, let retry, _) = $0 { return retry } else { return false } }, true)
        XCTAssertTrue(actions.contains(.spawn(job: 0, attempt: 1)))
        XCTAssertEqual(s.handle(.finished(job: 0, attempt: 1, outcome: .success), now: 2).last, .finished(.succeeded))
    }

    func testInterruptionsDoNotUseUpRetries() {
        var s = Scheduler(jobs: [SchedulerJob(parents: [], retries: 1)], maxJobs: 1)
        _ = s.handle(.start, now: 0)
        _ = s.handle(.finished(job: 0, attempt: 0, outcome: interrupted), now: 1)
        // A real failure still has its one retry.
        let failed = s.handle(.finished(job: 0, attempt: 1, outcome: AttemptOutcome(succeeded: false, exitCode: 1, reason: "exit code 1")), now: 2)
        XCTAssertTrue(failed.contains(.spawn(job: 0, attempt: 2)))
        let last = s.handle(.finished(job: 0, attempt: 2, outcome: AttemptOutcome(succeeded: false, exitCode: 1, reason: "exit code 1")), now: 3)
        XCTAssertEqual(last.last, .finished(.failed))
    }

    func testEndlessInterruptionsFailInTheEnd() {
        var s = Scheduler(jobs: [SchedulerJob(parents: [])], maxJobs: 1)
        _ = s.handle(.start, now: 0)
        var attempt = 0
        var last: [SchedulerAction] = []
        while attempt <= Scheduler.maxFreeReruns {
            last = s.handle(.finished(job: 0, attempt: attempt, outcome: interrupted), now: Double(attempt))
            attempt += 1
        }
        XCTAssertEqual(last.last, .finished(.failed))
    }

    func testAnInterruptionWhileTheRunIsRemovedIsNotRunAgain() {
        var s = Scheduler(jobs: [SchedulerJob(parents: [])], maxJobs: 1)
        _ = s.handle(.start, now: 0)
        _ = s.handle(.command(.remove), now: 1)
        XCTAssertEqual(s.handle(.finished(job: 0, attempt: 0, outcome: interrupted), now: 2).last, .finished(.removed))
    }
}
