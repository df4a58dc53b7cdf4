import SkeinRunFormat
import SkeinWorkflow

/// Which jobs form which cluster, and the cluster's name, as Pegasus's clusterers decide.
enum ClusterGrouping {
    /// Pegasus's `Horizontal`: per level (partition `ID<level+1>`), per transformation (by
    /// name), per site, in chunks set by the first job's `pegasus` profile `clusters.num`
    /// (that many clusters; the first `size % num` get one more job) or `clusters.size` (jobs
    /// per cluster; the last cluster takes what is left, one job too). Without either, or
    /// for a lone job, nothing is clustered unless `pegasus.clusterer.allow.single` is true.
    /// Names: `merge_<ns-name-version>_PID<level+1>_ID<n>`, `.`, `+` and `=` made `_`.
    static func horizontal(_ candidates: [Int], _ workflow: ExecutableWorkflow, _ context: PlanningContext, levels: [Int: Int],
                           allowSingle: Bool) -> [(name: String, members: [Int])] {
        struct Key: Hashable { var level: Int; var transformation: String }
        var groups: [Key: [Int]] = [:]
        var order: [Key] = []
        for i in candidates {
            let planned = workflow.jobs[i]
            let key = Key(level: levels[planned.abstractIndex!] ?? 0, transformation: planned.job.transformation)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(i)
        }
        order.sort { ($0.level, $0.transformation) < ($1.level, $1.transformation) }
        var result: [(name: String, members: [Int])] = []
        for key in order {
            let jobs = groups[key]!
            let reference = context.workflow.jobs[workflow.jobs[jobs[0]].abstractIndex!].transformation
            let name = "merge_" + compliant(stagedBaseName(reference))
            var bySite: [String: [Int]] = [:]
            var sites: [String] = []
            for i in jobs {
                let site = workflow.jobs[i].job.site
                if bySite[site] == nil { sites.append(site) }
                bySite[site, default: []].append(i)
            }
            var id = 1
            for site in sites {
                let list = bySite[site]!
                for chunk in chunks(list.count, profiles: workflow.jobs[list[0]].job.profiles, allowSingle: allowSingle) {
                    result.append(("\(name)_PID\(key.level + 1)_ID\(id)", Array(list[chunk])))
                    id += 1
                }
            }
        }
        return result
    }

    /// The ranges of a list of `size` jobs that become clusters (Horizontal.collapseJobs).
    static func chunks(_ size: Int, profiles: [String: String], allowSingle: Bool) -> [Range<Int>] {
        if size <= 1 && !allowSingle { return [] }
        var factor: Int, extra: Int
        if let num = profiles["pegasus.clusters.num"].flatMap({ Int($0) }), num > 0 {
            (factor, extra) = (size / num, size % num)
        } else {
            (factor, extra) = (profiles["pegasus.clusters.size"].flatMap { Int($0) }.map { max(1, $0) } ?? 1, 0)
        }
        if factor == 1 && extra == 0 && !allowSingle { return [] }
        if factor >= size { return [0..<size] }
        var ranges: [Range<Int>] = []
        var i = 0
        while i < size {
            let increment = extra > 0 ? factor + 1 : factor
            extra -= 1
            if increment <= 1 { break }
            ranges.append(i..<min(size, i + increment))
            i += increment
        }
        return ranges
    }

    /// Pegasus's label clustering (`Vertical`): jobs with the same value of the `pegasus`
    /// profile `key` form one cluster, ordered so parents come first; `merge_<label>`.
    static func label(_ candidates: [Int], _ workflow: ExecutableWorkflow, key: String, levels: [Int: Int],
                      allowSingle: Bool) -> [(name: String, members: [Int])] {
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for i in candidates {
            guard let label = workflow.jobs[i].job.profiles["pegasus.\(key)"], !label.isEmpty else { continue }
            if groups[label] == nil { order.append(label) }
            groups[label, default: []].append(i)
        }
        return order.compactMap { label in
            let members = groups[label]!.sorted { (levels[workflow.jobs[$0].abstractIndex!] ?? 0, $0) < (levels[workflow.jobs[$1].abstractIndex!] ?? 0, $1) }
            if members.count <= 1 && !allowSingle { return nil }
            return ("merge_" + compliant(label), members)
        }
    }

    /// `namespace-name-version`, Pegasus's staged executable base name.
    static func stagedBaseName(_ t: TransformationReference) -> String {
        ([t.namespace, t.name, t.version].compactMap { $0 }.filter { !$0.isEmpty }).joined(separator: "-")
    }

    /// `Job.makeDAGManCompliant`: `.`, `+` and `=` become `_`; so does anything that cannot
    /// be part of a file name.
    static func compliant(_ name: String) -> String {
        String(name.map { ".+=/ \t\n".contains($0) ? "_" : $0 })
    }
}
