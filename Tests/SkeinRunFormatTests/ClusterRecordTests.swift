import Foundation
import SkeinRunFormat
import XCTest

/// A clustered job's record: YAML invocations with pegasus-cluster's `[cluster-…]` lines,
/// read from Pegasus's real clustered outputs and from the form skein-kickstart writes.
final class ClusterRecordTests: XCTestCase {
    func fixture(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/kickstart/clustered/\(name)")
    }

    func testPegasusSummaryLinesAreRead() throws {
        let ok = try KickstartRecord.read(fixture("cluster-ok.out").path)
        XCTAssertEqual(ok.clusterSummary?["tasks"], "9628")
        XCTAssertEqual(ok.clusterSummary?["stat"], "ok")
        XCTAssertEqual(ok.clusterSummary?["app"], "/lustre/scratch/proj/tera3d/pegasus/default/bin/pegasus-mpi-cluster")
        XCTAssertTrue(ok.clusterSummary?.succeeded ?? false)
        let failed = try KickstartRecord.read(fixture("cluster_summary_failed.out").path)
        XCTAssertFalse(failed.clusterSummary?.succeeded ?? true, "stat ok but failed=1")
        XCTAssertEqual(failed.clusterTasks.first?["name"], "A")
        XCTAssertEqual(failed.clusterTasks.first?["hostname"], "gideon.isi.edu")
    }

    func testInvocationsBetweenClusterLinesAreEachRead() throws {
        let one = try String(contentsOf: fixture("yaml-ok.out"), encoding: .utf8)
        let text = one + "[cluster-task id=1, start=\"2019-02-15T14:06:34.252-08:00\", duration=6.252, status=0, line=2, pid=48225, app=\"/bin/x\"]\n"
            + one + "[cluster-task id=2, start=\"2019-02-15T14:06:40.504-08:00\", duration=1.000, status=256, line=4, pid=48226, app=\"/bin/x\"]\n"
            + "[cluster-summary stat=\"fail\", lines=4, tasks=2, succeeded=1, failed=1, extra=0, duration=7.300, start=\"2019-02-15T14:06:34.200-08:00\", pid=48224, app=\"skein-kickstart\"]\n"
        let record = try KickstartRecord.parse(Array(text.utf8), path: "x")
        XCTAssertEqual(record.invocations.count, 2)
        XCTAssertEqual(record.invocations.map(\.derivation), ["ID0000002", "ID0000002"])
        XCTAssertEqual(record.clusterTasks.map { $0["status"] }, ["0", "256"])
        XCTAssertEqual(record.clusterSummary?["failed"], "1")
        XCTAssertFalse(record.clusterSummary?.succeeded ?? true)
    }

    func testKickstartTimesAreReadAsTheFormatterReadsThem() {
        for text in ["2026-11-21T08:06:43.023+00:00", "2019-02-15T14:06:34.252-08:00", "2012-04-20T15:37:48.523-04:00", "2000-02-29T23:59:59+05:30",
                     "1999-12-31T00:00:00Z", "2024-03-01T00:00:00.5+00:00"] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
            let expected = formatter.date(from: text)?.timeIntervalSince1970
            XCTAssertEqual(KickstartRecord.epoch(text)!, expected!, accuracy: 0.0005, text)
        }
        XCTAssertNil(KickstartRecord.epoch("yesterday"))
    }
}
