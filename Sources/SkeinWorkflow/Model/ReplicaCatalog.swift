import SkeinYAML
/// Where the workflow's input files already exist (`replicas.yml`).
public struct ReplicaCatalog: Sendable, Equatable {
    public var pegasusVersion: String?
    public var replicas: [Replica]
    public var extensions: Extensions

    public init(replicas: [Replica] = [], pegasusVersion: String? = "5.0.4") {
        self.pegasusVersion = pegasusVersion
        self.replicas = replicas
        self.extensions = []
    }
}

public struct Replica: Sendable, Equatable {
    public struct Location: Sendable, Equatable {
        public var site: String
        public var pfn: String
        public var mark: SourceMark

        public init(site: String, pfn: String, mark: SourceMark = .none) {
            self.site = site
            self.pfn = pfn
            self.mark = mark
        }
    }

    /// The logical file name, or a regular expression when `regex` is true.
    public var lfn: String
    public var pfns: [Location]
    public var checksum: Checksum?
    public var metadata: Metadata
    public var regex: Bool?
    public var extensions: Extensions
    public var mark: SourceMark

    public init(lfn: String, pfns: [Location], mark: SourceMark = .none) {
        self.lfn = lfn
        self.pfns = pfns
        self.metadata = []
        self.extensions = []
        self.mark = mark
    }
}
