@testable import SkeinEngineCore
import XCTest

/// The scheduler in virtual time: events in, actions out, no processes and no clock.
final class SchedulerTests: XCTestCase {
    /// diamond: 0 -> 1, 2 -> 3
    func diamond(retries: Int = 0, walltime: Double? = nil) -> [SchedulerJob] {
        [SchedulerJob(parents: [], retries: retries, walltime: walltime), SchedulerJob(parents: [0], retries: retries),
         SchedulerJob(parents: [0], retries: retries), SchedulerJob(parents: [1, 2], retries: retries)]
    }

    func spawned(_ actions: [SchedulerAction]) -> [Int] {
        actions.compactMap { if case .spawn(let job, _) = $0 { return job } else { return nil } }
    }

    func testJobsStartWhenAllParentsSucceeded() {
        var s = Scheduler(jobs: diamond(), maxJobs: 4)
        XCTAssertEqual(spawned(s.handle(.start, now: 0)), [0])
        XCTAssertEqual(spawned(s.handle(.finished(job: 0, attempt: 0, outcome: .success), now: 1)), [1, 2])
        XCTAssertEqual(spawned(s.handle(.finished(job: 1, attempt: 0, outcome: .success), now: 2)), [])
        let last = s.handle(.finished(job: 2, attempt: 0, outcome: .success), now: 3)
        XCTAssertEqual(spawned(last), [3])
        XCTAssertEqual(s.handle(.finished(job: 3, attempt: 0, outcome: .success), now: 4).last, .finished(.succeeded))
        XCTAssertTrue(s.isFinished)
    }

    func testSlotsLimitRunningJobsAndPriorityOrdersReadyOnes() {
        let jobs = (0..<5).map { SchedulerJob(parents: [], priority: $0 == 3 ? 10 : 0) }
        var s = Scheduler(jobs: jobs, maxJobs: 2)
        XCTAssertEqual(spawned(s.handle(.start, now: 0)), [3, 0])
        XCTAssertEqual(spawned(s.handle(.finished(job: 0, attempt: 0, outcome: .success), now: 1)), [1])
    }

    /// Jobs on a batch system take none of this machine's slots: a 12-job Slurm fan-out
    /// with 2 local slots submits all 12 at once (before, one slot-full at a time), while
    /// local jobs still wait for a slot; `batchMaxJobs` (dagman.maxjobs) caps the batch ones.
    func testBatchJobsDoNotTakeLocalSlots() {
        let jobs = (0..<12).map { _ in SchedulerJob(parents: [], onBatchSystem: true) } + (0..<3).map { _ in SchedulerJob(parents: []) }
        var s = Scheduler(jobs: jobs, maxJobs: 2)
        let first = spawned(s.handle(.start, now: 0))
        XCTAssertEqual(first.filter { $0 < 12 }.count, 12, "every Slurm job is handed to the executor at once")
        XCTAssertEqual(first.filter { $0 >= 12 }.count, 2, "local jobs still get 2 slots")
        XCTAssertEqual(s.runningOnBatch, 12)

        var capped = Scheduler(jobs: jobs, maxJobs: 2, batchMaxJobs: 5)
        let started = spawned(capped.handle(.start, now: 0))
        XCTAssertEqual(started.filter { $0 < 12 }.count, 5, "dagman.maxjobs caps the batch jobs")
        XCTAssertEqual(started.filter { $0 >= 12 }.count, 2)
        let next = spawned(capped.handle(.finished(job: started.first { $0 < 12 }!, attempt: 0, outcome: .success), now: 1))
        XCTAssertEqual(next.count, 1, "a batch job ending frees one batch slot")
        XCTAssertTrue(next[0] < 12)
    }

