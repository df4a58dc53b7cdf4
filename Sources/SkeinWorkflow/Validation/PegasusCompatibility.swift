import Foundation

/// What Skein does with each property, profile, site setting and pegasus-plan option Pegasus
/// gives a meaning to: the one list `validate` and `plan` warn from, the README's table is
/// generated from (`markdownTable`), and a test walks row by row. A Pegasus key Skein does
/// not act on is never silently ignored: it is warned about (or refused) naming what Skein
/// does instead.
public enum PegasusCompatibility {
    public enum Kind: String, Sendable, CaseIterable {
        /// A `pegasus.properties` key.
        case property
        /// A profile (`namespace.key`) of a job, the workflow, a transformation or a site.
        case profile
        /// A site catalog setting (grids, `pegasus.style`).
        case site
        /// A catalog entry other than profiles (a transformation's `container`).
        case catalog
        /// A pegasus-plan command-line option.
        case option
    }

    public enum Support: String, Sendable {
        /// Skein does what Pegasus does with it.
        case honoured
        /// Skein runs without it and says so (a warning).
        case warned
        /// Running without it would give wrong results: an error.
        case refused
        /// Another change in progress adds it; until then it is reported as not honoured.
        case beingAdded = "being added"
    }

    public struct Entry: Sendable {
        public var kind: Kind
        /// The key as Pegasus's documentation writes it; `*` matches any rest, `<name>` any word.
        public var name: String
        public var support: Support
        /// What Skein does (honoured), or does instead (warned, refused).
        public var note: String
        /// A concrete key and value that exercise the row (for wildcard names), for tests.
        public var example: (key: String, value: String)

        init(_ kind: Kind, _ name: String, _ support: Support, _ note: String, example: (String, String)? = nil) {
            self.kind = kind
            self.name = name
            self.support = support
            self.note = note
            self.example = example.map { (key: $0.0, value: $0.1) } ?? (key: name, value: "1")
        }

        /// Whether `key` is one this row covers.
        public func matches(_ key: String) -> Bool { PegasusCompatibility.pattern(name).matches(key) }
    }

    /// In order: the first row matching a key decides; catch-alls (`pegasus.*`) come last.
    public static let entries: [Entry] = properties + profiles + siteSettings + catalogEntries + options

    static let catalogEntries: [Entry] = [
        Entry(.catalog, "transformations container (docker, singularity, shifter)", .honoured, "the job runs inside the image through a container runtime"),
    ]

