import XCTest

/// The test's own line reader must see the real records' structure, or the key comparisons in
/// KickstartBinaryTests would pass vacuously.
final class RecordKeysTests: XCTestCase {
    func testReadsTheRealFailedRecord() throws {
        let keys = RecordKeys(try KickstartBinary.fixture("ks_failed_real.yml"))
        XCTAssertEqual(keys.keys(""), ["invocation", "version", "start", "duration", "transformation", "derivation", "resource",
                                       "wf-label", "wf-stamp", "interface", "hostaddr", "pid", "uid", "user", "gid", "group",
                                       "umask", "mainjob", "jobids", "cwd", "usage", "machine", "files", "environment", "limits"])
        XCTAssertEqual(keys.keys("mainjob/status"), ["raw", "regular_exitcode"])
        XCTAssertEqual(keys.keys("mainjob"), ["start", "duration", "pid", "usage", "status", "executable", "argument_vector", "procs"])
        XCTAssertEqual(keys.keys("files"), ["stdin", "stdout", "stderr", "metadata", "kickstart", "logfile"])
        XCTAssertTrue(keys.keys("files/stderr").isSuperset(of: ["temporary_name", "descriptor", "size", "data_truncated", "data"]))
        XCTAssertEqual(keys.sourceNormalized("files/logfile").count, 14)
        XCTAssertEqual(keys.keys("environment").count, 41)
        XCTAssertEqual(keys.keys("limits").count, 32)
        XCTAssertEqual(keys.keys("mainjob/usage").count, 13)
    }

    func testSkipsTextBeforeTheRecordAndInsideDataBlocks() throws {
        let notFound = RecordKeys(try KickstartBinary.fixture("ks_notfound_real.yml"))
        XCTAssertTrue(notFound.keys("").contains("invocation"))
        XCTAssertEqual(notFound.keys("mainjob/executable"), ["error", "file_name"])
        let record = "- invocation: True\n  files:\n    stdout:\n      data: |\n        key: value\n\n        other: 1\n      size: 3\n"
        XCTAssertEqual(RecordKeys(record).keys("files/stdout"), ["data", "size"])
    }
}