    /// Local jobs that wait for their slot in skein-spawner are sent `launchAhead` beyond
    /// `maxJobs` (the spawner starts one the moment a slot frees); a job that does not wait
    /// there (in-process: a transfer, a directory) is never passed by them, and while it runs
    /// nothing is sent ahead, so the spawner's slots are all the machine's.
    func testLaunchAheadSendsSpawnerJobsBeyondTheSlotsButNeverPastOrBesideOthers() {
        let spawnerJobs = (0..<6).map { _ in SchedulerJob(parents: [], mayWaitInSpawner: true) }
        var s = Scheduler(jobs: spawnerJobs, maxJobs: 2, launchAhead: 1)
        XCTAssertEqual(spawned(s.handle(.start, now: 0)), [0, 1, 2], "two slots and one ahead")
        XCTAssertEqual(s.running, 3)
        XCTAssertEqual(spawned(s.handle(.finished(job: 0, attempt: 0, outcome: .success), now: 1)), [3], "the one ahead is replaced")

        var off = Scheduler(jobs: spawnerJobs, maxJobs: 2)
        XCTAssertEqual(spawned(off.handle(.start, now: 0)), [0, 1], "launchAhead 0: slots only")

        // Job 2 does not wait in the spawner and comes before 3..5: with the slots full it
        // waits for a real free slot, and nothing is sent past it meanwhile.
        var mixed = spawnerJobs
        mixed[2].mayWaitInSpawner = false
        mixed[2].holdsSpawnerSlot = false
        var m = Scheduler(jobs: mixed, maxJobs: 2, launchAhead: 1)
        XCTAssertEqual(spawned(m.handle(.start, now: 0)), [0, 1])
        XCTAssertEqual(spawned(m.handle(.finished(job: 0, attempt: 0, outcome: .success), now: 1)), [2], "the free slot goes to it")
        XCTAssertEqual(m.running, 2, "nothing ahead while it runs")
        XCTAssertEqual(spawned(m.handle(.finished(job: 2, attempt: 0, outcome: .success), now: 2)), [3, 4], "once it ended: a slot and one ahead")

        // A job with a walltime holds a spawner slot but is never sent ahead: it goes to a
        // free slot, and while it runs the others are still sent ahead.
        var timed = spawnerJobs
        timed[0].mayWaitInSpawner = false
        timed[0].holdsSpawnerSlot = true
        timed[0].walltime = 60
        var t = Scheduler(jobs: timed, maxJobs: 2, launchAhead: 1)
        XCTAssertEqual(spawned(t.handle(.start, now: 0)), [0, 1, 2], "two slots, one ahead beside the job with a walltime")
        XCTAssertEqual(spawned(t.handle(.finished(job: 1, attempt: 0, outcome: .success), now: 1)), [3])
        var timedFirstWaiting = spawnerJobs
        timedFirstWaiting[2].mayWaitInSpawner = false
        timedFirstWaiting[2].holdsSpawnerSlot = true
        timedFirstWaiting[2].walltime = 60
        var w = Scheduler(jobs: timedFirstWaiting, maxJobs: 2, launchAhead: 1)
        XCTAssertEqual(spawned(w.handle(.start, now: 0)), [0, 1], "not sent ahead, nor anything past it")
        XCTAssertEqual(spawned(w.handle(.finished(job: 0, attempt: 0, outcome: .success), now: 1)), [2, 3], "a free slot for it, and one ahead beside it")

        // Batch jobs are not held back by a local job waiting for a slot.
        let withBatch = [SchedulerJob(parents: [], mayWaitInSpawner: true), SchedulerJob(parents: []), SchedulerJob(parents: [], onBatchSystem: true)]
        var b = Scheduler(jobs: withBatch, maxJobs: 1, launchAhead: 1)
        XCTAssertEqual(spawned(b.handle(.start, now: 0)), [0, 2])
    }

