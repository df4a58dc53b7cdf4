import Foundation

/// The executable workflow `skein plan` writes into a run directory: every job with its site,
/// resolved executable, argv, environment, files and retry policy, ready to run without
/// looking at the catalogs again (as pegasus-plan's DAG and submit files are).
public struct ExecutablePlan: Codable, Sendable, Equatable {
    public static let formatVersion = 1

    public var formatVersion: Int
    public var label: String
    public var wfUUID: String
    public var workflowFile: String
    public var runDirectory: String
    /// Where jobs run and their files live (the site's shared scratch for this run).
    public var scratchDirectory: String
    /// Where staged-out outputs go (the output site's local storage).
    public var outputDirectory: String
    public var createdAt: Double
    public var plannerArguments: [String]
    public var hooks: [PlannedHook]
    public var metadata: [String: String]
    /// `dagman.<category>.maxjobs` from pegasus.properties beside the workflow.
    public var categoryLimits: [String: Int]
    public var jobs: [ExecutableJob]
    /// Jobs of the workflow left out because their outputs already exist (data reuse), and why.
    public var prunedJobs: [PrunedJob]?
    /// Files moved at once by the engine's transfer jobs (`pegasus.transfer.threads`); nil = 8.
    public var transferThreads: Int?
    /// `pegasus.integrity.checking`; nil = `full` (Pegasus's default).
    public var integrityChecking: IntegrityChecking?
    /// `pegasus.transfer.links`: replicas on this machine reach a job's folder as symbolic
    /// links (true) or as hard links, copies where no hard link can be made (false, Pegasus's
    /// default). Nil in plans written before the property was read: symbolic links, as then.
    public var transferLinks: Bool?
    /// Each staging site's scratch folder for this run, made when it is planned; nil in
    /// plans made before sites had their own (then `scratchDirectory` is the only one).
    public var siteScratch: [String: String]?
    /// Never in plan.json: the jobs an engine read as skeletons (id, kind, executor, parents
    /// and sandbox root only) because its checkpoint says they succeeded
    /// (`RunDirectory.readPlanForResume`); nil when every job was read in full.
    public var skeletonJobs: IndexSet?

    /// Every scratch folder of the run.
    public var scratchDirectories: [String] {
        var folders = [scratchDirectory]
        for folder in (siteScratch ?? [:]).values.sorted() where !folders.contains(folder) { folders.append(folder) }
        return folders
    }

    public init(
        formatVersion: Int = ExecutablePlan.formatVersion, label: String, wfUUID: String, workflowFile: String, runDirectory: String,
        scratchDirectory: String, outputDirectory: String, createdAt: Double, plannerArguments: [String], hooks: [PlannedHook] = [],
        metadata: [String: String] = [:], categoryLimits: [String: Int] = [:], prunedJobs: [PrunedJob]? = nil, jobs: [ExecutableJob]
    ) {
        self.formatVersion = formatVersion
        self.label = label
        self.wfUUID = wfUUID
        self.workflowFile = workflowFile
        self.runDirectory = runDirectory
        self.scratchDirectory = scratchDirectory
        self.outputDirectory = outputDirectory
        self.createdAt = createdAt
        self.plannerArguments = plannerArguments
        self.hooks = hooks
        self.metadata = metadata
        self.categoryLimits = categoryLimits
        self.prunedJobs = prunedJobs
        self.jobs = jobs
    }
}

public struct ExecutableJob: Codable, Sendable, Equatable {
    public typealias Kind = JobKind

