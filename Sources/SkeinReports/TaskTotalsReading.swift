import Foundation

/// pegasus-statistics' planned task count per workflow (the task table joined to its job),
/// read on a database connection of its own on another thread (`BackgroundRead`) while
/// `StatisticsTables` scans the jobs, attempts and invocations: on a 2-core machine a
/// million-task count overlaps with them instead of adding to them.
enum TaskTotalsReading {
    /// `positions` maps wf_id to the workflow's position in the report.
    static func start(path: String, workflows ids: [Int], positions: [Int: Int]) -> BackgroundRead<[Int: Int]> {
        BackgroundRead(path: path) { db in
            var totals: [Int: Int] = [:]
            try db.each("""
                SELECT t.wf_id, count(*) FROM task t JOIN job j ON t.job_id = j.job_id
                WHERE t.wf_id IN (\(ids.map(String.init).joined(separator: ", "))) AND t.type_desc NOT IN ('dax', 'dag') GROUP BY t.wf_id
                """) { r in totals[positions[r.int(0) ?? 0] ?? -1] = r.int(1) ?? 0 }
            return totals
        }
    }
}
