/// The container a compute job runs in, as the planner chose it: which runtime runs it
/// (found on this machine when the run was planned), the image reference that runtime runs
/// (made ready once per run by the container's load job), and what is bind-mounted.
/// The engine turns it into `RUNTIME run ... IMAGE EXECUTABLE ARGS` around the job's own
/// command, so the job's record and exit status are written outside the container.
public struct PlannedContainer: Codable, Sendable, Equatable {
    /// The container's name in the transformation catalog.
    public var name: String
    /// The catalog's `type`: docker, singularity or shifter.
    public var type: String
    /// The runtime's kind, `ContainerRuntimeKind.rawValue` (podman, docker, apptainer, singularity).
    public var runtime: String
    /// The runtime's executable, found when the run was planned.
    public var runtimePath: String
    /// What the runtime runs: a run-specific tag (podman, docker) or an image file or URL
    /// (apptainer, singularity).
    public var image: String
    /// Bind mounts as the catalog writes them (`HOST[:CONTAINER[:OPTIONS]]`), plus the
    /// run's staged executable read-only. The job's working folder and its linked inputs
    /// are mounted at the same paths by the engine.
    public var mounts: [String]
    /// The job's `pegasus.container.arguments` profile, word by word: more options for the runtime.
    public var arguments: [String]?
    /// The job asks for GPUs (`pegasus.gpus`, `condor.request_gpus`): passed into the container.
    public var gpus: Bool?

    public init(name: String, type: String, runtime: String, runtimePath: String, image: String, mounts: [String] = []) {
        self.name = name
        self.type = type
        self.runtime = runtime
        self.runtimePath = runtimePath
        self.image = image
        self.mounts = mounts
    }
}

/// The container runtimes Skein drives, in its default order of preference.
public enum ContainerRuntimeKind: String, Codable, Sendable, CaseIterable {
    case podman, docker, apptainer, singularity

    /// Runtimes that keep images in a store of their own (loaded once, run by tag), as
    /// opposed to running an image file (`.sif`) directly.
    public var usesImageStore: Bool { self == .podman || self == .docker }
}
