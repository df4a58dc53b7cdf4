import SkeinProperties
import SkeinWorkflow

/// How a job's files reach it, as Pegasus's `pegasus.data.configuration` says (a property,
/// or the `pegasus` profile `data.configuration` of the job's site, which wins).
public enum DataConfiguration: String, Sendable, CaseIterable {
    /// The job runs in its site's shared scratch folder, where its files are.
    case sharedfs
    /// Files wait on a staging site (`--staging-site`, default the job's own site); the job
    /// runs in a folder of its own, its files brought in and taken back around it.
    case nonsharedfs
    /// Pegasus 5's default: the staging site is `local`; the job runs in a folder of its
    /// own (HTCondor's sandbox), its files brought in and taken back by Skein's transfers.
    case condorio

    /// Pegasus 5's default, and Skein's when neither the property nor the site says: every
    /// job runs in a sandbox of its own (one folder under the staging site's scratch, its
    /// files hard-linked in and renamed back), so a job sees only the files it declares, as
    /// under HTCondor. `pegasus.data.configuration = sharedfs` runs jobs in the scratch
    /// folder itself (jobs that keep undeclared files between attempts need it).
    public static let pegasusDefault = DataConfiguration.condorio
    /// What Skein plans when nothing says otherwise: Pegasus's default.
    public static let skeinDefault = pegasusDefault
}

/// Where each execution site's files wait and how its jobs reach them: its data
/// configuration and its staging site, resolved once per site.
struct StagingLayout {
    struct Entry: Equatable {
        var configuration: DataConfiguration
        var stagingSite: String
    }

    private(set) var entries: [String: Entry] = [:]
    /// Why the sites cannot be planned as asked (an unknown configuration, a staging site
    /// sharedfs or condorio cannot have).
    private(set) var problems: [String] = []

    init(sites executionSites: [String], _ context: PlanningContext) {
        let property = context.options.properties?["pegasus.data.configuration"]
        for site in executionSites where entries[site] == nil {
            let profile = context.loaded.sites?.site(named: site)?.profiles.value("pegasus", "data.configuration")
            let text = profile ?? property
            var configuration = DataConfiguration.skeinDefault
            if let text {
                if let known = DataConfiguration(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) {
                    configuration = known
                } else {
                    let from = profile != nil ? "the pegasus profile data.configuration of site '\(site)'" : "pegasus.data.configuration"
                    problems.append("\(from) is '\(text)': use sharedfs, nonsharedfs or condorio")
                }
            }
            let asked = context.options.stagingSites[site] ?? context.options.stagingSites[""]
            var staging: String
            switch configuration {
            case .sharedfs:
                staging = site
                if let asked, asked != site {
                    problems.append("--staging-site \(site)=\(asked): under sharedfs a site's files stay on the site itself; drop it or use pegasus.data.configuration = nonsharedfs")
                }
            case .nonsharedfs:
                staging = asked ?? site
                if let asked, asked != "local", context.loaded.sites?.site(named: asked) == nil {
                    problems.append("--staging-site \(site)=\(asked): there is no site '\(asked)' in the site catalog; add it (with a sharedScratch folder) or name another")
                }
            case .condorio:
                staging = "local"
                if let asked, asked != "local" {
                    problems.append("--staging-site \(site)=\(asked): under condorio (Pegasus's default) the staging site is local; set pegasus.data.configuration = nonsharedfs to stage elsewhere")
                }
            }
            entries[site] = Entry(configuration: configuration, stagingSite: staging)
        }
    }

    func stagingSite(of site: String) -> String { entries[site]?.stagingSite ?? site }
    func configuration(of site: String) -> DataConfiguration { entries[site]?.configuration ?? .skeinDefault }

    /// Whether a job on `site` runs in a sandbox of its own rather than in its staging
    /// site's scratch: under nonsharedfs (PegasusLite's worker folder) and condorio (HTCondor's
    /// sandbox; on `local`, pegasus-lite-local.sh's copy of it), never under sharedfs.
    func sandboxed(_ site: String) -> Bool { configuration(of: site) != .sharedfs }
}
