/// Profile numbers that parse but that no run can use (issue 13, item 14): a `RETRY` of
/// Int.max loops for ever, a `maxwalltime` of 1e308 minutes is infinite seconds (which no
/// plan file can hold), an `ABORT-DAG-ON` exit code beyond what a process can exit with never
/// fires. Each is an error at its position; what `ProfileChecks` reports (not a number at
/// all) is not repeated here.
extension WorkflowValidator {
    /// Most retries a job may have: more is a loop, not a policy.
    static let maxRetries = 10_000
    /// Largest time or size a profile may give (maxwalltime in minutes is 1,900 years).
    static let maxProfileMagnitude = 1e9
    /// Most cores, nodes or GPUs a job may ask for (Slurm's own limits are far below).
    static let maxProcessors = 1_000_000

    mutating func checkProfileRanges() {
        checkRanges(workflow.profiles, workflowFile, "the workflow")
        let jobs = workflow.jobs
        for j in jobs.indices where !jobs[j].profiles.isEmpty { checkRanges(jobs[j].profiles, workflowFile, "job '\(jobs[j].id)'") }
        for site in loaded.sites?.sites ?? [] { checkRanges(site.profiles, sitesFile, "site '\(site.name)'") }
        for t in loaded.transformations?.transformations ?? [] {
            checkRanges(t.profiles, transformationsFile, "transformation '\(t.reference)'")
            for entry in t.sites { checkRanges(entry.profiles, transformationsFile, "transformation '\(t.reference)' on site '\(entry.name)'") }
        }
    }

    private mutating func checkRanges(_ profiles: Profiles, _ file: String, _ owner: String) {
        if let attr = profiles.attribute("dagman", "RETRY"), let n = Int(attr.value), n > Self.maxRetries {
            error("profile-out-of-range", file, attr.mark, "profile dagman.RETRY of \(owner) is \(attr.value), more than \(Self.maxRetries)",
                  hint: "retries are for passing failures: a few are enough")
        }
        if let attr = profiles.attribute("dagman", "PRIORITY"), let n = Int(attr.value), Int32(exactly: n) == nil {
            error("profile-out-of-range", file, attr.mark, "profile dagman.PRIORITY of \(owner) is \(attr.value), beyond \(Int32.min)...\(Int32.max)",
                  hint: "priorities only order jobs: use small numbers")
        }
        for key in ["maxwalltime", "runtime", "memory", "diskspace"] {
            guard let attr = profiles.attribute("pegasus", key), let value = Double(attr.value), value > 0,
                  !value.isFinite || value > Self.maxProfileMagnitude else { continue }
            error("profile-out-of-range", file, attr.mark, "profile pegasus.\(key) of \(owner) is \(attr.value), more than \(Int(Self.maxProfileMagnitude))",
                  hint: key == "maxwalltime" ? "maxwalltime is in minutes: leave it out for no limit" : "write a realistic number")
        }
        for key in ["cores", "nodes", "gpus", "ppn"] {
            guard let attr = profiles.attribute("pegasus", key), let n = Int(attr.value), n > Self.maxProcessors else { continue }
            error("profile-out-of-range", file, attr.mark, "profile pegasus.\(key) of \(owner) is \(attr.value), more than \(Self.maxProcessors)",
                  hint: "ask for the processors the job uses")
        }
        if let attr = profiles.attribute("dagman", "ABORT-DAG-ON"), let problem = Self.abortRuleProblem(attr.value) {
            error("invalid-profile-value", file, attr.mark, "profile dagman.ABORT-DAG-ON of \(owner) is '\(attr.value)': \(problem)",
                  hint: "write an exit code, optionally with the workflow's return value: '3' or '3 RETURN 1'")
        }
    }

    /// Why an `ABORT-DAG-ON` value cannot be used, if it cannot: `CODE [RETURN VALUE]`, both
    /// exit codes a process can have (0-255).
    static func abortRuleProblem(_ text: String) -> String? {
        let parts = text.split(separator: " ")
        guard let first = parts.first, let code = Int(first) else { return "it must start with an exit code" }
        guard (0...255).contains(code) else { return "exit code \(first) is not one a process can exit with (0-255)" }
        if parts.count == 1 { return nil }
        guard parts.count == 3, parts[1].uppercased() == "RETURN" else { return "after the exit code only 'RETURN VALUE' may follow" }
        guard let value = Int(parts[2]), (0...255).contains(value) else { return "the return value \(parts[2]) must be 0-255" }
        return nil
    }
}