    static let properties: [Entry] = [
        Entry(.property, "pegasus.catalog.site.file", .honoured, "the site catalog, when not given with --sites or embedded", example: ("pegasus.catalog.site.file", "sites.yml")),
        Entry(.property, "pegasus.catalog.transformation.file", .honoured, "the transformation catalog, when not given with --transformations or embedded", example: ("pegasus.catalog.transformation.file", "transformations.yml")),
        Entry(.property, "pegasus.catalog.replica.file", .honoured, "the replica catalog, when not given with --replicas or embedded", example: ("pegasus.catalog.replica.file", "replicas.yml")),
        Entry(.property, "dagman.maxjobs", .honoured, "jobs at once on this machine when --maxjobs is not given, and the most Slurm jobs at once", example: ("dagman.maxjobs", "3")),
        Entry(.property, "dagman.retry", .honoured, "retries of jobs that set no dagman.RETRY profile, when --retries is not given (Skein's own default is 0, Pegasus's 1)", example: ("dagman.retry", "2")),
        Entry(.property, "dagman.<category>.maxjobs", .honoured, "jobs of that dagman.CATEGORY at once (--category-limit wins)", example: ("dagman.io.maxjobs", "2")),
        Entry(.property, "dagman.*", .warned, "ignored: Skein runs no DAGMan (pre/post scripts, maxidle, maxpre, maxpost do not apply)", example: ("dagman.maxpre", "1")),
        Entry(.property, "env.*", .honoured, "environment of every job, below site, transformation and job profiles", example: ("env.SKEIN_TABLE_TEST", "from-properties")),
        Entry(.property, "pegasus.dir.useTimestamp", .honoured, "the run folder is named by the planning time (20260303T222345-0800), not runNNNN", example: ("pegasus.dir.useTimestamp", "true")),
        Entry(.property, "pegasus.mode", .honoured, "development and debug: dagman.retry 0 and pegasus.integrity.checking none unless set; tutorial: dagman.retry 1; production: nothing; another value is an error", example: ("pegasus.mode", "development")),
        Entry(.property, "pegasus.transfer.threads", .honoured, "files a transfer job moves at once", example: ("pegasus.transfer.threads", "4")),
        Entry(.property, "pegasus.stagein.clusters", .honoured, "stage-in jobs per level", example: ("pegasus.stagein.clusters", "2")),
        Entry(.property, "pegasus.stageout.clusters", .honoured, "stage-out jobs per level", example: ("pegasus.stageout.clusters", "2")),
        Entry(.property, "pegasus.register", .honoured, "false: no registration jobs", example: ("pegasus.register", "false")),
        Entry(.property, "pegasus.data.reuse.scope", .honoured, "none: no data reuse (as --force)", example: ("pegasus.data.reuse.scope", "none")),
    ] + propertyProfileKeys.map { key in
        Entry(.property, "pegasus.\(key)", .honoured, "the profile pegasus.\(key) of every job, below site, transformation and job profiles", example: ("pegasus.\(key)", propertyProfileExamples[key] ?? "1"))
    } + [
        Entry(.property, "pegasus.data.configuration", .honoured, "condorio (the default, as Pegasus 5): local is the staging site and every job runs in a folder of its own; nonsharedfs: the same with --staging-site; sharedfs: jobs run in their site's scratch", example: ("pegasus.data.configuration", "nonsharedfs")),
        Entry(.property, "pegasus.integrity.checking", .honoured, "full (default), nosymlink or none: inputs verified against the catalog sha256 or the one recorded when made, before the job starts; as in Pegasus, only under nonsharedfs and condorio (sharedfs jobs are neither verified nor hashed)", example: ("pegasus.integrity.checking", "none")),
        Entry(.property, "pegasus.transfer.links", .honoured, "true: replicas a job reads where they are (sharedfs, bypassed staging) are symbolic links into its folder; false (default): hard links, copies across filesystems; staged replicas are hard links either way", example: ("pegasus.transfer.links", "true")),
        Entry(.property, "pegasus.transfer.bypass.input.staging", .honoured, "true (or a file's bypass: true): under nonsharedfs and condorio, URL replicas and file replicas on the job's site (or on local, for a site with auxillary.local) reach the job's folder straight from where they are, not through stage_in jobs", example: ("pegasus.transfer.bypass.input.staging", "true")),
        Entry(.property, "pegasus.clusterer.label.key", .honoured, "the profile key --cluster label groups by (default label)", example: ("pegasus.clusterer.label.key", "group")),
        Entry(.property, "pegasus.clusterer.allow.single", .honoured, "true: a lone job is wrapped in a cluster too", example: ("pegasus.clusterer.allow.single", "true")),
        Entry(.property, "pegasus.clusterer.*", .warned, "ignored: clustered jobs run their tasks in order under skein-kickstart (seqexec), stopping at the first failure", example: ("pegasus.clusterer.job.aggregator", "mpiexec")),
        Entry(.property, "pegasus.catalog.workflow.url", .warned, "ignored: the stampede database is always <run>/<label>-0.stampede.db", example: ("pegasus.catalog.workflow.url", "sqlite:////tmp/x.db")),
        Entry(.property, "pegasus.catalog.replica.output*", .warned, "ignored: registration writes <run>/<label>-0.replicas.db", example: ("pegasus.catalog.replica.output", "File")),
        Entry(.property, "pegasus.monitord.*", .warned, "ignored: the engine writes provenance itself, there is no monitord", example: ("pegasus.monitord.output", "x")),
        Entry(.property, "pegasus.transfer.*", .warned, "ignored: transfers run in-process on libcurl (only pegasus.transfer.threads applies)", example: ("pegasus.transfer.arguments", "-m 1")),
        Entry(.property, "pegasus.selector.*", .warned, "ignored: replicas are ranked by Skein's own order (file on the site, then the rest)", example: ("pegasus.selector.replica", "Regex")),
        Entry(.property, "pegasus.dir.*", .warned, "ignored: outputs go flat into the output site's storage folder, scratch is one folder per run", example: ("pegasus.dir.storage.deep", "true")),
        Entry(.property, "pegasus.gridstart*", .warned, "ignored: jobs run under Skein's own launcher (skein-kickstart on Slurm)", example: ("pegasus.gridstart", "PegasusLite")),
        Entry(.property, "pegasus.home.*", .warned, "ignored: Skein needs no Pegasus installation", example: ("pegasus.home.bindir", "/opt/pegasus/bin")),
        Entry(.property, "condor.*", .warned, "ignored: Skein does not submit to HTCondor (use pegasus.* profiles for cores, memory, walltime)", example: ("condor.request_memory", "100")),
        Entry(.property, "globus.*", .warned, "ignored: Skein does not submit through Globus", example: ("globus.maxwalltime", "10")),
        Entry(.property, "pegasus.*", .warned, "ignored: not acted on by Skein", example: ("pegasus.file.cleanup.scope", "deferred")),
    ]

