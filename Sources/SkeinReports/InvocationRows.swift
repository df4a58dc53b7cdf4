/// The invocation rows pegasus-statistics' task figures need, with each (job's workflow,
/// abs_task_id) pair numbered: the task counts take distinct pairs, and a flag per number
/// is cheaper than a set of a million strings.
struct InvocationRows {
    var invocations: [StatisticsTables.Invocation] = []
    /// Per workflow position: abs_task_id to its number.
    var taskKeys: [[String: Int32]]
    var taskKeyCount = 0

    /// Every invocation, or those of the workflows in `list` (wf_ids, comma-separated). One
    /// workflow: a scan in table order, the order of the wf_id index it would read.
    static func sql(workflows list: String?) -> String {
        """
        SELECT job_instance_id, wf_id, task_submit_seq, exitcode, remote_duration, abs_task_id, transformation, maxrss, avg_cpu
        FROM invocation\(list.map { " WHERE wf_id IN (\($0))" } ?? "")
        """
    }

    /// `attempt` maps a row's job_instance_id and wf_id to the attempt's position, the row's
    /// workflow position and the workflow position of the attempt's job; nil leaves the row out.
    /// `expected`: the task ids the first workflow may have (its table is sized for them).
    static func read(_ db: ReportDatabase, sql: String, workflows: Int, expected: Int,
                     attempt: (Int, Int) -> (position: Int, workflow: Int, jobWorkflow: Int)?) throws -> InvocationRows {
        var rows = InvocationRows(taskKeys: Array(repeating: [:], count: max(workflows, 1)))
        if expected > 0 { rows.taskKeys[0].reserveCapacity(expected) }
        var lastTransformation = ""
        try db.each(sql) { r in
            guard let a = attempt(r.int(0) ?? -1, r.int(1) ?? 0) else { return }
            // Transformations repeat: share one string per run of equal names.
            let tr = r.string(6)
            if tr != lastTransformation { lastTransformation = tr }
            let task = rows.taskKey(r.text(5), workflow: a.jobWorkflow)
            rows.invocations.append(StatisticsTables.Invocation(
                instance: a.position, wf: a.workflow, seq: r.int(2) ?? 0, exit: r.int(3) ?? 0, duration: r.double(4) ?? 0, task: task,
                transformation: lastTransformation, maxrss: r.double(7), avgCPU: r.double(8)))
        }
        return rows
    }

    mutating func taskKey(_ task: String?, workflow: Int) -> Int32 {
        guard let task, workflow >= 0, workflow < taskKeys.count else { return -1 }
        // One hash lookup: the slot is found (or added as -1) once and filled in place.
        let next = Int32(taskKeyCount)
        let key = Self.fill(&taskKeys[workflow][task, default: -1], next)
        if key == next { taskKeyCount += 1 }
        return key
    }

    private static func fill(_ slot: inout Int32, _ value: Int32) -> Int32 {
        if slot < 0 { slot = value }
        return slot
    }
}
