import SkeinEngineCore
import XCTest

/// Virtual time: timers run when time is advanced past them, in deadline order, with the
/// clock at their deadline; cancelled ones never run.
final class VirtualClockTests: XCTestCase {
    final class Log: @unchecked Sendable {
        var entries: [String] = []
    }

    func testAdvanceRunsDueTimersInDeadlineOrder() {
        let clock = VirtualClock(now: 100)
        let log = Log()
        clock.schedule(after: 5) { log.entries.append("b@\(clock.now())") }
        clock.schedule(after: 2) { log.entries.append("a@\(clock.now())") }
        clock.schedule(after: 9) { log.entries.append("c@\(clock.now())") }
        clock.advance(by: 6)
        XCTAssertEqual(log.entries, ["a@102.0", "b@105.0"])
        XCTAssertEqual(clock.now(), 106)
        clock.advance(by: 3)
        XCTAssertEqual(log.entries, ["a@102.0", "b@105.0", "c@109.0"])
    }

    func testTimersSetByActionsRunWhenDueWithinTheSameAdvance() {
        let clock = VirtualClock(now: 0)
        let log = Log()
        clock.schedule(after: 1) {
            log.entries.append("first@\(clock.now())")
            clock.schedule(after: 1) { log.entries.append("second@\(clock.now())") }
            clock.schedule(after: 10) { log.entries.append("late") }
        }
        clock.advance(by: 3)
        XCTAssertEqual(log.entries, ["first@1.0", "second@2.0"])
        XCTAssertEqual(clock.pendingCount, 1)
    }

    func testCancelledTimerNeverRuns() {
        let clock = VirtualClock(now: 0)
        let log = Log()
        let timer = clock.schedule(after: 1) { log.entries.append("ran") }
        timer.cancel()
        clock.advance(by: 5)
        XCTAssertEqual(log.entries, [])
        XCTAssertEqual(clock.pendingCount, 0)
    }
}
