import Foundation
import XCTest
@testable import SkeinEngine
import SkeinEngineCore
import SkeinRunFormat

/// The real WorkflowEngine in virtual time: a fake executor instead of processes and a
/// VirtualClock instead of the wall clock, so walltimes, the kill grace, retries, control
/// polling and a stop are tested without sleeping.
final class EngineVirtualTimeTests: XCTestCase {
    var scratch: URL!
    let clock = VirtualClock(now: 1_700_000_000)

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    /// Jobs `j0`, `j1`, ... run by the fake executor; `parents[i]` are job i's parents.
    func plan(_ count: Int, parents: [Int: [Int]] = [:], retries: Int = 0, walltime: Double? = nil) -> ExecutablePlan {
        let work = scratch.appendingPathComponent("work").path
        try? FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        return ExecutablePlan(
            label: "virtual", wfUUID: UUID().uuidString, workflowFile: "wf.yml", runDirectory: scratch.path, scratchDirectory: work,
            outputDirectory: work, createdAt: clock.now(), plannerArguments: [],
            jobs: (0..<count).map {
                ExecutableJob(id: "j\($0)", kind: .compute, transformation: "fake", site: "local", executable: "/bin/true", arguments: [],
                              environment: [:], workingDirectory: work, retries: retries, maxWalltime: walltime, parents: parents[$0] ?? [])
            })
    }

    final class Observed: RunObserver, @unchecked Sendable {
        var finished: [(job: Int, attempt: Int, outcome: AttemptOutcome, willRetry: Bool, termination: AttemptTermination)] = []
        func workflowStarted(plan: ExecutablePlan, restartCount: Int, alreadySucceeded: Int, at time: Double) {}
        func attemptStarted(job: Int, attempt: Int, at time: Double) {}
        func attemptProgress(job: Int, attempt: Int, _ progress: AttemptProgress, at time: Double) {}
        func attemptFinished(_ result: AttemptResult, willRetry: Bool) {
            finished.append((result.job, result.attempt, result.outcome, willRetry, result.termination))
        }
        func jobUnrunnable(job: Int, because: Int, at time: Double) {}
        func commandHandled(_ command: ControlChannel.Command, result: String, at time: Double) {}
        func workflowFinished(_ outcome: WorkflowOutcome, at time: Double) {}
    }

    /// A running engine: `run()` on another thread, its outcome once it ends.
    final class Running: @unchecked Sendable {
        let engine: WorkflowEngine
        let observed = Observed()
        private var result: WorkflowOutcome?
        private let ended = DispatchSemaphore(value: 0)

        init(_ engine: WorkflowEngine) {
            self.engine = engine
            engine.add(observed)
            DispatchQueue.global().async { [self] in
                result = engine.run()
                ended.signal()
            }
        }

        /// Lets the engine's queue finish what the clock or the executor gave it.
        func settle() { engine.queue.sync {} }

        func outcome(timeout: Double = 20) -> WorkflowOutcome? {
            ended.wait(timeout: .now() + timeout) == .success ? result : nil
        }
    }

    func start(_ plan: ExecutablePlan, options: EngineOptions = EngineOptions(maxJobs: 2, controlPollInterval: 1, killGrace: 5)) throws -> (Running, FakeJobExecutor) {
        let fake = FakeJobExecutor(clock: clock)
        let engine = try WorkflowEngine(plan: plan, options: options, executors: ["local": fake], clock: clock)
        return (Running(engine), fake)
    }

    func testJobOverItsWalltimeIsStoppedThenForcedAfterTheGrace() throws {
        let (run, fake) = try start(plan(1, walltime: 60))
        XCTAssertTrue(fake.waitFor(.started(job: 0, attempt: 0)))
        run.settle()  // the walltime timer is set right after the start, in the same turn
        clock.advance(by: 59.9)
        run.settle()
        XCTAssertEqual(fake.events, [.started(job: 0, attempt: 0)], "not stopped before its walltime")
        clock.advance(by: 0.1)
        run.settle()
        XCTAssertEqual(fake.events, [.started(job: 0, attempt: 0), .stopped(job: 0, attempt: 0, force: false)], "SIGTERM at the walltime")
        clock.advance(by: 4.9)
        run.settle()
        XCTAssertFalse(fake.events.contains(.stopped(job: 0, attempt: 0, force: true)), "not forced before the grace is over")
        clock.advance(by: 0.1)
        XCTAssertTrue(fake.waitFor(.stopped(job: 0, attempt: 0, force: true)))
        XCTAssertEqual(run.outcome(), .failed)
        XCTAssertEqual(run.observed.finished.first?.outcome.reason, "killed after exceeding its maxwalltime of 1 min")
    }

