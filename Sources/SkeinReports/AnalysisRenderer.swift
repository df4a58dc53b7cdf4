import Foundation

/// Text renderings of `AnalysisReport` and `JobAnalysis`, laid out like pegasus-analyzer
/// (the same Summary block and section banners), with Skein's additions: host, attempt,
/// reason, files and the working directory of each failed job.
public enum AnalysisRenderer {
    public static func text(_ r: AnalysisReport, style: TextStyle = .plain) -> String {
        var out = "\n" + banner("Summary", "*") + "\n\n"
        out += " Submit Directory   : \(Text.visible(r.submitDirectory))\n"
        out += " Workflow Status    : \(style.state(workflowStatusText(r)))\n"
        out += summaryLine("Total jobs", r.total, r.total)
        out += summaryLine("# jobs succeeded", r.succeeded, r.total)
        out += summaryLine("# jobs failed", r.failed, r.total)
        out += summaryLine("# jobs held", r.held, r.total)
        out += summaryLine("# jobs unsubmitted", r.unsubmitted, r.total)
        out += "\n"
        if r.total > 0 && r.unsubmitted == r.total && r.condition.phase != .running {
            out += banner(" Looks like workflow did not start", "*") + "\n\n"
        }
        if !r.heldJobs.isEmpty {
            out += banner("Held jobs' details", "*") + "\n\n"
            for h in r.heldJobs {
                out += banner(Text.visible(h.job), "=") + "\n\n"
                out += "submit file            : \(Text.visible(h.job)).sub\n"
                out += "last_job_instance_id   : \(h.instanceID)\n"
                out += "reason                 : \(h.reason.map(Text.visible) ?? "-")\n\n"
            }
        }
        if let pending = r.pendingJobs, !pending.isEmpty {
            out += banner("Jobs waiting in the batch system", "*") + "\n\n"
            let width = min(40, pending.map(\.job.count).max() ?? 0)
            for p in pending {
                out += Text.visible(p.job).padding(toLength: max(width, p.job.count), withPad: " ", startingAt: 0) + " : " + Text.visible(p.reason) + "\n"
            }
            out += "\n"
        }
        if !r.failingJobs.isEmpty {
            out += banner("Failing jobs' details", "*") + "\n"
            for a in r.failingJobs { out += attempt(a, style: style) }
        }
        if !r.failedJobs.isEmpty {
            out += banner("Failed jobs' details", "*") + "\n"
            for a in r.failedJobs { out += attempt(a, style: style) }
        }
        for remark in r.remarks { out += style.yellow(remark) + "\n" }
        out += (out.hasSuffix("\n\n") ? "" : "\n") + banner("Done", "*") + "\n\n"
        out += "skein analyze: end of status report"
        if !r.failedJobs.isEmpty {
            let names = r.failedJobs.prefix(5).map { Text.visible($0.job) }.joined(separator: " ")
            out += "\n\(Text.plural(r.failedJobs.count, "job")) failed"
            if r.kind == .skein { out += "; run \(r.failedJobs.count == 1 ? "it" : "them") again with: skein retry \(Text.visible(RunCondition.shellQuoted(r.directory))) \(names)\(r.failedJobs.count > 5 ? " ..." : "")" }
        } else if let hint = r.condition.hint, r.condition.phase == .stopped || r.condition.phase == .planned {
            out += "\n\(r.condition.text): \(hint)"
        }
        out += "\n"
        // pegasus-analyzer -r: each failed sub-workflow after its parent, down to its failed jobs.
        for sub in r.subworkflows ?? [] {
            out += "\n" + banner("Sub-workflow of \(Text.visible(sub.job))", "#") + "\n"
            out += text(sub.report, style: style)
        }
        return out
    }

    /// Skein runs say what they are (stopped, halted, ...); Pegasus runs say what
    /// pegasus-analyzer says.
    static func workflowStatusText(_ r: AnalysisReport) -> String {
        guard r.kind == .skein else { return r.workflowStatus }
        switch r.condition.phase {
        case .stopped: return "stopped (engine not running)"
        case .planned: return "planned (not started)"
        case .halted: return "failure (halted)"
        case .removed: return "failure (removed)"
        case .running: return "running"
        case .succeeded: return "success"
        case .failed: return "failure"
        case .unknown, .stale: return r.workflowStatus
        }
    }

    static func summaryLine(_ label: String, _ n: Int, _ total: Int) -> String {
        // Python's "% 6d": a blank for the sign, then at least six characters.
        " " + Text.pad(label, 19) + ": " + Text.padLeft(" " + String(n), 6) + " (\(PegasusFormat.percent(n, of: total))%)\n"
    }

    static func banner(_ text: String, _ fill: Character) -> String { PegasusFormat.center(text, 80, fill) }