    func testCategoryLimits() {
        let jobs = (0..<4).map { SchedulerJob(parents: [], category: $0 < 3 ? "io" : nil) }
        var s = Scheduler(jobs: jobs, maxJobs: 4, categoryLimits: ["io": 1])
        XCTAssertEqual(spawned(s.handle(.start, now: 0)), [0, 3])
        XCTAssertEqual(spawned(s.handle(.finished(job: 0, attempt: 0, outcome: .success), now: 1)), [1])
    }

    func testRetriesThenSuccessNumbersAttempts() {
        var s = Scheduler(jobs: [SchedulerJob(parents: [], retries: 2)], maxJobs: 1)
        XCTAssertEqual(s.handle(.start, now: 0), [.spawn(job: 0, attempt: 0)])
        let fail = AttemptOutcome(succeeded: false, exitCode: 1, reason: "exit code 1")
        XCTAssertEqual(s.handle(.finished(job: 0, attempt: 0, outcome: fail), now: 1),
                       [.failed(job: 0, attempt: 0, willRetry: true, reason: "exit code 1"), .spawn(job: 0, attempt: 1)])
        XCTAssertEqual(s.handle(.finished(job: 0, attempt: 1, outcome: fail), now: 2),
                       [.failed(job: 0, attempt: 1, willRetry: true, reason: "exit code 1"), .spawn(job: 0, attempt: 2)])
        XCTAssertEqual(s.handle(.finished(job: 0, attempt: 2, outcome: .success), now: 3),
                       [.succeeded(job: 0, attempt: 2), .finished(.succeeded)])
    }

    func testFailureForGoodStopsDescendantsButTheRestRunsToTheEnd() {
        // 0 -> 1 -> 2, and 3 independent
        let jobs = [SchedulerJob(parents: []), SchedulerJob(parents: [0]), SchedulerJob(parents: [1]), SchedulerJob(parents: [])]
        var s = Scheduler(jobs: jobs, maxJobs: 4)
        XCTAssertEqual(spawned(s.handle(.start, now: 0)), [0, 3])
        let actions = s.handle(.finished(job: 0, attempt: 0, outcome: AttemptOutcome(succeeded: false, exitCode: 3, reason: "exit code 3")), now: 1)
        XCTAssertEqual(actions, [.failed(job: 0, attempt: 0, willRetry: false, reason: "exit code 3"), .unrunnable(job: 1, because: 0), .unrunnable(job: 2, because: 0)], "the cause named is the job that failed")
        XCTAssertEqual(s.handle(.finished(job: 3, attempt: 0, outcome: .success), now: 2), [.succeeded(job: 3, attempt: 0), .finished(.failed)])
    }

    func testWalltimeTimerKillsAndTheFailureSaysWhy() {
        var s = Scheduler(jobs: [SchedulerJob(parents: [], retries: 1, walltime: 120)], maxJobs: 1)
        XCTAssertEqual(s.handle(.start, now: 1000), [.spawn(job: 0, attempt: 0), .setTimer(job: 0, attempt: 0, at: 1120)])
        XCTAssertEqual(s.handle(.timer(job: 0, attempt: 0), now: 1120), [.kill(job: 0, attempt: 0, reason: .walltime)])
        let killed = AttemptOutcome(succeeded: false, reason: "killed by SIGKILL")
        XCTAssertEqual(s.handle(.finished(job: 0, attempt: 0, outcome: killed), now: 1120.1),
                       [.failed(job: 0, attempt: 0, willRetry: true, reason: "killed after exceeding its maxwalltime of 2 min"),
                        .spawn(job: 0, attempt: 1), .setTimer(job: 0, attempt: 1, at: 1240.1)])
        // A timer of an attempt that already ended does nothing.
        XCTAssertEqual(s.handle(.timer(job: 0, attempt: 0), now: 1200), [])
    }

