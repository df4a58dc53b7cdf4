import Foundation
import XCTest
@testable import SkeinKickstart

/// The pieces the engine uses directly: spawning with redirects and a working directory,
/// PATH lookup, stat, captured text with head and tail, and the machine snapshot.
final class BuildingBlockTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-ks-lib-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func testSpawnWithRedirectWorkdirAndOwnProcessGroup() throws {
        let out = open(scratch.appendingPathComponent("out").path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        XCTAssertGreaterThanOrEqual(out, 0)
        let sh = try LocalSpawn.resolve("sh")
        XCTAssertTrue(sh.hasSuffix("/sh"))
        let pid = try LocalSpawn.spawn(path: sh, arguments: ["sh", "-c", "pwd; ps -o pgid= -p $$; exit 7"],
                                       options: .init(stdout: out, workdir: scratch.path))
        close(out)
        let (status, usage) = LocalSpawn.wait(pid)
        XCTAssertEqual(ExitStatus(waitStatus: status).kind, .exited(7))
        XCTAssertGreaterThan(ResourceUsage(usage).maxrss, 0)
        let lines = try String(contentsOf: scratch.appendingPathComponent("out"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first.map(String.init), scratch.resolvingSymlinksInPath().path)
        if lines.count > 1 { XCTAssertEqual(lines[1].trimmingCharacters(in: .whitespaces), String(pid), "own process group") }
    }

    func testResolve() throws {
        XCTAssertEqual(try LocalSpawn.resolve("true", searchPath: "/nonexistent::/bin"), "/bin/true")
        XCTAssertThrowsError(try LocalSpawn.resolve("no-such-program", searchPath: "/bin")) { error in
            XCTAssertEqual((error as? SystemError)?.code, ENOENT)
        }
        XCTAssertThrowsError(try LocalSpawn.resolve("/etc")) { error in
            XCTAssertEqual((error as? SystemError)?.code, EACCES)
        }
        XCTAssertEqual(LocalSpawn.pathEntries("a::b:"), ["a", "", "b", ""])
    }

    func testFileStat() throws {
        let null = try FileStat.of("/dev/null")
        XCTAssertEqual(null.mode, 0o20666)
        XCTAssertFalse(null.isRegularFile)
        XCTAssertThrowsError(try FileStat.of(scratch.appendingPathComponent("missing").path)) { error in
            XCTAssertEqual((error as? SystemError)?.code, ENOENT)
        }
        let entry = FileEntry.file(key: "x", path: scratch.appendingPathComponent("missing").path)
        XCTAssertEqual(entry.error, ENOENT)
        XCTAssertEqual(entry.yaml(indent: 4), "    x:\n      error: 2\n      file_name: \(scratch.appendingPathComponent("missing").path)\n")
    }

    func testCapturedTextKeepsHeadAndTailOnCharacterBoundaries() throws {
        let file = scratch.appendingPathComponent("text")
        let text = "héllo\n" + String(repeating: "é", count: 100) + "\nwörld\n"
        try Data(text.utf8).write(to: file)
        XCTAssertEqual(CapturedText.read(path: file.path), CapturedText(text: text, truncated: false))
        let cut = try XCTUnwrap(CapturedText.read(path: file.path, keep: 9))
        XCTAssertTrue(cut.truncated)
        XCTAssertTrue(cut.text.hasPrefix("héllo\n"), cut.text)
        XCTAssertTrue(cut.text.hasSuffix("\nwörld\n"), cut.text)
        XCTAssertFalse(cut.text.contains("\u{FFFD}"), "no character cut in half")
        XCTAssertTrue(cut.text.contains("[... skein-kickstart: "), cut.text)
        XCTAssertEqual(CapturedText.incompleteSuffix([0x61, 0xC3]), 1)
        XCTAssertEqual(CapturedText.incompleteSuffix([0x61, 0xC3, 0xA9]), 0)
        XCTAssertEqual(CapturedText.incompleteSuffix([0xE2, 0x82]), 2)
        XCTAssertNil(CapturedText.read(path: "/dev/null"), "only regular files")
    }

    func testMachineSnapshot() {
        let machine = Machine.current()
        XCTAssertEqual(machine.system, "linux")
        XCTAssertGreaterThan(machine.cpuCount, 0)
        XCTAssertGreaterThan(machine.ramTotal, 0)
        XCTAssertGreaterThan(machine.pageSize, 0)
        XCTAssertNil(machine.processes)
        let table = ProcessTable.current()
        XCTAssertGreaterThan(table.processes.total, 0)
        XCTAssertGreaterThanOrEqual(table.tasks.total, table.processes.total)
        XCTAssertNotNil(Host.name())
        XCTAssertEqual(Accounts.userName(0), "root")
    }

    /// The record's interface and address come from SIOCGIFCONF; getifaddrs must agree.
    func testPrimaryAddressAgreesWithGetifaddrs() throws {
        let quick = try XCTUnwrap(Host.interfaceConfiguration(), "SIOCGIFCONF answered")
        let dump = try XCTUnwrap(Host.linkDump())
        XCTAssertEqual(quick.interface, dump.interface)
        XCTAssertEqual(quick.address, dump.address)
        XCTAssertEqual(Host.primaryIPv4()?.address, dump.address)
        XCTAssertEqual(quick.address.split(separator: ".").count, 4)
    }
}