    /// `pegasus.*` properties that are also job profiles Skein honours: given as properties
    /// they apply to every job at the lowest priority, as in Pegasus.
    public static let propertyProfileKeys = [
        "maxwalltime", "runtime", "cores", "memory", "queue", "project", "glite.arguments", "exitcode.successmsg", "exitcode.failuremsg",
    ]
    static let propertyProfileExamples = ["queue": "normal", "project": "acct", "glite.arguments": "--exclusive", "exitcode.successmsg": "ok", "exitcode.failuremsg": "bad"]

    static let profiles: [Entry] = [
        Entry(.profile, "env.*", .honoured, "the job's environment (job over workflow over transformation over site over properties)", example: ("env.SKEIN_TABLE_TEST", "x")),
        Entry(.profile, "dagman.RETRY", .honoured, "retries of the job", example: ("dagman.RETRY", "2")),
        Entry(.profile, "dagman.PRIORITY", .honoured, "order among ready jobs", example: ("dagman.PRIORITY", "5")),
        Entry(.profile, "dagman.CATEGORY", .honoured, "category for dagman.<category>.maxjobs and --category-limit", example: ("dagman.CATEGORY", "io")),
        Entry(.profile, "dagman.ABORT-DAG-ON", .honoured, "that exit code stops the whole workflow", example: ("dagman.ABORT-DAG-ON", "3")),
        Entry(.profile, "dagman.*", .warned, "ignored: Skein runs no DAGMan (no PRE/POST scripts)", example: ("dagman.POST", "/bin/true")),
        Entry(.profile, "pegasus.maxwalltime", .honoured, "minutes before the job is killed (Slurm --time too)", example: ("pegasus.maxwalltime", "10")),
        Entry(.profile, "pegasus.runtime", .honoured, "Slurm --time when maxwalltime is not set", example: ("pegasus.runtime", "60")),
        Entry(.profile, "pegasus.cores", .honoured, "Slurm --cpus-per-task", example: ("pegasus.cores", "2")),
        Entry(.profile, "pegasus.memory", .honoured, "Slurm --mem (MB)", example: ("pegasus.memory", "100")),
        Entry(.profile, "pegasus.queue", .honoured, "Slurm --partition", example: ("pegasus.queue", "normal")),
        Entry(.profile, "pegasus.project", .honoured, "Slurm --account", example: ("pegasus.project", "acct")),
        Entry(.profile, "pegasus.glite.arguments", .honoured, "extra sbatch options", example: ("pegasus.glite.arguments", "--exclusive")),
        Entry(.profile, "pegasus.exitcode.successmsg", .honoured, "the job fails unless its output has the message", example: ("pegasus.exitcode.successmsg", "ok")),
        Entry(.profile, "pegasus.exitcode.failuremsg", .honoured, "the job fails when its output has the message", example: ("pegasus.exitcode.failuremsg", "bad")),
        Entry(.profile, "pegasus.style", .honoured, "glite and ssh go to the site's Slurm grid; condor, condorc, glidein, glideinwms, cream, panda, globus on a site other than local are refused when a job is placed there", example: ("pegasus.style", "glite")),
        Entry(.profile, "pegasus.clusters.size", .honoured, "jobs per cluster with --cluster horizontal", example: ("pegasus.clusters.size", "2")),
        Entry(.profile, "pegasus.clusters.num", .honoured, "clusters per level with --cluster horizontal (wins over size)", example: ("pegasus.clusters.num", "1")),
        Entry(.profile, "pegasus.label", .honoured, "the cluster of --cluster label", example: ("pegasus.label", "L")),
        Entry(.profile, "pegasus.clusters.*", .warned, "ignored: only clusters.size and clusters.num shape clusters", example: ("pegasus.clusters.maxruntime", "60")),
        Entry(.profile, "pegasus.data.configuration", .honoured, "a site's own data configuration (wins over the property)", example: ("pegasus.data.configuration", "nonsharedfs")),
        Entry(.profile, "pegasus.auxillary.local", .honoured, "a site's: with bypassed input staging, file replicas on local reach its jobs' folders straight from where they are", example: ("pegasus.auxillary.local", "true")),
        Entry(.profile, "pegasus.nodes", .warned, "ignored: Skein starts one task per job (no MPI launch)", example: ("pegasus.nodes", "2")),
        Entry(.profile, "pegasus.ppn", .warned, "ignored: Skein starts one task per job (no MPI launch)", example: ("pegasus.ppn", "2")),
        Entry(.profile, "pegasus.*", .warned, "ignored: not acted on by Skein", example: ("pegasus.gridstart", "none")),
        Entry(.profile, "selector.execution.site", .honoured, "the site the job runs on", example: ("selector.execution.site", "local")),
        Entry(.profile, "hints.execution.site", .honoured, "the site the job runs on", example: ("hints.execution.site", "local")),
        Entry(.profile, "selector.*", .warned, "ignored: only execution.site is used", example: ("selector.pfn", "/bin/true")),
        Entry(.profile, "hints.*", .warned, "ignored: only execution.site is used", example: ("hints.pfn", "/bin/true")),
        Entry(.profile, "condor.*", .warned, "ignored: Skein does not submit to HTCondor (use pegasus.cores, pegasus.memory, pegasus.maxwalltime)", example: ("condor.request_memory", "100")),
        Entry(.profile, "globus.*", .warned, "ignored: Skein does not submit through Globus (use pegasus.* profiles)", example: ("globus.maxwalltime", "10")),
    ]

