import XCTest
@testable import SkeinProvenance

/// WAL only on local filesystems: the f_type decision is pure and tested for each magic.
final class JournalPolicyTests: XCTestCase {
    func testNetworkFilesystemsUseRollbackJournal() {
        let network: [Int64] = [0x6969, 0x0BD0_0BD0, 0x4750_4653, 0xFF53_4D42, 0xFE53_4D42, 0x00C3_6400, 0x1983_0326, 0x6573_5546]
        for magic in network {
            XCTAssertEqual(JournalPolicy.mode(forFilesystemType: magic), .delete, String(magic, radix: 16))
        }
        // f_type is a signed long: CIFS may arrive sign-extended.
        XCTAssertEqual(JournalPolicy.mode(forFilesystemType: Int64(Int32(bitPattern: 0xFF53_4D42))), .delete)
    }

    func testLocalFilesystemsUseWAL() {
        let local: [Int64] = [0xEF53 /* ext4 */, 0x5846_5342 /* xfs */, 0x9123_683E /* btrfs */, 0x0102_1994 /* tmpfs */, 0x2FC1_2FC1 /* zfs */]
        for magic in local { XCTAssertEqual(JournalPolicy.mode(forFilesystemType: magic), .wal, String(magic, radix: 16)) }
    }

    func testOverridesAndFallback() throws {
        XCTAssertEqual(JournalPolicy.wal.resolve(forDatabaseAt: "/nonexistent/x.db"), .wal)
        XCTAssertEqual(JournalPolicy.rollback.resolve(forDatabaseAt: "/tmp/x.db"), .delete)
        XCTAssertEqual(JournalPolicy.automatic.resolve(forDatabaseAt: "/nonexistent/dir/x.db"), .delete,
                       "unknown filesystem: the safe choice")
        XCTAssertEqual(JournalPolicy.mode(forFilesystemName: "nfs"), .delete)
        XCTAssertEqual(JournalPolicy.mode(forFilesystemName: "apfs"), .wal)
    }

    func testAutomaticMatchesThisMachine() throws {
        let dir = try TestPaths.tempDir(self)
        let fType = try XCTUnwrap(JournalPolicy.filesystemType(ofDirectory: dir))
        let expected = JournalPolicy.mode(forFilesystemType: fType)
        XCTAssertEqual(JournalPolicy.automatic.resolve(forDatabaseAt: dir + "/run.stampede.db"), expected)
        let writer = try StampedeWriter(path: dir + "/run.stampede.db")
        XCTAssertEqual(writer.journalMode, expected.rawValue)
        try writer.close()
        let forced = try StampedeWriter(path: dir + "/b.db", journal: .rollback)
        XCTAssertEqual(forced.journalMode, "DELETE")
        try forced.close()
    }
}