    public var id: String
    public var kind: Kind
    /// `namespace::name:version`, as reports show it.
    public var transformation: String
    public var site: String
    /// Which executor runs it: `local`, or `slurm` for a site whose grid is Slurm.
    public var executor: String = "local"
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String
    /// Logical names of the job's stdin / stdout / stderr files, in the working directory.
    @Boxed public var stdin: String? = nil
    @Boxed public var stdout: String? = nil
    @Boxed public var stderr: String? = nil
    /// How many times a failed attempt is tried again (`dagman.RETRY`).
    public var retries: Int
    /// Seconds before the job is killed (`pegasus.maxwalltime`, given in minutes).
    public var maxWalltime: Double?
    /// Higher runs first among ready jobs (`dagman.PRIORITY`).
    public var priority: Int
    /// Jobs of one category share a running limit (`dagman.CATEGORY`).
    @Boxed public var category: String? = nil
    /// Exit code that aborts the whole workflow (`dagman.ABORT-DAG-ON`).
    public var abortOnExitCode: Int32?
    public var abortReturnValue: Int32?
    /// `pegasus.exitcode.successmsg` must appear in stdout or stderr; `failuremsg` must not.
    @Boxed public var successMessage: String? = nil
    @Boxed public var failureMessage: String? = nil
    /// Indices of the jobs that must succeed first.
    public var parents: [Int]
    /// Replica files linked into the working directory before the job starts.
    public var inputLinks: [InputLink]
    /// Files the job must produce (logical names, in the working directory).
    public var outputs: [String]
    /// Every file the job reads (logical names): from the catalog, a stage-in, or a parent.
    public var inputs: [String] = []

    /// The files the job reads, for reports: `inputs`, or its linked replicas in a plan
    /// written before `inputs` existed.
    public var readFiles: [String] { inputs.isEmpty ? inputLinks.map(\.lfn) : inputs }
    public var hooks: [PlannedHook]
    /// Every profile in effect (`namespace.key`), for executors that map more of them.
    public var profiles: [String: String]
    /// The job's `metadata`, kept for provenance (task_meta).
    public var metadata: [String: String] = [:]
    /// The tasks the job runs in order, when it runs more than its own one (a clustered
    /// job); empty means the job is its one task (`id`, `transformation`, `arguments`).
    public var tasks: [ExecutableTask] = []
    /// The files a transfer job (stage-in, stage-out, inter-site) moves, in order.
    public var transfers: [PlannedTransfer] = []
    /// The paths a cleanup job removes (files; a folder with everything in it for leaf cleanup).
    public var removals: [String] = []
    /// The replicas a registration job adds to the run's output replica catalog.
    public var registrations: [PlannedRegistration] = []
    /// The container a compute job runs in (a transformation with `container:`); nil = on the host.
    @Boxed public var container: PlannedContainer? = nil
    /// The sha256 the replica catalog gives for files the job reads (by lfn): verified
    /// before it starts (`pegasus.integrity.checking`).
    public var inputChecksums: [String: String] = [:]

    /// A clustered job (Pegasus's `merge_*`): its tasks run in order in one slot under
    /// skein-kickstart's cluster mode, as pegasus-cluster runs them. (A sub-workflow job holds
    /// its pegasus-plan task, as Pegasus records it, and is no cluster.)
    public var isClustered: Bool { !tasks.isEmpty && !kind.isSubworkflow }
    /// A job that runs in a folder of its own (nonsharedfs, condorio): what is brought in
    /// and taken back; nil = the job runs in `workingDirectory`.
    @Boxed public var sandbox: JobSandbox? = nil
    /// What a sub-workflow job (kind `dax`) plans and runs when its turn comes.
    @Boxed public var subworkflow: PlannedSubworkflow? = nil

    /// The tasks provenance records for this job: its own one, or the clustered ones.
    /// Auxiliary jobs (create-dir, ...) are no task of the abstract workflow.
    public var recordedTasks: [ExecutableTask] {
        if !tasks.isEmpty { return tasks }
        guard kind.isCompute else { return [] }
        return [ExecutableTask(id: id, transformation: transformation, executable: executable, arguments: arguments, metadata: metadata)]
    }

    public init(
        id: String, kind: Kind, transformation: String, site: String, executor: String = "local", executable: String,
        arguments: [String], environment: [String: String], workingDirectory: String, stdin: String? = nil, stdout: String? = nil,
        stderr: String? = nil, retries: Int = 0, maxWalltime: Double? = nil, priority: Int = 0, category: String? = nil,
        abortOnExitCode: Int32? = nil, abortReturnValue: Int32? = nil, successMessage: String? = nil, failureMessage: String? = nil,
        parents: [Int], inputLinks: [InputLink] = [], outputs: [String] = [], hooks: [PlannedHook] = [], profiles: [String: String] = [:],
        metadata: [String: String] = [:]
    ) {
        self.id = id
        self.kind = kind
        self.transformation = transformation
        self.site = site
        self.executor = executor
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.retries = retries
        self.maxWalltime = maxWalltime
        self.priority = priority
        self.category = category
        self.abortOnExitCode = abortOnExitCode
        self.abortReturnValue = abortReturnValue
        self.successMessage = successMessage
        self.failureMessage = failureMessage
        self.parents = parents
        self.inputLinks = inputLinks
        self.outputs = outputs
        self.hooks = hooks
        self.profiles = profiles
        self.metadata = metadata
    }