    func testAbortDagOnKillsEverythingAndEndsWithTheReturnValue() {
        let jobs = [SchedulerJob(parents: [], retries: 3, abortOnExitCode: 42, abortReturnValue: 7), SchedulerJob(parents: []), SchedulerJob(parents: [1])]
        var s = Scheduler(jobs: jobs, maxJobs: 2)
        _ = s.handle(.start, now: 0)
        let abort = s.handle(.finished(job: 0, attempt: 0, outcome: AttemptOutcome(succeeded: false, exitCode: 42, reason: "exit code 42")), now: 1)
        XCTAssertEqual(abort, [.failed(job: 0, attempt: 0, willRetry: false, reason: "exit code 42 (ABORT-DAG-ON 42: aborting the workflow)"), .kill(job: 1, attempt: 0, reason: .abort)])
        let end = s.handle(.finished(job: 1, attempt: 0, outcome: AttemptOutcome(succeeded: false, reason: "killed by SIGTERM")), now: 2)
        XCTAssertEqual(end, [.failed(job: 1, attempt: 0, willRetry: false, reason: "killed because the workflow was aborted"), .unrunnable(job: 2, because: 1), .finished(.aborted(returnValue: 7))])
    }

    func testHaltLetsRunningJobsFinishThenResumeContinues() {
        let jobs = (0..<3).map { _ in SchedulerJob(parents: []) }
        var s = Scheduler(jobs: jobs, maxJobs: 1)
        XCTAssertEqual(spawned(s.handle(.start, now: 0)), [0])
        XCTAssertEqual(s.handle(.command(.halt), now: 1), [])
        XCTAssertEqual(s.handle(.finished(job: 0, attempt: 0, outcome: .success), now: 2), [.succeeded(job: 0, attempt: 0), .finished(.halted)])
        var resumed = Scheduler(jobs: jobs, maxJobs: 1, done: [0])
        XCTAssertEqual(spawned(resumed.handle(.start, now: 3)), [1])
    }

    func testResumeHaltedEngineStillAlive() {
        let jobs = (0..<3).map { _ in SchedulerJob(parents: []) }
        var s = Scheduler(jobs: jobs, maxJobs: 2)
        _ = s.handle(.start, now: 0)
        _ = s.handle(.command(.halt), now: 1)
        XCTAssertEqual(spawned(s.handle(.finished(job: 0, attempt: 0, outcome: .success), now: 2)), [])
        XCTAssertEqual(spawned(s.handle(.command(.resume), now: 3)), [2])
    }

    func testKillAndRetryCommands() {
        let jobs = [SchedulerJob(parents: []), SchedulerJob(parents: [0])]
        var s = Scheduler(jobs: jobs, maxJobs: 2)
        _ = s.handle(.start, now: 0)
        XCTAssertEqual(s.handle(.command(.kill(job: 1)), now: 1), [.rejected(.kill(job: 1), reason: "job is not running (waiting for its parents)")])
        XCTAssertEqual(s.handle(.command(.kill(job: 0)), now: 1), [.kill(job: 0, attempt: 0, reason: .user)])
        let killed = s.handle(.finished(job: 0, attempt: 0, outcome: AttemptOutcome(succeeded: false, reason: "killed by SIGTERM")), now: 2)
        XCTAssertEqual(killed.first, .failed(job: 0, attempt: 0, willRetry: false, reason: "killed by the user (skein kill)"))
        XCTAssertEqual(killed.last, .finished(.failed))

        var live = Scheduler(jobs: jobs + [SchedulerJob(parents: [])], maxJobs: 2)
        _ = live.handle(.start, now: 0)
        _ = live.handle(.finished(job: 0, attempt: 0, outcome: AttemptOutcome(succeeded: false, exitCode: 1, reason: "exit code 1")), now: 1)
        XCTAssertEqual(live.states[1], .unrunnable)
        XCTAssertEqual(live.handle(.command(.retry(job: 0)), now: 2), [.spawn(job: 0, attempt: 1)])
        XCTAssertEqual(live.states[1], .waiting)
        XCTAssertEqual(live.handle(.command(.retry(job: 2)), now: 2).first, .rejected(.retry(job: 2), reason: "only a job that failed for good can be retried (it is running)"))
        XCTAssertEqual(spawned(live.handle(.finished(job: 0, attempt: 1, outcome: .success), now: 3)), [1])
    }

