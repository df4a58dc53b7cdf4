import SkeinRunFormat
import SkeinWorkflow

/// The executable workflow while the passes build it: jobs with their edges by id (so a
/// pass may add jobs anywhere without renumbering), the files to stage into the run, and
/// the problems found. `plan()` turns it into the `ExecutablePlan` the run directory keeps.
public struct ExecutableWorkflow: Sendable {
    public var label: String
    public var wfUUID: String
    public var workflowFile: String
    public var runDirectory: String
    public var scratchDirectory: String = ""
    public var outputDirectory: String = ""
    /// Each staging site's scratch folder for this run (`scratchDirectory` is the first's).
    public var scratchBySite: [String: String] = [:]
    /// The `create_dir` job of each staging site.
    public var createDirBySite: [String: String] = [:]
    public var createdAt: Double
    public var plannerArguments: [String]
    public var hooks: [PlannedHook] = []
    public var metadata: [String: String] = [:]
    public var categoryLimits: [String: Int] = [:]
    public var transferThreads: Int?
    /// `pegasus.integrity.checking` and `pegasus.transfer.links`, as `IntegrityPass` reads them.
    public var integrityChecking: IntegrityChecking?
    public var transferLinks: Bool?
    public var jobs: [PlannedJob] = []
    /// Stageable executables: copied into the run by the writer, not by a pass.
    public var stagedExecutables: [StagedExecutable] = []
    /// Why the workflow cannot be planned (every job's problem, not only the first).
    public var problems: [String] = []
    /// Abstract jobs data reuse left out (by index), with the reason.
    public var pruned: [Int: String] = [:]
    /// Their ids, for the plan.
    public var prunedIDs: [Int: String] = [:]
    /// The sandboxes' file names by number, for the cleanup pass (not in the plan).
    var sandboxNames = SandboxNames()

    /// The plan as the run directory stores it: parents as indices, in job order.
    public func plan() -> ExecutablePlan {
        var plan = planHeader()
        let index = jobIndex()
        plan.jobs = jobs.indices.map { planJob($0, index: index) }
        return plan
    }

    /// The plan without its jobs, which `planJob` gives one at a time (`PlanWriter.write`
    /// writes them so, without a second copy of every job).
    public func planHeader() -> ExecutablePlan {
        var plan = ExecutablePlan(
            label: label, wfUUID: wfUUID, workflowFile: workflowFile, runDirectory: runDirectory, scratchDirectory: scratchDirectory,
            outputDirectory: outputDirectory, createdAt: createdAt, plannerArguments: plannerArguments, hooks: hooks, metadata: metadata,
            categoryLimits: categoryLimits,
            prunedJobs: pruned.isEmpty ? nil : pruned.keys.sorted().map { PrunedJob(id: prunedIDs[$0] ?? "\($0)", reason: pruned[$0]!) },
            jobs: [])
        plan.transferThreads = transferThreads
        plan.integrityChecking = integrityChecking
        plan.transferLinks = transferLinks
        plan.siteScratch = scratchBySite.isEmpty ? nil : scratchBySite
        return plan
    }

    /// Each job's place in the plan, by id.
    public func jobIndex() -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(jobs.count)
        // By index: `enumerated()` copied every job (each of its fields retained and released).
        for i in jobs.indices { index[jobs[i].job.id] = i }
        return index
    }

    /// Job `i` as the plan stores it: its parents as indices (`index` is `jobIndex()`).
    public func planJob(_ i: Int, index: [String: Int]) -> ExecutableJob {
        var job = jobs[i].pathsInFolder.isEmpty ? jobs[i].job : jobs[i].job.wholePaths(jobs[i].pathsInFolder)
        job.parents = jobs[i].parentIDs.compactMap { index[$0] }
        return job
    }
}

/// One job of the executable workflow and where it came from.
public struct PlannedJob: Sendable {
    public var job: ExecutableJob
    /// Ids of the jobs that must succeed first.
    public var parentIDs: [String]
    /// The abstract job it runs (nil for jobs the planner added: create_dir, ...).
    public var abstractIndex: Int?
    /// The site and catalog entry it was placed on (compute jobs).
    var placement: Placement?
    /// Where the job's files wait (its staging site's scratch), for compute jobs.
    var stagingSite: String?
    /// Whether it runs in a folder of its own (nonsharedfs, condorio away from `local`).
    var sandboxed = false
    /// Inputs a sandboxed job's folder fetches straight from their replica, by lfn (Pegasus's
    /// bypass of input staging), instead of from its staging site's scratch.
    var directSources: [String: String] = [:]
    /// Where its sandbox's name numbers start in `ExecutableWorkflow.sandboxNames.numbers`, -1 for none.
    var sandboxNamesStart = -1
    /// The paths `job` holds as names in a folder (`PlanningContext.pathsAsNames`), whole in
    /// the plan.
    public internal(set) var pathsInFolder: PathsInFolder = []

    init(job: ExecutableJob, parentIDs: [String] = [], abstractIndex: Int? = nil, placement: Placement? = nil) {
        self.job = job
        self.parentIDs = parentIDs
        self.abstractIndex = abstractIndex
        self.placement = placement
    }
}

/// Where a compute job runs and which transformation catalog entry runs it. A class, one
/// per site and catalog entry that jobs share (`PlacementPass`): as a value it was 360 bytes
/// of every planned job, copies of the same few catalog entries.
final class Placement: Sendable {
    let site: String
    let transformation: Transformation
    let entry: TransformationSite

    init(site: String, transformation: Transformation, entry: TransformationSite) {
        self.site = site
        self.transformation = transformation
        self.entry = entry
    }
}

/// An executable the catalog marks stageable, copied into the run's `bin/` folder.
public struct StagedExecutable: Sendable, Equatable {
    public var source: String
    public var target: String
    /// The transformation's name, for messages.
    public var transformation: String
}
