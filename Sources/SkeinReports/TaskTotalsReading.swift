import Foundation

/// pegasus-statistics' planned task count per workflow (the task table joined to its job),
/// read on a database connection of its own on another thread while `StatisticsTables`
/// scans the jobs, attempts and invocations: on a 2-core machine a million-task count
/// overlaps with them instead of adding to them.
final class TaskTotalsReading: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<[Int: Int], Error>?

    /// `positions` maps wf_id to the workflow's position in the report.
    init(path: String, workflows ids: [Int], positions: [Int: Int]) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            result = Result { try Self.read(path: path, workflows: ids, positions: positions) }
            done.signal()
        }
    }

    func wait() throws -> [Int: Int] {
        done.wait()
        done.signal()  // a second wait returns at once
        return try result!.get()
    }

    static func read(path: String, workflows ids: [Int], positions: [Int: Int]) throws -> [Int: Int] {
        let db = try ReportDatabase(path: path)
        var totals: [Int: Int] = [:]
        try db.each("""
            SELECT t.wf_id, count(*) FROM task t JOIN job j ON t.job_id = j.job_id
            WHERE t.wf_id IN (\(ids.map(String.init).joined(separator: ", "))) AND t.type_desc NOT IN ('dax', 'dag') GROUP BY t.wf_id
            """) { r in totals[positions[r.int(0) ?? 0] ?? -1] = r.int(1) ?? 0 }
        return totals
    }
}
