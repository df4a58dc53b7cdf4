/// pegasus-analyzer's job counts, read in one scan of job_instance: each job's last attempt
/// (highest job_submit_seq) decides it succeeded or failed, and a job with an attempt still
/// running whose latest failed attempt is kept is "failing". Its SQL, with a correlated
/// `max(job_submit_seq)` per attempt, took seconds on a 1,000,000-job run.
struct LastAttempts {
    /// The workflow's jobs.
    var jobs = 0
    var succeeded = 0
    /// Last attempts that failed, in submission order.
    var failed: [Int] = []
    /// The latest failed attempt of jobs with an attempt running, in submission order.
    var failing: [Int] = []

    static func read(_ db: ReportDatabase, workflow: Int) throws -> LastAttempts {
        struct Job {
            var lastSeq = Int.min, lastInstance = -1, lastExit: Int?
            var failedSeq = Int.min, failedInstance = -1, running = false
        }
        var index = IDIndex(expected: 1024)
        var jobs: [Job] = []
        try db.each("SELECT job_id FROM job WHERE wf_id = ?", [workflow]) { r in
            index.set(r.int(0) ?? 0, jobs.count)
            jobs.append(Job())
        }
        try db.each("SELECT job_instance_id, job_id, job_submit_seq, exitcode FROM job_instance") { r in
            guard let j = index.get(r.int(1) ?? -1) else { return }
            let instance = r.int(0) ?? 0, seq = r.int(2) ?? 0, exit = r.int(3)
            if seq > jobs[j].lastSeq { jobs[j].lastSeq = seq; jobs[j].lastInstance = instance; jobs[j].lastExit = exit }
            if let exit, exit != 0 {
                if seq > jobs[j].failedSeq { jobs[j].failedSeq = seq; jobs[j].failedInstance = instance }
            } else if exit == nil {
                jobs[j].running = true
            }
        }
        var result = LastAttempts()
        result.jobs = jobs.count
        var failed: [(seq: Int, instance: Int)] = [], failing: [(seq: Int, instance: Int)] = []
        for job in jobs {
            if job.lastInstance >= 0, let code = job.lastExit {
                if code == 0 { result.succeeded += 1 } else { failed.append((job.lastSeq, job.lastInstance)) }
            }
            if job.running && job.failedInstance >= 0 { failing.append((job.failedSeq, job.failedInstance)) }
        }
        let order: ((seq: Int, instance: Int), (seq: Int, instance: Int)) -> Bool = { ($0.seq, $0.instance) < ($1.seq, $1.instance) }
        result.failed = failed.sorted(by: order).map(\.instance)
        result.failing = failing.sorted(by: order).map(\.instance)
        return result
    }
}
