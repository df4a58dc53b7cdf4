/// What a job of the executable workflow does, named as Pegasus names it in
/// `job.type_desc` (stampede schema v14), so provenance, reports and Pegasus's own tools
/// agree. An open set: planner passes for staging, cleanup, registration, sub-workflows add
/// jobs of their kinds without changing this type; the plan stores the name.
public struct JobKind: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public static let compute = JobKind(rawValue: "compute")
    public static let createDir = JobKind(rawValue: "create-dir")
    public static let stageIn = JobKind(rawValue: "stage-in-tx")
    public static let stageOut = JobKind(rawValue: "stage-out-tx")
    public static let interSite = JobKind(rawValue: "inter-site-tx")
    public static let registration = JobKind(rawValue: "registration")
    public static let cleanup = JobKind(rawValue: "cleanup")
    public static let chmod = JobKind(rawValue: "chmod")
    public static let stagedCompute = JobKind(rawValue: "staged-compute")
    /// A `pegasusWorkflow` sub-workflow (planned and run as a unit).
    public static let dax = JobKind(rawValue: "dax")
    /// A `condorWorkflow` sub-workflow.
    public static let dag = JobKind(rawValue: "dag")

    /// Every kind Pegasus's stampede schema knows (`job.type_desc`).
    public static let pegasusKinds: [JobKind] = [.compute, .stageIn, .stageOut, .registration, .interSite, .createDir, .stagedCompute, .cleanup, .chmod, .dax, .dag]

    /// Jobs that run the abstract workflow's own work (their tasks are the workflow's). A
    /// sub-workflow job is one too: Pegasus records its task (`type_desc dax`), and it reads
    /// and writes the parent's scratch files as a compute job does.
    public var isCompute: Bool { self == .compute || self == .stagedCompute || isSubworkflow }

    /// A `pegasusWorkflow` or `condorWorkflow` job: planned and run as a unit.
    public var isSubworkflow: Bool { self == .dax || self == .dag }

    public var description: String { rawValue }

    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