    /// One attempt as pegasus-analyzer prints a failed job, plus Skein's lines.
    public static func attempt(_ a: AttemptDetail, style: TextStyle = .plain, showStates: Bool = false) -> String {
        var out = "\n" + banner(Text.visible(a.job), "=") + "\n\n"
        out += " last state: \(a.lastState ?? "-")\n"
        out += "       site: \(a.site ?? "-")\n"
        out += "   hostname: \(a.host ?? "-")\n"
        out += "submit file: \(a.submitFile ?? "-")\n"
        out += "output file: \(a.stdoutFile ?? "-")\n"
        out += " error file: \(a.stderrFile ?? "-")\n"
        out += "    attempt: \(a.attempt) of \(a.attempts) made, \(a.maxAttempts) allowed\n"
        if let reason = a.reason { out += "     reason: \(style.red(Text.visible(reason)))\n" }
        if let d = a.duration { out += "   duration: \(Text.duration(d))" + (a.started.map { ", started \(Text.time($0))" } ?? "") + "\n" }
        if !a.files.isEmpty {
            out += "      files: " + a.files.map { "\($0.type) \(Text.visible($0.lfn))" }.joined(separator: ", ") + "\n"
        }
        if let dir = a.subworkflowDirectory {
            out += " This job contains sub workflows!\n Please run the command below for more information:\n"
            out += "  skein analyze \(RunCondition.shellQuoted(dir))\n"
        }
        if showStates, let states = a.states, !states.isEmpty {
            out += "     states:\n"
            for s in states {
                out += "       \(Text.time(s.time))  \(Text.pad(s.state, 22))" + (s.reason.map { " " + Text.visible($0) } ?? "") + "\n"
            }
        }
        out += "\n"
        let failedTasks = a.tasks.filter { $0.seq >= -1 && $0.rawStatus != 0 }
        var printedOutput = false
        for t in a.tasks where t.seq >= -1 && (failedTasks.isEmpty || t.rawStatus != 0) {
            out += banner("Task #\(t.seq) - Summary", "-") + "\n\n"
            out += "site        : \(a.site ?? "-")\n"
            out += "hostname    : \(a.host ?? "-")\n"
            out += "executable  : \(Text.visible(t.executable))\n"
            out += "arguments   : \(t.arguments.map(Text.visible) ?? "-")\n"
            out += "exitcode    : \(t.exitCode)\n"
            out += "working dir : \(a.workDir ?? "-")\n"
            if let d = t.duration { out += "duration    : \(Text.duration(d))" + (t.maxrssKB.map { ", peak memory \(memory($0))" } ?? "") + "\n" }
            out += "\n"
            let title = "Task #\(t.seq) - \(Text.visible(t.transformation)) - \(Text.visible(t.taskID ?? "None"))"
            if let o = t.stdout {
                out += banner(title + " - stdout", "-") + "\n\n" + output(o) + "\n"
                printedOutput = true
            }
            if let e = t.stderr {
                out += banner(title + " - Kickstart stderr", "-") + "\n\n" + output(e) + "\n"
                printedOutput = true
            }
        }
        if let e = a.jobStderr, !printedOutput {
            out += banner("Job stderr file - \(a.stderrFile ?? "-")", "-") + "\n\n" + output(e) + "\n"
        }
        return out
    }

    static func output(_ o: OutputText) -> String {
        var s = ""
        if o.omittedLines > 0 { s += "[... \(Text.plural(o.omittedLines, "earlier line")) not shown: \(o.lines) in all]\n" }
        return s + Text.visible(o.text) + "\n"
    }

    static func memory(_ kb: Int) -> String {
        kb >= 1024 * 1024 ? String(format: "%.1f GiB", Double(kb) / 1048576) : kb >= 1024 ? String(format: "%.1f MiB", Double(kb) / 1024) : "\(kb) KiB"
    }

    /// `--job ID`: the job, its place in the DAG, then every attempt with its states.
    public static func text(_ j: JobAnalysis, style: TextStyle = .plain) -> String {
        var out = style.bold(Text.visible(j.job)) + "  (\(j.type), workflow \(Text.visible(j.label)))\n"
        out += "state:    \(style.state(j.state))\n"
        out += "attempts: \(j.attempts.count) made, \(j.maxAttempts) allowed\n"
        out += "parents:  \(j.parents.isEmpty ? "-" : j.parents.joined(separator: ", "))\n"
        out += "children: \(j.children.isEmpty ? "-" : j.children.joined(separator: ", "))\n"
        if !j.files.isEmpty { out += "files:    " + j.files.map { "\($0.type) \(Text.visible($0.lfn))" }.joined(separator: ", ") + "\n" }
        if j.attempts.isEmpty {
            out += "\nnot started" + (j.state == "futile" ? ": a job it depends on failed" : "") + "\n"
        }
        for a in j.attempts {
            out += attempt(a, style: style, showStates: true)
        }
        return out
    }
}
