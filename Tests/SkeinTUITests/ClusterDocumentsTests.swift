import XCTest
import SkeinRunFormat
@testable import SkeinTUI

/// A clustered job's record on the Job screen: the cluster's summary, then its tasks by name,
/// each with its record fields and its output.
final class ClusterDocumentsTests: XCTestCase {
    func task(_ id: String, exit: Int, stdout: String) -> String {
        """
        - invocation: True
          start: 2026-11-21T08:06:43.023+00:00
          duration: 0.5
          transformation: "sh"
          derivation: "\(id)"
          mainjob:
            start: 2026-11-21T08:06:43.023+00:00
            duration: 0.5
            status: {raw: \(exit << 8), regular_exitcode: \(exit)}
          files:
            stdout:
              file_name: /run/jobs/000/\(id).stdout.000
              data: "\(stdout)"

        """
    }

    func testTasksAreShownUnderTheClusterWithTheirRecordAndOutput() throws {
        let text = task("t1", exit: 0, stdout: "hello from t1\\n")
            + "[cluster-task id=1, start=\"2026-11-21T08:06:43.023+00:00\", duration=0.500, status=0, line=2, pid=7, app=\"/bin/sh\"]\n"
            + task("t2", exit: 3, stdout: "t2 says no\\n")
            + "[cluster-task id=2, start=\"2026-11-21T08:06:43.600+00:00\", duration=0.500, status=768, line=4, pid=8, app=\"/bin/sh\"]\n"
            + "[cluster-summary stat=\"fail\", lines=6, tasks=2, succeeded=1, failed=1, extra=0, duration=1.200, start=\"2026-11-21T08:06:43.000+00:00\", pid=6, app=\"skein-kickstart\"]\n"
        let record = try KickstartRecord.parse(Array(text.utf8), path: "/run/jobs/000/merge_all.out.000")
        let lines = JobDocuments.record(record, directory: "/run").map(\.text)
        XCTAssertEqual(lines.first, "Cluster  fail")
        XCTAssertTrue(lines.contains { $0.contains("tasks run") && $0.contains("2: 1 succeeded, 1 failed") }, "\(lines)")
        XCTAssertTrue(lines.contains("Task 1: t1 (sh)  jobs/000/merge_all.out.000"), "\(lines)")
        XCTAssertTrue(lines.contains("Task 2: t2 (sh)  jobs/000/merge_all.out.000"), "\(lines)")
        XCTAssertTrue(lines.contains("  hello from t1"), "\(lines)")
        XCTAssertTrue(lines.contains("  t2 says no"), "\(lines)")
        XCTAssertTrue(lines.contains { $0.contains("exit code 3") }, "\(lines)")
    }

    func testAJobsOwnRecordIsShownAsBefore() throws {
        let record = try KickstartRecord.parse(Array(task("a", exit: 0, stdout: "x").utf8), path: "/run/jobs/000/a.out.000")
        let lines = JobDocuments.record(record, directory: "/run").map(\.text)
        XCTAssertEqual(lines.first, "Invocation 1 of 1  jobs/000/a.out.000")
        XCTAssertFalse(lines.contains("stdout (in the record)"))
    }
}
