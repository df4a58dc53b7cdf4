import SkeinYAML

/// The `braindump.yml` of a submit directory, the file Pegasus's tools open first to find a
/// run (its wf_uuid, dag name -> database, properties). Pegasus loads it into a dataclass, so
/// an unknown key is a hard error: this type has a property for each allowed key and no way
/// to add others. `properties` is required (the file it names may be missing).
public struct Braindump: Sendable, Equatable {
    /// Every key Pegasus accepts, in the order Pegasus writes them.
    public static let allowedKeys: [String] = [
        "user", "grid_dn", "submit_hostname", "root_wf_uuid", "wf_uuid", "dax", "dax_label",
        "dax_index", "dax_version", "pegasus_wf_name", "timestamp", "basedir", "submit_dir",
        "planner", "planner_version", "pegasus_build", "planner_arguments", "jsd", "rundir",
        "bindir", "vogroup", "uses_pmc", "properties", "condor_log", "dag", "type", "notify",
        "script", "app",
    ]

    public var user: String?
    public var gridDN: String?
    public var submitHostname: String?
    public var rootWfUUID: String?
    public var wfUUID: String
    /// Path of the abstract workflow file.
    public var dax: String?
    public var daxLabel: String?
    public var daxIndex: String?
    public var daxVersion: String?
    public var pegasusWfName: String?
    /// Planning time, Pegasus's short ISO form ("20230303T222333-0800").
    public var timestamp: String?
    public var basedir: String?
    /// Absolute submit (run) directory; Pegasus looks for the database and properties here.
    public var submitDir: String
    public var planner: String?
    public var plannerVersion: String?
    public var pegasusBuild: String?
    public var plannerArguments: String?
    public var jsd: String?
    public var rundir: String?
    public var bindir: String?
    public var vogroup: String?
    public var usesPMC: Bool?
    /// Properties file name, relative to `submitDir`. Required by Pegasus's tools.
    public var properties: String
    public var condorLog: String?
    /// DAG file name ("name-0.dag"): the database is "name-0.stampede.db" beside it.
    public var dag: String
    /// "dag" (or "shell").
    public var type: String?
    public var notify: String?
    public var script: String?
    public var app: String?

    public init(wfUUID: String, submitDir: String, dag: String, properties: String, rootWfUUID: String? = nil,
                user: String? = nil, submitHostname: String? = nil, dax: String? = nil, daxLabel: String? = nil,
                daxVersion: String? = nil, pegasusWfName: String? = nil, timestamp: String? = nil,
                basedir: String? = nil, planner: String? = nil, plannerVersion: String? = nil,
                plannerArguments: String? = nil, type: String? = "dag") {
        self.wfUUID = wfUUID; self.submitDir = submitDir; self.dag = dag; self.properties = properties
        self.rootWfUUID = rootWfUUID ?? wfUUID; self.user = user; self.submitHostname = submitHostname
        self.dax = dax; self.daxLabel = daxLabel; self.daxIndex = "0"; self.daxVersion = daxVersion
        self.pegasusWfName = pegasusWfName; self.timestamp = timestamp; self.basedir = basedir
        self.planner = planner; self.plannerVersion = plannerVersion; self.plannerArguments = plannerArguments
        self.jsd = "jobstate.log"; self.usesPMC = false; self.type = type
    }

    /// Key/value pairs in Pegasus's order; nil values are written as `null`.
    public var entries: [(key: String, value: String?)] {
        let values: [String?] = [
            user, gridDN, submitHostname, rootWfUUID, wfUUID, dax, daxLabel, daxIndex, daxVersion,
            pegasusWfName, timestamp, basedir, submitDir, planner, plannerVersion, pegasusBuild,
            plannerArguments, jsd, rundir, bindir, vogroup, nil, properties, condorLog, dag, type,
            notify, script, app,
        ]
        return zip(Self.allowedKeys, values).map { ($0, $1) }
    }

    /// The YAML text: every string double-quoted as Pegasus writes it; `uses_pmc` as a YAML
    /// boolean (Pegasus applies Python's bool() to it, so a quoted "false" would read as true).
    public var yaml: String {
        var lines: [String] = []
        for (key, value) in entries {
            if key == "uses_pmc" {
                lines.append("uses_pmc: " + (usesPMC.map { $0 ? "true" : "false" } ?? "null"))
            } else if let value {
                lines.append("\(key): \(YAMLEmitter.doubleQuoted(value))")
            } else if ["grid_dn"].contains(key) {
                lines.append("\(key): null")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