    func testRemoveKillsAllAndEndsRemoved() {
        let jobs = [SchedulerJob(parents: [], retries: 5), SchedulerJob(parents: [])]
        var s = Scheduler(jobs: jobs, maxJobs: 2)
        _ = s.handle(.start, now: 0)
        XCTAssertEqual(s.handle(.command(.remove), now: 1), [.kill(job: 0, attempt: 0, reason: .remove), .kill(job: 1, attempt: 0, reason: .remove)])
        _ = s.handle(.finished(job: 0, attempt: 0, outcome: AttemptOutcome(succeeded: false, reason: "killed")), now: 2)
        let end = s.handle(.finished(job: 1, attempt: 0, outcome: AttemptOutcome(succeeded: false, reason: "killed")), now: 2)
        XCTAssertEqual(end.last, .finished(.removed))
        XCTAssertEqual(s.states[0], .failed(attempt: 0), "no retry after remove")
    }

    /// A stop (SIGTERM) kills what runs, starts nothing more, retries nothing, leaves the
    /// children waiting rather than unrunnable, and ends the workflow as stopped.
    func testStopKillsRunningJobsWithoutRetryAndEndsStopped() {
        let jobs = [SchedulerJob(parents: [], retries: 5), SchedulerJob(parents: [0]), SchedulerJob(parents: []), SchedulerJob(parents: [])]
        var s = Scheduler(jobs: jobs, maxJobs: 2)
        XCTAssertEqual(s.handle(.start, now: 0), [.spawn(job: 0, attempt: 0), .spawn(job: 2, attempt: 0)])
        XCTAssertEqual(s.handle(.command(.stop), now: 1), [.kill(job: 0, attempt: 0, reason: .stop), .kill(job: 2, attempt: 0, reason: .stop)])
        let first = s.handle(.finished(job: 0, attempt: 0, outcome: AttemptOutcome(succeeded: false, reason: "killed")), now: 2)
        XCTAssertEqual(first, [.failed(job: 0, attempt: 0, willRetry: false, reason: "killed because the engine was stopped")],
                       "no retry, no spawn of the waiting job 3, job 1 not unrunnable")
        let end = s.handle(.finished(job: 2, attempt: 0, outcome: .success), now: 2)
        XCTAssertEqual(end, [.failed(job: 2, attempt: 0, willRetry: false, reason: "killed because the engine was stopped"), .finished(.stopped)])
        XCTAssertEqual(s.states[1], .waiting)
        XCTAssertEqual(s.states[3], .ready(attempt: 0))
    }

    func testResumeContinuesAttemptNumbering() {
        var s = Scheduler(jobs: diamond(), maxJobs: 4, done: [0, 1], nextAttempt: [2: 3])
        XCTAssertEqual(s.handle(.start, now: 0), [.spawn(job: 2, attempt: 3)])
    }

    func testHundredThousandJobFanOutIsLinear() {
        // Not a timing: checks the structure stays consistent at scale.
        let n = 100_000
        var jobs = [SchedulerJob(parents: [])]
        jobs += (0..<n).map { _ in SchedulerJob(parents: [0]) }
        jobs.append(SchedulerJob(parents: Array(1...n)))
        var s = Scheduler(jobs: jobs, maxJobs: 2)
        var queue = s.handle(.start, now: 0)
        var done = 0
        while let action = queue.first {
            queue.removeFirst()
            if case .spawn(let job, let attempt) = action {
                done += 1
                queue += s.handle(.finished(job: job, attempt: attempt, outcome: .success), now: 0)
            }
        }
        XCTAssertEqual(done, n + 2)
        XCTAssertTrue(s.isFinished)
    }
}