    static let siteSettings: [Entry] = [
        Entry(.site, "grids scheduler: slurm", .honoured, "jobs placed on the site are submitted to Slurm", example: ("scheduler", "slurm")),
        Entry(.site, "grids scheduler: fork", .honoured, "jobs run on this machine", example: ("scheduler", "fork")),
        Entry(.site, "grids scheduler: pbs", .refused, "a job placed there is refused at planning (Skein drives local and slurm)", example: ("scheduler", "pbs")),
        Entry(.site, "grids scheduler: lsf", .refused, "a job placed there is refused at planning", example: ("scheduler", "lsf")),
        Entry(.site, "grids scheduler: sge", .refused, "a job placed there is refused at planning", example: ("scheduler", "sge")),
        Entry(.site, "grids scheduler: condor", .refused, "a job placed there is refused at planning", example: ("scheduler", "condor")),
        Entry(.site, "grids scheduler: flux", .refused, "a job placed there is refused at planning", example: ("scheduler", "flux")),
        Entry(.site, "grids scheduler: unknown", .refused, "a job placed there is refused at planning", example: ("scheduler", "unknown")),
        Entry(.site, "pegasus.style: condor", .refused, "HTCondor pool (condorpool): a job placed there is refused at planning", example: ("pegasus.style", "condor")),
        Entry(.site, "pegasus.style: glite", .honoured, "with a slurm grid: Slurm; with pbs, lsf, sge: refused", example: ("pegasus.style", "glite")),
        Entry(.site, "pegasus.style: condorc, glidein, glideinwms, cream, panda, globus", .refused, "a job placed there is refused at planning", example: ("pegasus.style", "glideinwms")),
        Entry(.site, "directories sharedScratch", .honoured, "each staging site's scratch folder for the run; file servers of another scheme than file (sftp, scp, http): transfers write through the put server and read through the get server (or all)", example: ("sharedScratch", "")),
        Entry(.site, "directories localStorage, sharedStorage", .honoured, "where -o puts outputs", example: ("localStorage", "")),
        Entry(.site, "arch, os.type, os.release, os.version", .warned, "not matched against transformations: Skein assumes the site can run what is placed there; warned only when a transformation's entry says otherwise", example: ("arch", "ppc64le")),
    ]

