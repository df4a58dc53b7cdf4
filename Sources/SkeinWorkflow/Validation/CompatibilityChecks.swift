import Foundation
import SkeinYAML

/// Nothing a Pegasus user writes is silently ignored: every property and profile Skein does
/// not act on is a warning naming it and what Skein does instead (`PegasusCompatibility`),
/// and a site Skein cannot drive is named before a plan refuses it.
extension WorkflowValidator {
    mutating func checkCompatibility() {
        checkProperties()
        var seen: [String: PegasusCompatibility.Entry?] = [:]
        let workflowLayers = [(workflow.profiles, "the workflow")]
        for (profiles, owner) in workflowLayers { checkProfileKeys(profiles, workflowFile, owner, &seen) }
        let jobs = workflow.jobs
        for j in jobs.indices where !jobs[j].profiles.isEmpty { checkProfileKeys(jobs[j].profiles, workflowFile, "job '\(jobs[j].id)'", &seen) }
        for site in loaded.sites?.sites ?? [] {
            checkProfileKeys(site.profiles, sitesFile, "site '\(site.name)'", &seen)
            if let refusal = SiteBatchSystem.refusal(site) {
                warning("unsupported-site", sitesFile, site.mark, refusal, hint: "a job placed there is refused when planning: leave the site out of --sites-to-run, or describe it with a slurm grid")
            }
        }
        for t in loaded.transformations?.transformations ?? [] {
            checkProfileKeys(t.profiles, transformationsFile, "transformation '\(t.reference)'", &seen)
            for entry in t.sites {
                checkProfileKeys(entry.profiles, transformationsFile, "transformation '\(t.reference)' on site '\(entry.name)'", &seen)
                checkPlatform(entry, of: t)
            }
        }
    }

    private mutating func checkProperties() {
        guard let file = loaded.propertiesFile else { return }
        let properties = loaded.properties
        for key in properties.values.keys.sorted() {
            let mark = SourceMark(line: properties.lines[key] ?? 1, column: 1)
            let value = properties.values[key] ?? ""
            if let problem = Self.propertyValueProblem(key, value) {
                error("invalid-property-value", file, mark, "property \(key) is '\(value)': \(problem.message)", hint: problem.hint)
                continue
            }
            guard let entry = PegasusCompatibility.entry(.property, key) else { continue }
            report(entry, "property \(key)", file, mark)
        }
    }

    /// Values Skein acts on that it cannot use.
    static func propertyValueProblem(_ key: String, _ value: String) -> (message: String, hint: String)? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        switch key.lowercased() {
        case "pegasus.mode":
            guard ["production", "development", "debug", "tutorial"].contains(trimmed) else {
                return ("Pegasus knows the modes production, development, debug and tutorial", "write one of them, or leave pegasus.mode out (production)")
            }
        case "dagman.maxjobs":
            guard let n = Int(trimmed), n > 0 else { return ("it must be a whole number greater than 0", "write a number of jobs, such as 10") }
        case "dagman.retry":
            guard let n = Int(trimmed), n >= 0, n <= Self.maxRetries else { return ("it must be a whole number from 0 to \(Self.maxRetries)", "write a number of retries, such as 2") }
        default:
            break
        }
        return nil
    }

    private mutating func checkProfileKeys(_ profiles: Profiles, _ file: String, _ owner: String, _ seen: inout [String: PegasusCompatibility.Entry?]) {
        for ns in profiles.namespaces where Profiles.knownNamespaces.contains(ns.name) {
            for attr in ns.entries {
                let key = "\(ns.name).\(attr.key)"
                let entry: PegasusCompatibility.Entry?
                if let cached = seen[key] { entry = cached } else {
                    entry = PegasusCompatibility.entry(.profile, key)
                    seen[key] = entry
                }
                if let entry { report(entry, "profile \(key) of \(owner)", file, attr.mark) }
            }
        }
    }

    private mutating func report(_ entry: PegasusCompatibility.Entry, _ what: String, _ file: String, _ mark: SourceMark) {
        switch entry.support {
        case .honoured:
            break
        case .warned:
            let message = entry.note.hasPrefix("ignored: ") ? "\(what) is ignored by Skein: \(entry.note.dropFirst("ignored: ".count))" : "\(what) is not honoured by Skein: \(entry.note)"
            warning("not-honoured", file, mark, message, hint: "remove it, or see README \"Pegasus compatibility\"")
        case .beingAdded:
            warning("not-honoured", file, mark, "\(what) is not honoured by Skein yet (\(entry.note))", hint: "see README \"Pegasus compatibility\"")
        case .refused:
            error("not-supported", file, mark, "\(what) cannot be honoured by Skein: \(entry.note)", hint: "remove it")
        }
    }

    /// A transformation's site entry for another platform than its site's: Pegasus would not
    /// match it there; Skein does not compare platforms, so it says so.
    private mutating func checkPlatform(_ entry: TransformationSite, of t: Transformation) {
        guard let site = loaded.sites?.site(named: entry.name) else { return }
        for (name, wanted, has) in [("arch", entry.arch, site.arch), ("os.type", entry.osType, site.osType)] {
            guard let wanted, let has, wanted != has else { continue }
            warning("not-honoured", transformationsFile, entry.mark,
                    "transformation '\(t.reference)' on site '\(entry.name)' is for \(name) \(wanted), the site is \(has): Skein does not match platforms and will run it there",
                    hint: "correct the \(name) of the entry or of the site")
        }
    }
}
