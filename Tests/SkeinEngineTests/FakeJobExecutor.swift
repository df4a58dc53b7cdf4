import Foundation
@testable import SkeinEngine
import SkeinEngineCore

/// A fake executor: it stands in for processes so the engine's time can be controlled. It
/// runs nothing; it records what the engine asked (start, stop) and ends attempts when the
/// test says, with a `.completed` termination (work done without a process). A forced stop
/// ends the attempt at once, as SIGKILL would; a plain stop is only recorded, as for a job
/// that ignores SIGTERM.
final class FakeJobExecutor: JobExecutor, @unchecked Sendable {
    enum Event: Hashable {
        case started(job: Int, attempt: Int)
        case stopped(job: Int, attempt: Int, force: Bool)
    }

    private let condition = NSCondition()
    private var recorded: [Event] = []
    private var running: [Int: (attempt: Int, ended: @Sendable (AttemptEnd) -> Void)] = [:]
    private let clock: EngineClock

    init(clock: EngineClock) {
        self.clock = clock
    }

    var events: [Event] {
        condition.lock()
        defer { condition.unlock() }
        return recorded
    }

    func start(_ launch: AttemptLaunch, progress: @escaping @Sendable (AttemptProgress) -> Void, ended: @escaping @Sendable (AttemptEnd) -> Void) -> Bool {
        condition.lock()
        running[launch.job] = (launch.attempt, ended)
        recorded.append(.started(job: launch.job, attempt: launch.attempt))
        condition.broadcast()
        condition.unlock()
        progress(.running(host: "fake"))
        return true
    }

    func stop(job: Int, attempt: Int, force: Bool) {
        condition.lock()
        recorded.append(.stopped(job: job, attempt: attempt, force: force))
        condition.broadcast()
        condition.unlock()
        if force { end(job: job, succeeded: false, exitCode: nil, message: "stopped by force") }
    }

    func cleanUpOrphan(_ id: String, job: String, workflowUUID: String) {}

    /// Ends the running attempt of `job` as work done in-process.
    func end(job: Int, succeeded: Bool, exitCode: Int32? = nil, message: String? = nil, took seconds: Double = 0) {
        condition.lock()
        let entry = running.removeValue(forKey: job)
        condition.unlock()
        let now = clock.now()
        entry?.ended(AttemptEnd(.completed(succeeded: succeeded, exitCode: exitCode, start: now - seconds, end: now, message: message)))
    }

    /// Waits (on a condition, not a sleep) until `event` was recorded.
    func waitFor(_ event: Event, timeout: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !recorded.contains(event) {
            if !condition.wait(until: deadline) { return recorded.contains(event) }
        }
        return true
    }
}
