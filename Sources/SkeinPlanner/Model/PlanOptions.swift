import SkeinProperties

/// How `skein plan` maps an abstract workflow onto this machine.
public struct PlanOptions: Sendable {
    /// Runs go in `baseDirectory/<label>/runNNNN`.
    public var baseDirectory: String
    /// Sites jobs may run on, in order of preference (pegasus-plan `--sites`).
    public var sitesToRun: [String]
    /// Where outputs are staged out to (pegasus-plan `--output-sites`).
    public var outputSite: String
    /// Whether `stageOut: true` outputs are staged out: as pegasus-plan, only when an output
    /// site was given; otherwise they stay in the scratch folder.
    public var stageOut: Bool
    /// Retries for jobs and workflows that set no `dagman.RETRY`.
    public var defaultRetries: Int
    /// The command line that asked for the plan, recorded in braindump and provenance.
    public var plannerArguments: [String]
    /// The Pegasus properties in effect; nil = `pegasus.properties` beside the workflow.
    public var properties: PegasusProperties?

    public init(baseDirectory: String = "runs", sitesToRun: [String] = ["local"], outputSite: String = "local", stageOut: Bool = false, defaultRetries: Int = 0, plannerArguments: [String] = [], properties: PegasusProperties? = nil) {
        self.baseDirectory = baseDirectory
        self.sitesToRun = sitesToRun
        self.outputSite = outputSite
        self.stageOut = stageOut
        self.defaultRetries = defaultRetries
        self.plannerArguments = plannerArguments
        self.properties = properties
    }
}

/// Why a valid workflow cannot be planned here (a site without the transformation, ...).
public struct PlanError: Error, Sendable, CustomStringConvertible {
    public var messages: [String]
    public var description: String { messages.joined(separator: "\n") }
}