    func testFailedAttemptIsRetriedAndItsRecordWritten() throws {
        let plan = plan(1, retries: 1)
        let (run, fake) = try start(plan)
        XCTAssertTrue(fake.waitFor(.started(job: 0, attempt: 0)))
        clock.advance(by: 30)
        fake.end(job: 0, succeeded: false, exitCode: 3, message: "transfer failed: no such file", took: 30)
        XCTAssertTrue(fake.waitFor(.started(job: 0, attempt: 1)), "a second attempt")
        fake.end(job: 0, succeeded: true, exitCode: 0)
        XCTAssertEqual(run.outcome(), .succeeded)
        let first = run.observed.finished[0]
        XCTAssertEqual(first.outcome, AttemptOutcome(succeeded: false, exitCode: 3, reason: "transfer failed: no such file"))
        XCTAssertTrue(first.willRetry)
        XCTAssertEqual(first.termination.duration, 30)
        XCTAssertEqual(first.termination.rawStatus, 3 << 8)
        XCTAssertNil(first.termination.usage, "no process, no rusage")
        // A non-process attempt still gets its kickstart record, with duration and status.
        let layout = RunLayout(runDirectory: plan.runDirectory)
        let record = try String(contentsOfFile: layout.record(0, "j0", attempt: 0), encoding: .utf8)
        XCTAssertTrue(record.contains("duration: 30.000"), record)
        XCTAssertTrue(record.contains("raw: 768"), record)
    }

    func testControlPollingPicksUpAHaltOnlyWhenItsTimeComes() throws {
        let plan = plan(2, parents: [1: [0]])
        let (run, fake) = try start(plan, options: EngineOptions(maxJobs: 2, controlPollInterval: 10, killGrace: 5))
        XCTAssertTrue(fake.waitFor(.started(job: 0, attempt: 0)))
        run.settle()
        try ControlChannel(directory: RunLayout(runDirectory: plan.runDirectory).controlDirectory).send([.halt])
        clock.advance(by: 9)
        run.settle()
        XCTAssertFalse(run.engine.queue.sync { run.engine.scheduler.halted }, "not polled yet")
        clock.advance(by: 1)
        run.settle()
        XCTAssertTrue(run.engine.queue.sync { run.engine.scheduler.halted }, "polled after the interval")
        fake.end(job: 0, succeeded: true)
        XCTAssertEqual(run.outcome(), .halted)
        XCTAssertFalse(fake.events.contains(.started(job: 1, attempt: 0)), "a halted run starts nothing more")
    }

    func testStopAsksRunningJobsToStopThenForcesAfterTheGrace() throws {
        let (run, fake) = try start(plan(3, parents: [2: [0]]))
        XCTAssertTrue(fake.waitFor(.started(job: 1, attempt: 0)))
        run.settle()
        run.engine.stop(reason: "received SIGTERM")
        run.settle()
        XCTAssertEqual(Set(fake.events.filter { if case .stopped = $0 { return true } else { return false } }),
                       [.stopped(job: 0, attempt: 0, force: false), .stopped(job: 1, attempt: 0, force: false)])
        fake.end(job: 1, succeeded: false, message: "terminated")
        clock.advance(by: 5)
        XCTAssertTrue(fake.waitFor(.stopped(job: 0, attempt: 0, force: true)))
        XCTAssertEqual(run.outcome(), .stopped)
        XCTAssertFalse(fake.events.contains(.started(job: 2, attempt: 0)))
        XCTAssertEqual(run.observed.finished.map(\.willRetry), [false, false])
    }

    func testSecondStopForcesAtOnce() throws {
        let (run, fake) = try start(plan(1))
        XCTAssertTrue(fake.waitFor(.started(job: 0, attempt: 0)))
        run.engine.stop(reason: "received SIGINT")
        XCTAssertTrue(fake.waitFor(.stopped(job: 0, attempt: 0, force: false)))
        run.engine.stop(reason: "received SIGINT")
        XCTAssertTrue(fake.waitFor(.stopped(job: 0, attempt: 0, force: true)), "no need to wait for the grace")
        XCTAssertEqual(run.outcome(), .stopped)
    }
}
