/// How a site's jobs would be started, as Pegasus reads its catalog entry: the
/// `pegasus.style` profile (HTCondor's `condor` for `local`, Globus otherwise, by default)
/// and the `scheduler` of its compute grid. Skein drives this machine and Slurm; a job
/// placed on a site run by anything else (an HTCondor pool, PBS, LSF or SGE through glite,
/// Flux) must be refused, not run here as if the site were local.
public enum SiteBatchSystem: Equatable, Sendable {
    /// This machine: the `local` site, a site with no grid and no style, or a `fork` grid.
    case local
    case slurm
    /// Not one Skein can drive; the text names it ("HTCondor (pegasus.style: condor)").
    case unsupported(String)

    /// The schedulers Skein drives, for messages.
    public static let supported = "local (this machine) and slurm"

    /// Styles whose jobs go to an HTCondor pool or a grid middleware Skein has no part of.
    static let htcondorStyles: Set<String> = ["condor", "condorc", "glidein", "glideinwms", "cream", "panda", "globus"]

    public init(_ site: Site) {
        let compute = site.grids.first { $0.jobtype == nil || $0.jobtype == "compute" }
        let style = site.profiles.value("pegasus", "style")?.lowercased()
        if site.name == "local" && compute == nil && (style == nil || style == "condor") {
            self = .local
        } else if let style, Self.htcondorStyles.contains(style), !(site.name == "local" && style == "condor") {
            self = .unsupported(style == "globus" ? "Globus (pegasus.style: globus)" : "HTCondor (pegasus.style: \(style))")
        } else if let compute {
            switch compute.scheduler.lowercased() {
            case "slurm": self = .slurm
            case "fork": self = .local
            case let other: self = .unsupported("\(other == "condor" ? "HTCondor" : other) (grid scheduler: \(compute.scheduler))")
            }
        } else if let style, style != "glite" && style != "ssh" {
            self = .unsupported("pegasus.style: \(style)")
        } else if style != nil {
            self = .unsupported("pegasus.style: \(style!) without a grid naming its scheduler")
        } else {
            self = .local
        }
    }

    /// Why a job cannot be placed on `site`, or nil when Skein can run it there.
    public static func refusal(_ site: Site) -> String? {
        guard case .unsupported(let what) = SiteBatchSystem(site) else { return nil }
        return "site '\(site.name)' is run by \(what), which Skein cannot drive; Skein runs jobs on \(supported)"
    }
}