    // Plans written before `tasks` existed decode with none (the job is its one task).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        kind = try c.decode(JobKind.self, forKey: .kind)
        transformation = try c.decode(String.self, forKey: .transformation)
        site = try c.decode(String.self, forKey: .site)
        executor = try c.decodeIfPresent(String.self, forKey: .executor) ?? "local"
        executable = try c.decode(String.self, forKey: .executable)
        arguments = try c.decode([String].self, forKey: .arguments)
        environment = try c.decode([String: String].self, forKey: .environment)
        workingDirectory = try c.decode(String.self, forKey: .workingDirectory)
        stdin = try c.decodeIfPresent(String.self, forKey: .stdin)
        stdout = try c.decodeIfPresent(String.self, forKey: .stdout)
        stderr = try c.decodeIfPresent(String.self, forKey: .stderr)
        retries = try c.decode(Int.self, forKey: .retries)
        maxWalltime = try c.decodeIfPresent(Double.self, forKey: .maxWalltime)
        priority = try c.decode(Int.self, forKey: .priority)
        category = try c.decodeIfPresent(String.self, forKey: .category)
        abortOnExitCode = try c.decodeIfPresent(Int32.self, forKey: .abortOnExitCode)
        abortReturnValue = try c.decodeIfPresent(Int32.self, forKey: .abortReturnValue)
        successMessage = try c.decodeIfPresent(String.self, forKey: .successMessage)
        failureMessage = try c.decodeIfPresent(String.self, forKey: .failureMessage)
        parents = try c.decode([Int].self, forKey: .parents)
        inputLinks = try c.decode([InputLink].self, forKey: .inputLinks)
        outputs = try c.decode([String].self, forKey: .outputs)
        hooks = try c.decode([PlannedHook].self, forKey: .hooks)
        profiles = try c.decode([String: String].self, forKey: .profiles)
        metadata = try c.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
        tasks = try c.decodeIfPresent([ExecutableTask].self, forKey: .tasks) ?? []
        transfers = try c.decodeIfPresent([PlannedTransfer].self, forKey: .transfers) ?? []
        removals = try c.decodeIfPresent([String].self, forKey: .removals) ?? []
        registrations = try c.decodeIfPresent([PlannedRegistration].self, forKey: .registrations) ?? []
        inputs = try c.decodeIfPresent([String].self, forKey: .inputs) ?? []
        container = try c.decodeIfPresent(PlannedContainer.self, forKey: .container)
        inputChecksums = try c.decodeIfPresent([String: String].self, forKey: .inputChecksums) ?? [:]
        sandbox = try c.decodeIfPresent(JobSandbox.self, forKey: .sandbox)
        subworkflow = try c.decodeIfPresent(PlannedSubworkflow.self, forKey: .subworkflow)
    }
}

/// The folder of its own a job runs in under nonsharedfs or condorio: made fresh for each
/// attempt under `root`, its inputs brought in from the staging site's scratch (hard links
/// where they share a filesystem, else copies), its outputs taken back there after the job
/// (renamed, else copied), then removed, as PegasusLite and HTCondor's file transfer do.
public struct JobSandbox: Codable, Sendable, Equatable {
    /// The folder under which each attempt's own folder is made.
    public var root: String
    /// Files brought in: `lfn` in the sandbox, from `path` (in the staging site's scratch).
    public var inputs: [SandboxFile]
    /// Files taken back: `lfn` in the sandbox, to `path` (in the staging site's scratch).
    public var outputs: [SandboxFile]

