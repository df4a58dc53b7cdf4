import XCTest
@testable import SkeinKickstart

/// Wait statuses decoded by hand (Swift has no W* macros) and written as Pegasus does.
final class ExitStatusTests: XCTestCase {
    func testRegularExit() {
        let status = ExitStatus(waitStatus: 768)
        XCTAssertEqual(status.kind, .exited(3))
        XCTAssertEqual(status.wrapperExitCode, 3)
        XCTAssertTrue(status.isFailure)
        XCTAssertEqual(status.yamlLines(indent: 6), "      raw: 768\n      regular_exitcode: 3\n")
        XCTAssertFalse(ExitStatus(waitStatus: 0).isFailure)
    }

    func testSignalledAsInTheRealRecord() throws {
        let status = ExitStatus(waitStatus: 9)
        XCTAssertEqual(status.kind, .signalled(9, core: false))
        XCTAssertEqual(status.wrapperExitCode, 137)
        let expected = try fixtureLines("ks_signalled_real.yml", from: "    status:", to: "    executable:").dropFirst().joined()
        XCTAssertEqual(status.yamlLines(indent: 6), expected)
        XCTAssertEqual(ExitStatus(waitStatus: 0x80 | 11).kind, .signalled(11, core: true))
        XCTAssertEqual(ExitStatus(waitStatus: 0x137f).kind, .stopped(19))
    }

    func testFailureToExecuteAsInTheRealRecord() throws {
        let status = ExitStatus.failure(errno: 2)
        XCTAssertEqual(status.wrapperExitCode, 127)
        let expected = try fixtureLines("ks_notfound_real.yml", from: "    status:", to: "    executable:").dropFirst().joined()
        XCTAssertEqual(status.yamlLines(indent: 6), expected)
    }
}

/// Lines of a fixture (each with its newline) from the first line equal to `from` up to, not
/// including, the next line equal to `to`.
func fixtureLines(_ name: String, from: String, to: String) throws -> [String] {
    let lines = try KickstartBinary.fixture(name).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let start = lines.firstIndex(of: from) else { return [] }
    let end = lines[start...].firstIndex(of: to) ?? lines.endIndex
    return lines[start..<end].map { $0 + "\n" }
}