    static let options: [Entry] = [
        Entry(.option, "-s, --sites-to-run", .honoured, "sites to run on, in order (pegasus-plan -s/--sites)"),
        Entry(.option, "--sites", .refused, "names the site catalog file in Skein; site names there are an error pointing at -s/--sites-to-run"),
        Entry(.option, "-o, --output-sites", .honoured, "where stageOut outputs go (the first site)"),
        Entry(.option, "--conf", .honoured, "the properties file (copied into the run as pegasus.<n>.properties)"),
        Entry(.option, "--dir", .honoured, "the base directory of runs"),
        Entry(.option, "--relative-dir", .honoured, "the run folder under --dir, and the scratch folder under the site's sharedScratch"),
        Entry(.option, "--cleanup", .honoured, "inplace, leaf or none"),
        Entry(.option, "-f, --force", .honoured, "no data reuse"),
        Entry(.option, "--submit", .honoured, "plan starts the run; accepted by run too"),
        Entry(.option, "--staging-site", .honoured, "EXEC=STAGING or one site for all, under nonsharedfs"),
        Entry(.option, "--reuse", .honoured, "an earlier run's registered outputs and produced files count as replicas for data reuse"),
        Entry(.option, "--cluster", .honoured, "horizontal and label clustering (-C), applied in order"),
    ]

    /// The row deciding `key` of `kind`; nil when no row covers it (not a Pegasus key).
    public static func entry(_ kind: Kind, _ key: String) -> Entry? {
        entries.first { $0.kind == kind && $0.matches(key) }
    }

    /// The README table: one line per row.
    public static var markdownTable: String {
        var lines = ["| kind | key, profile or option | Skein | what Skein does (instead) |", "|---|---|---|---|"]
        for entry in entries {
            lines.append("| \(entry.kind.rawValue) | `\(entry.name)` | \(entry.support.rawValue) | \(entry.note.replacingOccurrences(of: "|", with: "\\|")) |")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Patterns

    struct Pattern {
        var regex: NSRegularExpression
        func matches(_ key: String) -> Bool {
            regex.firstMatch(in: key, range: NSRange(key.startIndex..., in: key)) != nil
        }
    }

    private static let compiled: [String: Pattern] = {
        var result: [String: Pattern] = [:]
        for entry in entries where result[entry.name] == nil { result[entry.name] = compile(entry.name) }
        return result
    }()

    static func pattern(_ name: String) -> Pattern { compiled[name] ?? compile(name) }

    /// `*` = anything, `<word>` = one or more characters; DAGMan keys match without case.
    static func compile(_ name: String) -> Pattern {
        var regex = "^"
        var rest = Substring(name)
        while let c = rest.first {
            if c == "*" {
                regex += ".*"; rest = rest.dropFirst()
            } else if c == "<", let close = rest.firstIndex(of: ">") {
                regex += ".+"; rest = rest[rest.index(after: close)...]
            } else {
                regex += NSRegularExpression.escapedPattern(for: String(c)); rest = rest.dropFirst()
            }
        }
        let options: NSRegularExpression.Options = name.hasPrefix("dagman.") ? [.caseInsensitive] : []
        return Pattern(regex: try! NSRegularExpression(pattern: regex + "$", options: options))
    }
}
