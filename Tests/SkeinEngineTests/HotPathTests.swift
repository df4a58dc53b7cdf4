#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinKickstart
import XCTest
@testable import SkeinEngine

/// The helpers that make a local job cheaper (issue 15) give the same answers as what they
/// replace: realpath(3), String(format:), one queue hop per event.
final class HotPathTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("skein-hotpath-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir + "/real/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/linked", withDestinationPath: dir + "/real")
        FileManager.default.createFile(atPath: dir + "/real/file", contents: Data("x".utf8))
        FileManager.default.createFile(atPath: dir + "/real/sub/deeper", contents: Data())
        try FileManager.default.createSymbolicLink(atPath: dir + "/real/alias", withDestinationPath: "sub/deeper")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testResolvedPathsAgreeWithRealpathForFilesLinksAndLinkedFolders() {
        let paths = ResolvedPaths()
        for path in ["/real/file", "/linked/file", "/linked/sub/deeper", "/real/alias", "/linked/alias", "/linked/missing",
                     "/real/sub/../file", "/linked/.", "/real"] {
            XCTAssertEqual(paths.realPath(dir + path), FileEntry.realPath(dir + path), path)
            XCTAssertEqual(paths.realPath(dir + path), FileEntry.realPath(dir + path), path + " (folder cached)")
        }
        XCTAssertEqual(paths.executable("/bin/sh"), FileEntry.realPath("/bin/sh"))
        XCTAssertEqual(paths.realPath("relative-name-\(UUID().uuidString)"), nil)
    }

    func testTwoDecimalsIsPrintfsFormatting() {
        for value in [0, 0.004, 0.006, 0.1, 1.5, 2.999, 12.34, 59.995001, 3600.25, 123_456.789] {
            XCTAssertEqual(ProgressPrinter.twoDecimals(value), String(format: "%.2f", value), "\(value)")
        }
    }

    func testTheInboxRunsEverythingOnceInPostingOrder() {
        let queue = DispatchQueue(label: "inbox-test")
        let inbox = EngineInbox(queue: queue)
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var order: [Int] = []
            func add(_ i: Int) { lock.lock(); order.append(i); lock.unlock() }
        }
        let seen = Seen()
        let done = DispatchSemaphore(value: 0)
        let count = 10_000
        DispatchQueue.global().async {
            for i in 0..<count {
                // Every third one may wait: it still runs in order, before the next post.
                let work = {
                    dispatchPrecondition(condition: .onQueue(queue))
                    seen.add(i)
                    if i == count - 1 { done.signal() }
                }
                if i % 3 == 1 { inbox.postSoon(work) } else { inbox.post(work) }
            }
        }
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
        seen.lock.lock(); defer { seen.lock.unlock() }
        XCTAssertEqual(seen.order, Array(0..<count))
    }

    func testNewsThatMayWaitRunsWithinThePatienceWithoutAnotherPost() {
        let queue = DispatchQueue(label: "inbox-test")
        let inbox = EngineInbox(queue: queue, patience: 0.01)
        let ran = DispatchSemaphore(value: 0)
        inbox.postSoon { ran.signal() }
        XCTAssertEqual(ran.wait(timeout: .now() + 60), .success)
    }

    /// On the spawner's events thread the engine's turn runs right there, after what was
    /// posted before it; on any other thread it is an ordinary post.
    func testPostAndRunRunsOnTheEventsThreadAfterEarlierPosts() {
        let queue = DispatchQueue(label: "inbox-test")
        let inbox = EngineInbox(queue: queue, patience: 3600)
        final class Seen: @unchecked Sendable { var order: [String] = []; var ranHere = false }
        let seen = Seen()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            SpawnerEventsThread.markCurrent()
            inbox.postSoon { seen.order.append("progress") }
            let me = pthread_self()
            inbox.postAndRun {
                seen.order.append("finished")
                seen.ranHere = pthread_equal(pthread_self(), me) != 0
                // From the queue's own work (an attempt that ends as it starts): queued, not
                // waited for, which would never end.
                inbox.postAndRun {
                    seen.order.append("ended at once")
                    done.signal()
                }
            }
        }
        thread.start()
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
        queue.sync {}
        XCTAssertEqual(seen.order, ["progress", "finished", "ended at once"])
        XCTAssertTrue(seen.ranHere, "no hop to another thread")

        let elsewhere = DispatchSemaphore(value: 0)
        XCTAssertFalse(SpawnerEventsThread.isCurrent)
        inbox.postAndRun {
            dispatchPrecondition(condition: .onQueue(queue))
            elsewhere.signal()
        }
        XCTAssertEqual(elsewhere.wait(timeout: .now() + 60), .success)
    }
}
