import Foundation

/// Each job's attempts as status needs them, summed up from one pass over job_instance:
/// how many, the first and last submit sequence, and the last attempt's id, exit code and
/// (with `detail`) site, host and duration. Indexed by a slot per job: the job's position in
/// the report, or its job_id less the lowest when read apart (`Reading`).
struct JobAttempts {
    var count: [Int]
    var firstSeq: [Int]
    var lastSeq: [Int]
    var lastInstance: [Int]      // job_instance_id, 0 = none
    var exitcode: [Int?]
    var site: [String?]
    var hostID: [Int?]
    var localDuration: [Double?]
    let detail: Bool
    private var lastSite: String?

    init(slots n: Int, detail: Bool) {
        self.detail = detail
        count = Array(repeating: 0, count: n); firstSeq = Array(repeating: Int.max, count: n)
        lastSeq = Array(repeating: Int.min, count: n); lastInstance = Array(repeating: 0, count: n)
        exitcode = Array(repeating: nil, count: n)
        site = detail ? Array(repeating: nil, count: n) : []
        hostID = detail ? Array(repeating: nil, count: n) : []
        localDuration = detail ? Array(repeating: nil, count: n) : []
    }

    /// job_instance's columns, in the order `add` reads them.
    static func columns(detail: Bool) -> String {
        "job_id, job_instance_id, job_submit_seq, exitcode" + (detail ? ", site, host_id, local_duration" : "")
    }

    /// One job_instance row (`columns`) of the job in `slot`.
    mutating func add(_ r: ReportDatabase.Row, slot j: Int) {
        let seq = r.int(2) ?? 0
        count[j] += 1
        if seq < firstSeq[j] { firstSeq[j] = seq }
        guard seq >= lastSeq[j] else { return }
        lastSeq[j] = seq
        lastInstance[j] = r.int(1) ?? 0
        exitcode[j] = r.int(3)
        guard detail else { return }
        // Sites repeat: keep one copy of each.
        let text = r.text(4)
        if text != lastSite { lastSite = text }
        site[j] = lastSite
        hostID[j] = r.int(5)
        localDuration[j] = r.double(6)
    }

    /// The attempts of the jobs in `slots`, in that order (a job's position is its index there).
    func gathered(_ slots: [Int]) -> JobAttempts {
        var out = JobAttempts(slots: slots.count, detail: detail)
        for (j, s) in slots.enumerated() {
            out.count[j] = count[s]; out.firstSeq[j] = firstSeq[s]; out.lastSeq[j] = lastSeq[s]
            out.lastInstance[j] = lastInstance[s]; out.exitcode[j] = exitcode[s]
            if detail { out.site[j] = site[s]; out.hostID[j] = hostID[s]; out.localDuration[j] = localDuration[s] }
        }
        return out
    }

    /// job_instance read on a connection of its own on another thread (`BackgroundRead`)
    /// while the job table is read on the first. Slots are job_id - `ids.lowerBound`, so
    /// neither scan waits for the other's positions.
    static func reading(path: String, sql: String, ids: ClosedRange<Int>, detail: Bool) -> BackgroundRead<JobAttempts> {
        BackgroundRead(path: path) { db in
            var attempts = JobAttempts(slots: ids.count, detail: detail)
            let base = ids.lowerBound, end = ids.count
            try db.each(sql) { r in
                let slot = (r.int(0) ?? -1) - base
                if slot >= 0 && slot < end { attempts.add(r, slot: slot) }
            }
            return attempts
        }
    }
}
