import Foundation
import SkeinRunFormat
import XCTest

/// The engine's quick reading of cluster records finds what the full reader finds, on
/// Pegasus's real records and on awkward output, and gives way to the full reader on what it
/// does not read.
final class ClusterRecordScanTests: XCTestCase {
    func fixture(_ path: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/kickstart/\(path)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The fields the engine keeps, as the full reader reads them.
    func assertSameAsFullReader(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let full = try KickstartRecord.parse(Array(text.utf8), path: "x")
        guard let scanned = ClusterRecordScan.scan(Array(text.utf8), path: "x") else { return XCTFail("not scanned", file: file, line: line) }
        XCTAssertEqual(scanned.invocations.count, full.invocations.count, file: file, line: line)
        for (a, b) in zip(scanned.invocations, full.invocations) {
            XCTAssertEqual(a.transformation, b.transformation, file: file, line: line)
            XCTAssertEqual(a.derivation, b.derivation, file: file, line: line)
            XCTAssertEqual(a.start, b.start, file: file, line: line)
            XCTAssertEqual(a.duration, b.duration, file: file, line: line)
            XCTAssertEqual(a.mainStart, b.mainStart, file: file, line: line)
            XCTAssertEqual(a.mainDuration, b.mainDuration, file: file, line: line)
            XCTAssertEqual(a.rawStatus, b.rawStatus, file: file, line: line)
            XCTAssertEqual(a.exitCode, b.exitCode, file: file, line: line)
            XCTAssertEqual(a.signal, b.signal, file: file, line: line)
            XCTAssertEqual(a.failure, b.failure, file: file, line: line)
            XCTAssertEqual(a.utime, b.utime, file: file, line: line)
            XCTAssertEqual(a.stime, b.stime, file: file, line: line)
            XCTAssertEqual(a.maxrssKB, b.maxrssKB, file: file, line: line)
            XCTAssertEqual(a.executable, b.executable, file: file, line: line)
            XCTAssertEqual(a.stdoutData, b.stdoutData, file: file, line: line)
            XCTAssertEqual(a.stderrData, b.stderrData, file: file, line: line)
            XCTAssertEqual(a.hostname, b.hostname, file: file, line: line)
            XCTAssertEqual(a.cwd, b.cwd, file: file, line: line)
        }
        XCTAssertEqual(scanned.clusterTasks, full.clusterTasks, file: file, line: line)
        XCTAssertEqual(scanned.clusterSummary, full.clusterSummary, file: file, line: line)
    }

    func cluster(_ records: [String]) -> String {
        var text = ""
        for (n, record) in records.enumerated() {
            text += record + "[cluster-task id=\(n + 1), start=\"2019-02-15T14:06:34.252-08:00\", duration=6.252, status=0, line=\(2 * n + 2), pid=4822\(n), app=\"/bin/x\"]\n"
        }
        return text + "[cluster-summary stat=\"ok\", lines=\(2 * records.count), tasks=\(records.count), succeeded=\(records.count), failed=0, extra=0, duration=7.300, start=\"2019-02-15T14:06:34.200-08:00\", pid=48224, app=\"skein-kickstart\"]\n"
    }

    func testPegasusRealRecordsReadAsTheFullReaderReadsThem() throws {
        for name in ["ks_success_real.yml", "ks_failed_real.yml", "ks_notfound_real.yml", "ks_signalled_real.yml", "clustered/yaml-ok.out"] {
            try assertSameAsFullReader(cluster([try fixture(name), try fixture(name)]))
        }
    }

    func testAwkwardOutputIsReadAsTheFullReaderReadsIt() throws {
        let record = """
        - invocation: True
          start: 2026-11-21T08:06:43.023+00:00
          duration: 0.5
          transformation: "ns::a \\"quoted\\" name:1.0"
          derivation: 'it''s'
          hostname: host # a comment
          mainjob:
            start: 2026-11-21T08:06:43.023+00:00
            duration: 0.5
            status: {raw: 768, regular_exitcode: 3}
          files:
            stdout:
              file_name: /x/a.stdout
              data: |2
                 leading blank, then: a colon
                - not a list item

                tab\there \\x and ünïcödé
            stderr:
              data: "one\\ntwo\\t\\x41\\u00e9"

        """
        // A flow mapping is not read by the scan: the full reader takes the record.
        XCTAssertNil(ClusterRecordScan.scan(Array(cluster([record]).utf8), path: "x"))
        let block = record.replacingOccurrences(of: "    status: {raw: 768, regular_exitcode: 3}", with: "    status:\n      raw: 768\n      regular_exitcode: 3")
        try assertSameAsFullReader(cluster([block, block]))
        let scanned = try XCTUnwrap(ClusterRecordScan.scan(Array(cluster([block]).utf8), path: "x"))
        XCTAssertEqual(scanned.invocations.first?.stdoutData, " leading blank, then: a colon\n- not a list item\n\ntab\there \\x and ünïcödé\n")
        XCTAssertEqual(scanned.invocations.first?.exitCode, 3)
    }

    func testWhatTheScanDoesNotReadIsLeftToTheFullReader() throws {
        let multiline = "- invocation: True\n  transformation: a\n    continued: here\n"
        XCTAssertNil(ClusterRecordScan.scan(Array(multiline.utf8), path: "x"))
        let anchor = "- invocation: True\n  transformation: &t a\n"
        XCTAssertNil(ClusterRecordScan.scan(Array(anchor.utf8), path: "x"))
        let unclosed = "- invocation: True\n  transformation: \"a\n    b\"\n"
        XCTAssertNil(ClusterRecordScan.scan(Array(unclosed.utf8), path: "x"))
        // Read through the file: the full reader's answer.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: file) }
        try cluster([anchor]).write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(ClusterRecordScan.read(file.path)?.invocations.first?.transformation, "a")
    }
}
