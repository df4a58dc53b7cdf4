import SkeinYAML
/// The programs jobs run and where each is installed (`transformations.yml`).
public struct TransformationCatalog: Sendable, Equatable {
    public var pegasusVersion: String?
    public var transformations: [Transformation]
    public var containers: [Container]
    public var extensions: Extensions

    public init(transformations: [Transformation] = [], containers: [Container] = [], pegasusVersion: String? = "5.0.4") {
        self.pegasusVersion = pegasusVersion
        self.transformations = transformations
        self.containers = containers
        self.extensions = []
    }

    /// Transformations a job or `requires` entry could mean, in catalog order.
    public func candidates(for reference: TransformationReference) -> [Transformation] {
        transformations.filter { reference.matches($0) }
    }
}

public struct Transformation: Sendable, Equatable {
    public var namespace: String?
    public var name: String
    public var version: String?
    /// Other transformations this one needs (`ns::name:version`), as written.
    public var requires: [Located<String>]
    public var checksum: Checksum?
    public var metadata: Metadata
    public var profiles: Profiles
    public var hooks: Hooks
    public var sites: [TransformationSite]
    public var extensions: Extensions
    public var mark: SourceMark

    public init(name: String, namespace: String? = nil, version: String? = nil, sites: [TransformationSite] = [], mark: SourceMark = .none) {
        self.namespace = namespace
        self.name = name
        self.version = version
        self.requires = []
        self.metadata = []
        self.profiles = Profiles()
        self.hooks = Hooks()
        self.sites = sites
        self.extensions = []
        self.mark = mark
    }

    public var reference: TransformationReference {
        TransformationReference(namespace: namespace, name: name, version: version)
    }
}

/// Where one transformation lives on one site: `installed` there, or `stageable` from there.
public struct TransformationSite: Sendable, Equatable {
    public static let types = ["installed", "stageable"]

    public var name: String
    public var pfn: String
    public var type: String
    public var arch: String?
    public var osType: String?
    public var osRelease: String?
    public var osVersion: String?
    public var bypass: Bool?
    public var container: String?
    public var containerMark: SourceMark = .none
    public var profiles: Profiles
    public var metadata: Metadata
    public var extensions: Extensions
    public var mark: SourceMark

    public init(name: String, pfn: String, type: String = "installed", mark: SourceMark = .none) {
        self.name = name
        self.pfn = pfn
        self.type = type
        self.profiles = Profiles()
        self.metadata = []
        self.extensions = []
        self.mark = mark
    }
}

public struct Container: Sendable, Equatable {
    public static let types = ["docker", "singularity", "shifter"]

    public var name: String
    public var type: String
    public var image: String
    public var imageSite: String?
    public var mounts: [String]
    public var bypass: Bool?
    public var checksum: Checksum?
    public var metadata: Metadata
    public var profiles: Profiles
    public var extensions: Extensions
    public var mark: SourceMark

    public init(name: String, type: String, image: String, mark: SourceMark = .none) {
        self.name = name
        self.type = type
        self.image = image
        self.mounts = []
        self.metadata = []
        self.profiles = Profiles()
        self.extensions = []
        self.mark = mark
    }
}
