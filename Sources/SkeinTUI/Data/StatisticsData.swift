import Foundation
import SkeinProvenance
import SkeinReports

/// One attempt on the timeline.
public struct TimelineBar: Sendable, Equatable {
    public var job: String
    public var transformation: String
    public var attempt: Int
    public var start: Double
    public var duration: Double
    /// nil while it runs.
    public var exitCode: Int?
}

/// The Statistics screen's data: pegasus-statistics' tables, and every attempt's start and
/// duration for the timeline.
public struct StatisticsData: Sendable, Equatable {
    public var report: StatisticsReport
    /// Sorted by start.
    public var bars: [TimelineBar]
    public var start: Double
    public var end: Double
}

enum StatisticsDataReader {
    static func read(_ location: RunLocation, now: Double) throws -> StatisticsData {
        let report = try StatisticsReader.read(location, includeJobs: false)
        var bars: [TimelineBar] = []
        let db = try SQLiteDatabase(path: report.database, readOnly: true, create: false, busyTimeout: 10)
        // One row per attempt: its first state (submit) and, once it ended, its duration.
        // Attempts of auxiliary jobs have no task: their type stands in.
        var transformation: [Int64: String] = [:]
        let tasks = try db.prepare("SELECT job_id, transformation FROM task WHERE job_id IS NOT NULL")
        while try tasks.step() { if transformation[tasks.int64(0)] == nil { transformation[tasks.int64(0)] = tasks.text(1) } }
        let attempts = try db.prepare("""
            SELECT ji.job_instance_id, j.job_id, j.exec_job_id, j.type_desc, ji.job_submit_seq, ji.local_duration, ji.exitcode,
                   (SELECT min(timestamp) FROM jobstate s WHERE s.job_instance_id = ji.job_instance_id AND s.state IN ('EXECUTE', 'SUBMIT'))
            FROM job_instance ji JOIN job j ON j.job_id = ji.job_id ORDER BY ji.job_submit_seq
            """)
        var tries: [Int64: Int] = [:]
        while try attempts.step() {
            let jobID = attempts.int64(1)
            let n = (tries[jobID] ?? 0) + 1
            tries[jobID] = n
            guard !attempts.isNull(7) else { continue }
            let start = attempts.double(7)
            let exit: Int? = attempts.isNull(6) ? nil : PegasusFormat.regularExitCode(Int(attempts.int64(6)))
            let duration = attempts.isNull(5) ? (exit == nil ? max(0, now - start) : 0) : attempts.double(5)
            let type = attempts.text(3) ?? ""
            bars.append(TimelineBar(job: attempts.text(2) ?? "", transformation: transformation[jobID] ?? type, attempt: n,
                                    start: start, duration: duration, exitCode: exit))
        }
        bars.sort { $0.start != $1.start ? $0.start < $1.start : $0.job < $1.job }
        let start = bars.first?.start ?? 0
        let end = bars.map { $0.start + $0.duration }.max() ?? start
        return StatisticsData(report: report, bars: bars, start: start, end: max(end, start))
    }
}