    public init(root: String, inputs: [SandboxFile], outputs: [SandboxFile]) {
        self.root = root
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// One file of a sandbox: its name inside the sandbox and its path outside.
public struct SandboxFile: Codable, Sendable, Equatable {
    public var lfn: String
    public var path: String

    public init(lfn: String, path: String) {
        self.lfn = lfn
        self.path = path
    }
}

/// A job data reuse left out of the plan: every file it would make is already in the
/// replica catalog (or is needed only by other left-out jobs).
public struct PrunedJob: Codable, Sendable, Equatable {
    public var id: String
    public var reason: String

    public init(id: String, reason: String) {
        self.id = id
        self.reason = reason
    }
}

/// One replica a registration job records: where a staged-out result now is, in the
/// catalog `catalog` (the run's `<label>-0.replicas.db`), with the workflow's file metadata.
public struct PlannedRegistration: Codable, Sendable, Equatable {
    public var lfn: String
    public var pfn: String
    public var site: String
    public var catalog: String
    public var metadata: [String: String]

    public init(lfn: String, pfn: String, site: String, catalog: String, metadata: [String: String] = [:]) {
        self.lfn = lfn
        self.pfn = pfn
        self.site = site
        self.catalog = catalog
        self.metadata = metadata
    }
}

/// One file a transfer job moves: from a URL or a local path to a local path or a URL,
/// checked against a sha256 when the catalog gives one, as a link where `link` allows.
public struct PlannedTransfer: Codable, Sendable, Equatable {
    public var lfn: String
    public var source: String
    public var destination: String
    public var sha256: String?
    /// A hard link is allowed where source and destination share a filesystem.
    public var link: Bool
    /// A program (a stageable executable fetched from a URL): made executable once in place.
    public var executable: Bool?

    public init(lfn: String, source: String, destination: String, sha256: String? = nil, link: Bool = false, executable: Bool? = nil) {
        self.lfn = lfn
        self.source = source
        self.destination = destination
        self.sha256 = sha256
        self.link = link
        self.executable = executable
    }
}

/// One task of a job: what the abstract workflow's job asked to run. Provenance keeps one
/// `task` row per task (`abs_task_id` = the abstract job's id).
public struct ExecutableTask: Codable, Sendable, Equatable {
    public var id: String
    /// `namespace::name:version`.
    public var transformation: String
    public var executable: String
    public var arguments: [String]
    public var metadata: [String: String]
    // A clustered job's task runs as its own job would have (ClusteringPass keeps these);
    // all optional, so plans without clustering are unchanged.
    /// Logical names of the task's stdin / stdout / stderr files in the working directory.
    public var stdin: String?
    public var stdout: String?
    public var stderr: String?
    /// Files the task must produce (checked when it ran in the attempt).
    public var outputs: [String]?
    /// Files the task reads (shown with its definition).
    public var inputs: [String]?

    public init(id: String, transformation: String, executable: String, arguments: [String], metadata: [String: String] = [:],
                stdin: String? = nil, stdout: String? = nil, stderr: String? = nil, outputs: [String]? = nil, inputs: [String]? = nil) {
        self.id = id
        self.transformation = transformation
        self.executable = executable
        self.arguments = arguments
        self.metadata = metadata
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.outputs = outputs
        self.inputs = inputs
    }
}

/// `pegasus.integrity.checking`: which files' sha256 are verified before a job reads them,
/// and whether the files jobs make are hashed (to verify them later).
public enum IntegrityChecking: String, Codable, Sendable, CaseIterable {
    /// Inputs with a known sha256 (catalog, or recorded when a parent made them) are
    /// verified; outputs are hashed and recorded (Pegasus's default).
    case full
    /// As full, but inputs that reach the job through a symbolic link are not verified.
    case nosymlink
    /// Nothing is hashed or verified.
    case none
}

public struct InputLink: Codable, Sendable, Equatable {
    public var lfn: String
    public var source: String

    public init(lfn: String, source: String) {
        self.lfn = lfn
        self.source = source
    }
}

public struct PlannedHook: Codable, Sendable, Equatable {
    public var on: String
    public var command: String

    public init(on: String, command: String) {
        self.on = on
        self.command = command
    }
}

extension ExecutableJob {
    /// Takes `other`'s boxed sandbox, equal to this job's (`PlanInterner`): one box for the
    /// jobs of a run that share one, not one each.
    mutating func shareSandbox(of other: ExecutableJob) { _sandbox = other._sandbox }
}
