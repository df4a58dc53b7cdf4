import SkeinRunFormat
import SkeinWorkflow

/// The profiles in effect for one job: site, then transformation, then its site entry, then
/// workflow, then job, each overriding the one before (Pegasus's order, the job last).
struct EffectiveProfiles {
    private(set) var values: [String: String] = [:]
    private(set) var environment: [String: String] = [:]

    init(layers: [Profiles]) {
        for layer in layers {
            for ns in layer.namespaces {
                for attr in ns.entries {
                    let key = ns.name == "dagman" ? attr.key.uppercased() : attr.key
                    values["\(ns.name).\(key)"] = attr.value
                    if ns.name == "env" { environment[attr.key] = attr.value }
                }
            }
        }
    }

    subscript(_ key: String) -> String? { values[key] }
}
