import XCTest
@testable import SkeinProvenance

/// The user-level run registry: location rules and register / update / list.
final class RunRegistryTests: XCTestCase {
    func testDefaultDirectory() {
        XCTAssertEqual(RunRegistry.defaultDirectory(environment: ["SKEIN_STATE_DIR": "/s", "XDG_STATE_HOME": "/x", "HOME": "/h"]), "/s")
        XCTAssertEqual(RunRegistry.defaultDirectory(environment: ["XDG_STATE_HOME": "/x", "HOME": "/h"]), "/x/skein")
        XCTAssertEqual(RunRegistry.defaultDirectory(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]), "/h/.local/state/skein")
        XCTAssertEqual(RunRegistry.defaultDirectory(environment: ["HOME": "/h"]), "/h/.local/state/skein")
    }

    func testRegisterUpdateList() throws {
        let dir = try TestPaths.tempDir(self) + "/state"
        let registry = try RunRegistry(directory: dir)
        try registry.register(label: "diamond", runDir: "/runs/a", wfUUID: "u-a", state: .running, started: 100)
        try registry.register(label: "split", runDir: "/runs/b", wfUUID: "u-b", state: .running, started: 200)
        XCTAssertTrue(try registry.update(runDir: "/runs/a", state: .succeeded, finished: 150))
        XCTAssertFalse(try registry.update(runDir: "/runs/none", state: .failed))

        let other = try RunRegistry(directory: dir)  // a second process sees the same runs
        let runs = try other.list()
        XCTAssertEqual(runs.map(\.runDir), ["/runs/b", "/runs/a"], "newest first")
        XCTAssertEqual(runs[1].state, .succeeded)
        XCTAssertEqual(runs[1].finished, 150)
        XCTAssertEqual(runs[0].wfUUID, "u-b")

        try other.register(label: "diamond", runDir: "/runs/a", wfUUID: "u-a2", state: .running, started: 300)
        let rerun = try XCTUnwrap(registry.run(at: "/runs/a"))
        XCTAssertEqual(rerun.wfUUID, "u-a2")
        XCTAssertNil(rerun.finished, "reused run directory starts afresh")
        try registry.remove(runDir: "/runs/b")
        XCTAssertEqual(try registry.list().count, 1)
    }
}
