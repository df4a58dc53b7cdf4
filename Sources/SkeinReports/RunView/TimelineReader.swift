import Foundation

/// Reads a run's `Timeline` from its database: one bar per attempt, from its first SUBMIT or
/// EXECUTE state; an attempt still running lasts until `now` (in a stale run, until its last event).
public enum TimelineReader {
    public static func read(_ location: RunLocation, now: Double = Date().timeIntervalSince1970) throws -> Timeline {
        guard location.databaseExists, let path = location.database else { throw ReportError.noDatabase(location.database ?? location.directory) }
        let db = try ReportDatabase(path: path)
        // Attempts of auxiliary jobs have no task: their type stands in.
        var transformation: [Int: String] = [:]
        try db.each("SELECT job_id, transformation FROM task WHERE job_id IS NOT NULL") { r in
            let job = r.int(0) ?? 0
            if transformation[job] == nil { transformation[job] = r.text(1) }
        }
        // A stale Pegasus run's unfinished attempts end at their last event, not now (years
        // later, which squashed every other bar into one column).
        let stale = location.kind == .pegasus && RunCondition.dagmanIsGone(directory: location.directory)
        var bars: [TimelineBar] = []
        var tries: [Int: Int] = [:]
        try db.each("""
            SELECT ji.job_instance_id, j.job_id, j.exec_job_id, j.type_desc, ji.job_submit_seq, ji.local_duration, ji.exitcode,
                   (SELECT min(timestamp) FROM jobstate s WHERE s.job_instance_id = ji.job_instance_id AND s.state IN ('EXECUTE', 'SUBMIT')),
                   (SELECT max(timestamp) FROM jobstate s WHERE s.job_instance_id = ji.job_instance_id)
            FROM job_instance ji JOIN job j ON j.job_id = ji.job_id ORDER BY ji.job_submit_seq
            """) { r in
            let jobID = r.int(1) ?? 0
            let n = (tries[jobID] ?? 0) + 1
            tries[jobID] = n
            guard let start = r.double(7) else { return }
            let exit = r.int(6).map(PegasusFormat.regularExitCode)
            let openUntil = stale ? (r.double(8) ?? start) : now
            let duration = r.double(5) ?? (exit == nil ? max(0, openUntil - start) : 0)
            bars.append(TimelineBar(job: r.string(2), transformation: transformation[jobID] ?? r.string(3), attempt: n,
                                    start: start, duration: duration, exitCode: exit))
        }
        bars.sort { $0.start != $1.start ? $0.start < $1.start : $0.job < $1.job }
        let start = bars.first?.start ?? 0
        let end = bars.map { $0.start + $0.duration }.max() ?? start
        return Timeline(bars: bars, start: start, end: max(end, start))
    }
}
