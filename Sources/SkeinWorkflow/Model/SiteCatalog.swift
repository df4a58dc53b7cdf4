import SkeinYAML
/// Where jobs can run and where their files live (`sites.yml` or `siteCatalog:`).
public struct SiteCatalog: Sendable, Equatable {
    public var pegasusVersion: String?
    public var sites: [Site]
    public var extensions: Extensions

    public init(sites: [Site] = [], pegasusVersion: String? = "5.0.4") {
        self.pegasusVersion = pegasusVersion
        self.sites = sites
        self.extensions = []
    }

    public func site(named name: String) -> Site? { sites.first { $0.name == name } }
}

public struct Site: Sendable, Equatable {
    public var name: String
    public var arch: String?
    public var osType: String?
    public var osRelease: String?
    public var osVersion: String?
    public var directories: [SiteDirectory]
    public var grids: [Grid]
    public var profiles: Profiles
    public var extensions: Extensions
    public var mark: SourceMark

    public init(name: String, mark: SourceMark = .none) {
        self.name = name
        self.directories = []
        self.grids = []
        self.profiles = Profiles()
        self.extensions = []
        self.mark = mark
    }

    public func directory(_ type: String) -> SiteDirectory? { directories.first { $0.type == type } }
}

public struct SiteDirectory: Sendable, Equatable {
    public static let types = ["sharedScratch", "sharedStorage", "localScratch", "localStorage"]

    public var type: String
    public var path: String?
    public var sharedFileSystem: Bool?
    public var fileServers: [FileServer]
    /// `freeSize`, `totalSize` and any keys Skein does not model.
    public var extensions: Extensions
    public var mark: SourceMark

    public init(type: String, path: String?, fileServers: [FileServer] = [], mark: SourceMark = .none) {
        self.type = type
        self.path = path
        self.fileServers = fileServers
        self.extensions = []
        self.mark = mark
    }
}

public struct FileServer: Sendable, Equatable {
    public static let operations = ["all", "get", "put"]

    public var url: String
    public var operation: String?
    public var profiles: Profiles
    public var extensions: Extensions

    public init(url: String, operation: String? = nil) {
        self.url = url
        self.operation = operation
        self.profiles = Profiles()
        self.extensions = []
    }
}

/// A batch or grid gateway of a site: `scheduler: slurm` sends jobs to Slurm.
public struct Grid: Sendable, Equatable {
    public static let types = ["gt5", "condor", "cream", "batch", "nordugrid", "unicore", "ec2", "deltacloud"]
    public static let schedulers = ["fork", "pbs", "lsf", "condor", "sge", "slurm", "flux", "unknown"]
    public static let jobTypes = ["compute", "auxillary", "transfer", "register", "cleanup"]

    public var type: String
    public var contact: String
    public var scheduler: String
    public var jobtype: String?
    /// `freeMem`, `totalMem`, `maxCount`, ... and any keys Skein does not model.
    public var extensions: Extensions

    public init(type: String, contact: String, scheduler: String, jobtype: String? = nil) {
        self.type = type
        self.contact = contact
        self.scheduler = scheduler
        self.jobtype = jobtype
        self.extensions = []
    }
}

extension Site {
    /// Architectures and OS types the Pegasus 5.0 schema allows.
    public static let architectures = ["x86", "x86_64", "ppc", "ppc_64", "ppc64le", "ia64", "sparcv7", "sparcv9", "amd64", "aarch64"]
    public static let osTypes = ["linux", "sunos", "macosx", "aix", "windows"]
}
