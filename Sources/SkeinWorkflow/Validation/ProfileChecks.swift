/// Profile values Skein acts on must be numbers it can use.
extension WorkflowValidator {
    /// (namespace, key, what the value must be)
    static let numericProfiles: [(String, String, NumberKind)] = [
        ("dagman", "RETRY", .count), ("dagman", "PRIORITY", .integer),
        ("pegasus", "maxwalltime", .positive), ("pegasus", "runtime", .positive),
        ("pegasus", "cores", .positiveInteger), ("pegasus", "nodes", .positiveInteger),
        ("pegasus", "ppn", .positiveInteger), ("pegasus", "memory", .positive),
        ("pegasus", "diskspace", .positive),
        ("pegasus", "clusters.size", .positiveInteger), ("pegasus", "clusters.num", .positiveInteger),
    ]

    enum NumberKind {
        case count, integer, positive, positiveInteger

        func accepts(_ text: String) -> Bool {
            switch self {
            case .count: return Int(text).map { $0 >= 0 } ?? false
            case .integer: return Int(text) != nil
            case .positive: return Double(text).map { $0 > 0 } ?? false
            case .positiveInteger: return Int(text).map { $0 > 0 } ?? false
            }
        }

        var phrase: String {
            switch self {
            case .count: return "a whole number of 0 or more"
            case .integer: return "a whole number"
            case .positive: return "a number greater than 0"
            case .positiveInteger: return "a whole number greater than 0"
            }
        }
    }

    mutating func checkProfiles() {
        check(workflow.profiles, workflowFile, "the workflow")
        let jobs = workflow.jobs
        for j in jobs.indices where !jobs[j].profiles.isEmpty { check(jobs[j].profiles, workflowFile, "job '\(jobs[j].id)'") }
        for site in loaded.sites?.sites ?? [] { check(site.profiles, sitesFile, "site '\(site.name)'") }
        for t in loaded.transformations?.transformations ?? [] {
            check(t.profiles, transformationsFile, "transformation '\(t.reference)'")
            for entry in t.sites { check(entry.profiles, transformationsFile, "transformation '\(t.reference)' on site '\(entry.name)'") }
        }
    }

    private mutating func check(_ profiles: Profiles, _ file: String, _ owner: String) {
        for (ns, key, kind) in Self.numericProfiles {
            guard let attr = profiles.attribute(ns, key), !kind.accepts(attr.value) else { continue }
            error(
                "invalid-profile-value", file, attr.mark, "profile \(ns).\(key) of \(owner) is '\(attr.value)', but must be \(kind.phrase)",
                hint: ns == "pegasus" && (key == "maxwalltime" || key == "runtime") ? "maxwalltime is in minutes, runtime in seconds" : "write a number, such as \(ns == "dagman" ? "'3'" : "'2'")")
        }
    }
}
