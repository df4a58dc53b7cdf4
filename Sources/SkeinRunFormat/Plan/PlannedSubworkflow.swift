/// What a sub-workflow job (`pegasusWorkflow`, Pegasus's `dax` job) needs when its turn
/// comes: the workflow file, its own pegasus-plan arguments, where its run goes (Pegasus's
/// `00/00/<label>_<id>` under the parent's run), which of the parent's scratch files it reads
/// and which it must hand back. The child is planned at run time, not with the parent,
/// because a parent job may produce its inputs (even its workflow file).
public struct PlannedSubworkflow: Codable, Sendable, Equatable {
    /// The abstract job's `type`: `pegasusWorkflow` (or `condorWorkflow`).
    public var type: String
    /// The sub-workflow file as the parent names it (its logical name).
    public var file: String
    /// Where the file was found when the parent was planned (replica catalog, or beside the
    /// parent); nil when a parent job makes it (then it is read from the parent's scratch).
    public var resolvedFile: String?
    /// The job's arguments: pegasus-plan options for the child (`--sites`, `--output-sites`, ...).
    public var arguments: [String]
    /// The parent's sites to run, which the child inherits unless `--sites` is given.
    public var sitesToRun: [String]
    /// The parent's output site when it stages out, inherited unless `--output-sites` is given.
    public var outputSite: String?
    /// Where the child's run directory goes: `<parent run>/00/00/<child label>_<job id>`, a
    /// link to the `.NNN` folder of each planning.
    public var directory: String
    /// The parent's scratch folder: the child reads its inputs from there (as replicas) and
    /// its outputs are linked back there.
    public var parentScratch: String
    /// The parent workflow's folder: relative files (`--conf`, the workflow) are found there
    /// when they are not in the parent's scratch.
    public var parentWorkflowDirectory: String
    /// Files of the parent the child reads (logical names, in `parentScratch`).
    public var inputs: [String]
    /// Files the child must make for the parent (logical names), linked into `parentScratch`.
    public var outputs: [String]

    public init(type: String, file: String, resolvedFile: String?, arguments: [String], sitesToRun: [String], outputSite: String?,
                directory: String, parentScratch: String, parentWorkflowDirectory: String, inputs: [String], outputs: [String]) {
        self.type = type
        self.file = file
        self.resolvedFile = resolvedFile
        self.arguments = arguments
        self.sitesToRun = sitesToRun
        self.outputSite = outputSite
        self.directory = directory
        self.parentScratch = parentScratch
        self.parentWorkflowDirectory = parentWorkflowDirectory
        self.inputs = inputs
        self.outputs = outputs
    }
}
