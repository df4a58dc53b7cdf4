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
        for job in workflow.jobs {
            for use in job.uses {
                checkPath(use.lfn, what: "file of job '\(job.id)'", workflowFile, use.mark)
            }
            if let stdin = job.stdin { checkPath(stdin, what: "stdin of job '\(job.id)'", workflowFile, job.stdinMark) }
            if let stdout = job.stdout { checkPath(stdout, what: "stdout of job '\(job.id)'", workflowFile, job.mark) }
            if let stderr = job.stderr { checkPath(stderr, what: "stderr of job '\(job.id)'", workflowFile, job.mark) }
        }
        for replica in loaded.replicas?.replicas ?? [] where replica.regex != true {
            checkPath(replica.lfn, what: "replica", replicasFile, replica.mark)
        }
        for t in loaded.transformations?.transformations ?? [] {
            for (part, value) in [("name", Optional(t.name)), ("namespace", t.namespace), ("version", t.version)] {
                guard let value, let problem = Self.nameProblem(value, allowSlash: false) else { continue }
                error("unsafe-name", transformationsFile, t.mark, "transformation \(part) '\(Untrusted.visible(value))' \(problem)",
                      hint: "transformation names become file names: use letters, digits, '.', '-' and '_'")
            }
        }
    }

    private mutating func checkPath(_ name: String, what: String, _ file: String, _ mark: SourceMark) {
        guard let problem = Self.nameProblem(name, allowSlash: true) else { return }
        error("unsafe-file-name", file, mark, "\(what): '\(Untrusted.visible(name))' \(problem)",
              hint: "file names are paths inside the job's scratch folder: give a relative name without '..'")
    }

    /// Why `name` cannot be a file name inside a job's folder, or nil when it can.
    static func nameProblem(_ name: String, allowSlash: Bool) -> String? {
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "holds a control character (NUL, newline, escape, ...)"
        }
        if !allowSlash && name.contains("/") { return "holds '/'" }
        if name.hasPrefix("/") { return "is an absolute path" }
        if name.split(separator: "/", omittingEmptySubsequences: false).contains("..") { return "leads out of its folder with '..'" }
        return nil
    }
}
