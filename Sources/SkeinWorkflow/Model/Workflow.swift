import SkeinYAML
/// A Pegasus 5.0 abstract workflow, as its YAML file says it.
public struct Workflow: Sendable, Equatable {
    /// The format version (`pegasus: 5.0.4`); any 5.x is read.
    public var pegasusVersion: String
    public var name: String
    public var version: String?
    public var hooks: Hooks
    public var profiles: Profiles
    public var metadata: Metadata
    /// Catalogs written inside the workflow file.
    public var siteCatalog: SiteCatalog?
    public var replicaCatalog: ReplicaCatalog?
    public var transformationCatalog: TransformationCatalog?
    public var jobs: [Job]
    public var dependencies: [JobDependency]
    public var extensions: Extensions
    public var mark: SourceMark

    public init(name: String, jobs: [Job] = [], dependencies: [JobDependency] = [], pegasusVersion: String = "5.0.4") {
        self.pegasusVersion = pegasusVersion
        self.name = name
        self.hooks = Hooks()
        self.profiles = Profiles()
        self.metadata = []
        self.jobs = jobs
        self.dependencies = dependencies
        self.extensions = []
        self.mark = .none
    }
}
