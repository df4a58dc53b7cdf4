#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest
@testable import SkeinEngine
import SkeinTestSupport

/// The local executor with the real skein-spawner (built beside this test bundle): many
/// launches at once from several threads, each answered once and in order; failed starts;
/// and the spawner gone once the executor shuts down.
final class LocalExecutorTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        guard let path = SpawnerConnection.defaultPath(), FileManager.default.isExecutableFile(atPath: path) else {
            throw missingRealPart("skein-spawner is not built beside the tests (swift build builds it)")
        }
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-local-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func spec(_ script: String, _ name: String) -> LaunchSpec {
        LaunchSpec(executable: "/bin/sh", arguments: ["-c", script], environment: ["PATH=/usr/bin:/bin"],
                   workingDirectory: scratch.path, stdin: nil,
                   stdout: scratch.appendingPathComponent(name + ".out").path, stderr: scratch.appendingPathComponent(name + ".err").path)
    }

    final class Log: @unchecked Sendable {
        let lock = NSLock()
        var started: [Int: pid_t] = [:]
        var ended: [Int: ProcessExit] = [:]
        var endedBeforeStart: [Int] = []
        let all = DispatchGroup()
    }

    func testManyLaunchesFromSeveralThreadsAreEachAnsweredOnce() throws {
        let executor = LocalExecutor(spawner: SpawnerConnection.defaultPath())
        let log = Log()
        let count = 60
        let specs = (0..<count).map { k in spec("echo job \(k); exit \(k % 7)", "job\(k)") }
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for k in stride(from: thread, to: count, by: 4) {
                log.all.enter()
                executor.start(specs[k], started: { pid in
                    log.lock.lock(); log.started[k] = pid; log.lock.unlock()
                }, done: { exit in
                    log.lock.lock()
                    if log.started[k] == nil { log.endedBeforeStart.append(k) }
                    log.ended[k] = exit
                    log.lock.unlock()
                    log.all.leave()
                })
            }
        }
        XCTAssertEqual(log.all.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(log.ended.count, count)
        XCTAssertEqual(Set(log.started.values).count, count, "one process each")
        XCTAssertEqual(log.endedBeforeStart, [], "a start is reported before its end")
        for k in 0..<count {
            XCTAssertEqual(log.ended[k]?.exitCode, Int32(k % 7), "job \(k)")
            XCTAssertEqual(log.ended[k]?.pid, log.started[k])
            XCTAssertEqual(try String(contentsOf: scratch.appendingPathComponent("job\(k).out"), encoding: .utf8), "job \(k)\n")
            XCTAssertLessThan(log.ended[k]?.usage.ru_maxrss ?? .max, 16 * 1024, "a shell's own peak, not this test process's")
        }
        executor.shutdown()
    }

    /// A pool's processes: never more than its limit at once, the ones that found it full
    /// started in request order as slots free, each with the time it really started; a
    /// request outside the pool is not held behind them.
    func testAPoolRunsAtMostItsLimitAndStartsWaitingRequestsInOrder() throws {
        let executor = LocalExecutor(spawner: SpawnerConnection.defaultPath())
        let log = Log()
        let pool = SlotPool(id: 7, limit: 2)
        let count = 6
        let marks = scratch.appendingPathComponent("marks").path
        try FileManager.default.createDirectory(atPath: marks, withIntermediateDirectories: true)
        for k in 0..<count {
            log.all.enter()
            // Each job notes its own start and end: the spawner's view is not what is tested.
            let job = spec("date +%s.%N > \(marks)/\(k).start; echo pooled \(k); echo err \(k) >&2; sleep 0.3; date +%s.%N > \(marks)/\(k).end", "pooled\(k)")
            executor.start(job, slots: pool, started: { pid in
                log.lock.lock(); log.started[k] = pid; log.lock.unlock()
            }, done: { exit in
                log.lock.lock(); log.ended[k] = exit; log.lock.unlock()
                log.all.leave()
            })
        }
        // Sent after the pool filled: starts at once all the same.
        let outside = executor.launch(spec("true", "outside")) { _ in }
        XCTAssertNotNil(outside)
        log.lock.lock()
        let pooledStartedBefore = log.started.count
        log.lock.unlock()
        XCTAssertLessThanOrEqual(pooledStartedBefore, 2, "only the pool's two slots' worth had started when the outside request did")
        XCTAssertEqual(log.all.wait(timeout: .now() + 60), .success)

        func time(_ k: Int, _ kind: String) throws -> Double {
            try XCTUnwrap(Double(String(contentsOfFile: "\(marks)/\(k).\(kind)", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let spans = try (0..<count).map { (start: try time($0, "start"), end: try time($0, "end")) }
        let mostAtOnce = spans.map { span in spans.filter { $0.start <= span.start && span.start < $0.end }.count }.max()
        XCTAssertEqual(mostAtOnce, 2, "the pool's limit, and it was reached")
        for k in 2..<count {
            XCTAssertGreaterThanOrEqual(spans[k].start, spans[k - 2].start, "request \(k) started after the ones before it")
            let exit = try XCTUnwrap(log.ended[k])
            XCTAssertEqual(exit.exitCode, 0)
            XCTAssertLessThanOrEqual(exit.start, spans[k].start, "the start is the process's, not the request's")
            XCTAssertGreaterThan(exit.start, spans[k - 2].start, "request \(k) waited for a slot: its start is when it got one")
        }
        for k in 0..<count {
            // A waiting request's stdout and stderr were opened while it waited.
            XCTAssertEqual(try String(contentsOf: scratch.appendingPathComponent("pooled\(k).out"), encoding: .utf8), "pooled \(k)\n")
            XCTAssertEqual(try String(contentsOf: scratch.appendingPathComponent("pooled\(k).err"), encoding: .utf8), "err \(k)\n")
        }
        executor.shutdown()
    }

    /// A request that waits for a slot and whose stdout cannot be opened fails when its turn
    /// comes, with the error, as one that did not wait; the pool goes on.
    func testAWaitingRequestWhoseStdoutCannotBeOpenedFailsInTurn() throws {
        let executor = LocalExecutor(spawner: SpawnerConnection.defaultPath())
        let pool = SlotPool(id: 8, limit: 1)
        let first = DispatchSemaphore(value: 0)
        executor.start(spec("sleep 0.2", "first"), slots: pool, started: { _ in }, done: { _ in first.signal() })
        var broken = spec("true", "broken")
        broken.stdout = scratch.appendingPathComponent("no-such-folder/broken.out").path
        let failed = DispatchSemaphore(value: 0)
        final class Seen: @unchecked Sendable { var error: Int32?; var started = false }
        let seen = Seen()
        executor.start(broken, slots: pool, started: { _ in seen.started = true }, done: { exit in
            seen.error = exit.spawnError
            failed.signal()
        })
        let after = DispatchSemaphore(value: 0)
        executor.start(spec("echo after", "after"), slots: pool, started: { _ in }, done: { _ in after.signal() })
        XCTAssertEqual(first.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(failed.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(seen.error, ENOENT)
        XCTAssertFalse(seen.started)
        XCTAssertEqual(after.wait(timeout: .now() + 30), .success, "the pool goes on after a failed start")
        XCTAssertEqual(try String(contentsOf: scratch.appendingPathComponent("after.out"), encoding: .utf8), "after\n")
        executor.shutdown()
    }

    /// A request taken back while it waits for a slot never starts: it ends at once as
    /// interrupted (ECANCELED), and the pool goes on. Taking back one that runs does nothing.
    func testARequestTakenBackWhileItWaitsNeverStarts() throws {
        let executor = LocalExecutor(spawner: SpawnerConnection.defaultPath())
        let pool = SlotPool(id: 9, limit: 1)
        let go = scratch.appendingPathComponent("go").path
        final class Seen: @unchecked Sendable { var exit: ProcessExit?; var started = false; var firstEnded = false }
        let seen = Seen()
        let firstStarted = DispatchSemaphore(value: 0), firstEnded = DispatchSemaphore(value: 0)
        let running = executor.start(spec("while [ ! -e go ]; do sleep 0.01; done", "first"), slots: pool, started: { _ in firstStarted.signal() },
                                     done: { _ in seen.firstEnded = true; firstEnded.signal() })
        let cancelled = DispatchSemaphore(value: 0)
        let waiting = executor.start(spec("touch ran", "waiting"), slots: pool, started: { _ in seen.started = true }, done: { exit in
            seen.exit = exit
            cancelled.signal()
        })
        let after = DispatchSemaphore(value: 0)
        executor.start(spec("echo after", "after"), slots: pool, started: { _ in }, done: { _ in after.signal() })
        XCTAssertEqual(firstStarted.wait(timeout: .now() + 30), .success)
        executor.cancelWaiting(running)
        executor.cancelWaiting(waiting)
        XCTAssertEqual(cancelled.wait(timeout: .now() + 30), .success, "taken back at once, while the first still runs")
        XCTAssertFalse(seen.firstEnded, "taking back a running process does not stop it")
        XCTAssertEqual(seen.exit?.spawnError, ECANCELED)
        XCTAssertNotNil(seen.exit?.interruption)
        XCTAssertFalse(seen.started)
        FileManager.default.createFile(atPath: go, contents: nil)
        XCTAssertEqual(firstEnded.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(after.wait(timeout: .now() + 30), .success, "the pool goes on after a request taken back")
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("ran").path), "the request taken back never ran")
        executor.shutdown()
    }

    func testAMissingExecutableEndsWithTheErrorAndNoStart() throws {
        let executor = LocalExecutor(spawner: SpawnerConnection.defaultPath())
        var missing = spec("true", "missing")
        missing.executable = scratch.appendingPathComponent("no-such-program").path
        XCTAssertNil(executor.launch(missing) { exit in
            XCTAssertEqual(exit.spawnError, ENOENT)
        })
        XCTAssertNotNil(executor.launch(spec("true", "after")) { _ in }, "the spawner goes on")
        executor.shutdown()
    }

    func testShutdownReapsTheSpawnerAndLeavesItsProcessesAlone() throws {
        // Other tests of this process may have started the shared executor's spawner.
        let others = Set(children(named: "skein-spawner"))
        let executor = LocalExecutor(spawner: SpawnerConnection.defaultPath())
        let survivor = try XCTUnwrap(executor.launch(spec("sleep 30", "survivor"), newSession: true) { _ in })
        let spawners = children(named: "skein-spawner").filter { !others.contains($0) }
        XCTAssertEqual(spawners.count, 1)
        executor.shutdown()
        for pid in spawners { XCTAssertEqual(kill(pid, 0), -1, "the spawner is gone, and reaped") }
        XCTAssertEqual(kill(survivor, 0), 0, "what it started runs on (a detached engine must)")
        kill(survivor, SIGKILL)
    }

    /// This process's children called `name`.
    func children(named name: String) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return stat[stat.index(after: open)..<close] == name && fields.count > 1 && pid_t(fields[1]) == getpid() ? pid : nil
        }
    }
}
