import SkeinText
import SkeinYAML

/// File and transformation names become paths: an lfn is a file in the scratch folder (the
/// input link, a job's output, a staged copy), stdin/stdout/stderr are opened there, and a
/// stageable transformation is copied into the run's `bin/` by its name. So none may leave
/// its folder (`..`, an absolute path), nor hold NUL or control characters (which also
/// reach terminals); a transformation name may not hold `/` at all. Pegasus allows `/` in
/// lfns (deep storage layouts), so an lfn may name a subfolder.
extension WorkflowValidator {
    mutating func checkNames() {
        // By index, not `for job in`: a copy of each job would retain all its fields.
        let jobs = workflow.jobs
        for j in jobs.indices {
            for use in jobs[j].uses {
                checkPath(use.lfn, what: "file of job '\(jobs[j].id)'", workflowFile, use.mark)
            }
            if let stdin = jobs[j].stdin { checkPath(stdin, what: "stdin of job '\(jobs[j].id)'", workflowFile, jobs[j].stdinMark) }
            if let stdout = jobs[j].stdout { checkPath(stdout, what: "stdout of job '\(jobs[j].id)'", workflowFile, jobs[j].stdoutMark) }
            if let stderr = jobs[j].stderr { checkPath(stderr, what: "stderr of job '\(jobs[j].id)'", workflowFile, jobs[j].stderrMark) }
        }
        for replica in loaded.replicas?.replicas ?? [] where replica.regex != true {
            checkPath(replica.lfn, what: "replica", replicasFile, replica.mark)
        }
        for site in loaded.sites?.sites ?? [] {
            guard let problem = NameRules.fileNameProblem(site.name, allowSlash: false) else { continue }
            error("unsafe-name", sitesFile, site.mark, "site name '\(NameRules.shown(site.name))' \(problem)",
                  hint: "site names become job ids and folder names: use letters, digits, '.', '-' and '_'")
        }
        for t in loaded.transformations?.transformations ?? [] {
            for (part, value) in [("name", Optional(t.name)), ("namespace", t.namespace), ("version", t.version)] {
                guard let value, let problem = NameRules.fileNameProblem(value, allowSlash: false) else { continue }
                error("unsafe-name", transformationsFile, t.mark, "transformation \(part) '\(NameRules.shown(value))' \(problem)",
                      hint: "transformation names become file names: use letters, digits, '.', '-' and '_'")
            }
        }
    }

    /// `what` is built only for a name with a problem (most names have none).
    private mutating func checkPath(_ name: String, what: @autoclosure () -> String, _ file: String, _ mark: SourceMark) {
        guard let problem = NameRules.fileNameProblem(name, allowSlash: true) else { return }
        error("unsafe-file-name", file, mark, "\(what()): '\(NameRules.shown(name))' \(problem)",
              hint: "file names are paths inside the job's scratch folder: give a relative name without '..'")
    }
}
