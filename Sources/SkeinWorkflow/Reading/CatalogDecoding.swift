import SkeinYAML
/// Reads site, transformation and replica catalogs, standalone or embedded in a workflow.
///
/// An embedded catalog may lack the `pegasus` key: the Pegasus API writes it that way.
extension DecodeContext {
    mutating func catalogVersion(_ f: inout Fields, standalone: Bool, what: String) -> String? {
        if let n = f.take("pegasus") { return formatVersion(n) }
        if standalone {
            report.error("missing-key", at: f.mapping.mark, "\(what) is missing the required key 'pegasus'", hint: "add `pegasus: 5.0.4` at the top")
        }
        return nil
    }

    mutating func siteCatalog(_ node: YAMLNode, standalone: Bool) -> SiteCatalog? {
        guard let map = mapping(node, "the site catalog") else { return nil }
        var f = Fields(map, "the site catalog")
        var catalog = SiteCatalog(sites: [], pegasusVersion: catalogVersion(&f, standalone: standalone, what: "the site catalog"))
        if let n = f.required("sites", &self, hint: "add `sites:` with at least the `local` site"), let seq = sequence(n, "sites") {
            for (i, item) in seq.items.enumerated() {
                if let site = site(item, index: i) { catalog.sites.append(site) }
            }
        }
        catalog.extensions = f.rest(&self, expected: ["pegasus", "sites"])
        return catalog
    }

    mutating func site(_ node: YAMLNode, index: Int) -> Site? {
        guard let map = mapping(node, "site \(index + 1)") else { return nil }
        var label = "site \(index + 1)"
        if case .scalar(let s)? = map["name"] { label = "site '\(s.value)'" }
        var f = Fields(map, label)
        guard let name = f.required("name", &self, hint: "add `name:`, such as local").flatMap({ string($0, "name of \(label)") }) else { return nil }
        var site = Site(name: name, mark: map.mark)
        site.arch = f.take("arch").flatMap { oneOf($0, Site.architectures, "arch of \(label)") }
        site.osType = f.take("os.type").flatMap { oneOf($0, Site.osTypes, "os.type of \(label)") }
        site.osRelease = f.take("os.release").flatMap { string($0, "os.release of \(label)") }
        site.osVersion = f.take("os.version").flatMap { string($0, "os.version of \(label)") }
        if let n = f.take("directories"), let seq = sequence(n, "directories of \(label)") {
            for item in seq.items {
                if let dir = directory(item, of: label) { site.directories.append(dir) }
            }
        }
        if let n = f.take("grids"), let seq = sequence(n, "grids of \(label)") {
            for item in seq.items {
                if let grid = grid(item, of: label) { site.grids.append(grid) }
            }
        }
        if let n = f.take("profiles") { site.profiles = profiles(n, label) }
        site.extensions = f.rest(&self, expected: ["name", "arch", "os.type", "os.release", "os.version", "directories", "grids", "profiles"])
        return site
    }

    mutating func directory(_ node: YAMLNode, of site: String) -> SiteDirectory? {
        let what = "a directory of \(site)"
        guard let map = mapping(node, what) else { return nil }
        var f = Fields(map, what)
        let type = f.required("type", &self, hint: "add `type: sharedScratch` (or sharedStorage, localScratch, localStorage)")
            .flatMap { oneOf($0, SiteDirectory.types, "directory type of \(site)") }
        var dir = SiteDirectory(type: type ?? "", path: nil, mark: map.mark)
        dir.path = f.take("path").flatMap { string($0, "path of \(what)") }
        dir.sharedFileSystem = f.take("sharedFileSystem").flatMap { bool($0, "sharedFileSystem of \(what)") }
        if let n = f.required("fileServers", &self, hint: "add `fileServers: [{url: file:///path, operation: all}]`"),
            let seq = sequence(n, "fileServers of \(what)")
        {
            for item in seq.items {
                guard let fsMap = mapping(item, "a file server of \(site)") else { continue }
                var fs = Fields(fsMap, "a file server of \(site)")
                guard let url = fs.required("url", &self, hint: "add `url:`, such as file:///scratch").flatMap({ string($0, "url of a file server of \(site)") }) else { continue }
                var server = FileServer(url: url)
                server.operation = fs.take("operation").flatMap { oneOf($0, FileServer.operations, "operation of file server \(url)") }
                if let p = fs.take("profiles") { server.profiles = profiles(p, "file server \(url)") }
                server.extensions = fs.rest(&self, expected: ["url", "operation", "profiles"])
                dir.fileServers.append(server)
            }
        }
        dir.extensions = f.rest(&self, expected: ["type", "path", "sharedFileSystem", "fileServers"], modeledElsewhere: ["freeSize", "totalSize"])
        return type == nil ? nil : dir
    }

    mutating func grid(_ node: YAMLNode, of site: String) -> Grid? {
        let what = "a grid of \(site)"
        guard let map = mapping(node, what) else { return nil }
        var f = Fields(map, what)
        let type = f.required("type", &self, hint: "add `type: batch`").flatMap { oneOf($0, Grid.types, "grid type of \(site)") }
        let contact = f.required("contact", &self, hint: "add `contact:` with the gateway host").flatMap { string($0, "contact of \(what)") }
        let scheduler = f.required("scheduler", &self, hint: "add `scheduler: slurm` (or fork, pbs, lsf, condor, sge, flux)")
            .flatMap { oneOf($0, Grid.schedulers, "scheduler of \(what)") }
        let jobtype = f.take("jobtype").flatMap { oneOf($0, Grid.jobTypes, "jobtype of \(what)") }
        var grid = Grid(type: type ?? "", contact: contact ?? "", scheduler: scheduler ?? "", jobtype: jobtype)
        grid.extensions = f.rest(
            &self, expected: ["type", "contact", "scheduler", "jobtype"],
            modeledElsewhere: ["freeMem", "totalMem", "maxCount", "maxCPUTime", "runningJobs", "jobsInQueue", "idleNodes", "totalNodes"])
        return type == nil || contact == nil || scheduler == nil ? nil : grid
    }

    mutating func transformationCatalog(_ node: YAMLNode, standalone: Bool) -> TransformationCatalog? {
        guard let map = mapping(node, "the transformation catalog") else { return nil }
        var f = Fields(map, "the transformation catalog")
        var catalog = TransformationCatalog(pegasusVersion: catalogVersion(&f, standalone: standalone, what: "the transformation catalog"))
        if let n = f.required("transformations", &self, hint: "add `transformations:`"), let seq = sequence(n, "transformations") {
            for (i, item) in seq.items.enumerated() {
                if let t = transformation(item, index: i) { catalog.transformations.append(t) }
            }
        }
        if let n = f.take("containers"), let seq = sequence(n, "containers") {
            for (i, item) in seq.items.enumerated() {
                if let c = container(item, index: i) { catalog.containers.append(c) }
            }
        }
        catalog.extensions = f.rest(&self, expected: ["pegasus", "transformations", "containers"])
        return catalog
    }

    mutating func transformation(_ node: YAMLNode, index: Int) -> Transformation? {
        guard let map = mapping(node, "transformation \(index + 1)") else { return nil }
        var label = "transformation \(index + 1)"
        if case .scalar(let s)? = map["name"] { label = "transformation '\(s.value)'" }
        var f = Fields(map, label)
        guard let name = f.required("name", &self, hint: "add `name:`, the name jobs use").flatMap({ string($0, "name of \(label)") }) else { return nil }
        var t = Transformation(name: name, mark: map.mark)
        t.namespace = f.take("namespace").flatMap { string($0, "namespace of \(label)") }
        t.version = f.take("version").flatMap { string($0, "version of \(label)") }
        if let n = f.take("requires"), let seq = sequence(n, "requires of \(label)") {
            for item in seq.items {
                if let text = string(item, "a requires entry of \(label)") { t.requires.append(Located(text, mark: item.mark)) }
            }
        }
        if let n = f.take("checksum") { t.checksum = checksum(n, label) }
        if let n = f.take("metadata") { t.metadata = metadata(n, label) }
        if let n = f.take("profiles") { t.profiles = profiles(n, label) }
        if let n = f.take("hooks") { t.hooks = hooks(n, label) }
        if let n = f.required("sites", &self, hint: "add `sites:` with a `name`, `pfn` and `type` for each site it is on"),
            let seq = sequence(n, "sites of \(label)")
        {
            if seq.items.isEmpty {
                report.error("no-transformation-site", at: seq.mark, "\(label) lists no sites", hint: "add a site entry with `name`, `pfn` and `type`")
            }
            for item in seq.items {
                if let s = transformationSite(item, of: label) { t.sites.append(s) }
            }
        }
        t.extensions = f.rest(&self, expected: ["namespace", "name", "version", "requires", "checksum", "metadata", "profiles", "hooks", "sites"])
        return t
    }

    mutating func transformationSite(_ node: YAMLNode, of owner: String) -> TransformationSite? {
        let what = "a site entry of \(owner)"
        guard let map = mapping(node, what) else { return nil }
        var f = Fields(map, what)
        let name = f.required("name", &self, hint: "add `name:` naming a site of the site catalog").flatMap { string($0, "site name of \(owner)") }
        let pfn = f.required("pfn", &self, hint: "add `pfn:` with the executable's path or URL").flatMap { string($0, "pfn of \(owner)") }
        let type = f.required("type", &self, hint: "add `type: installed` (or stageable)").flatMap { oneOf($0, TransformationSite.types, "type of \(owner)") }
        var s = TransformationSite(name: name ?? "", pfn: pfn ?? "", type: type ?? "installed", mark: map.mark)
        s.arch = f.take("arch").flatMap { oneOf($0, Site.architectures, "arch of \(what)") }
        s.osType = f.take("os.type").flatMap { oneOf($0, Site.osTypes, "os.type of \(what)") }
        s.osRelease = f.take("os.release").flatMap { string($0, "os.release of \(what)") }
        s.osVersion = f.take("os.version").flatMap { string($0, "os.version of \(what)") }
        s.bypass = f.take("bypass").flatMap { bool($0, "bypass of \(what)") }
        if let n = f.take("container") {
            s.container = string(n, "container of \(what)")
            s.containerMark = n.mark
        }
        if let n = f.take("profiles") { s.profiles = profiles(n, what) }
        if let n = f.take("metadata") { s.metadata = metadata(n, what) }
        s.extensions = f.rest(&self, expected: ["name", "pfn", "type", "arch", "os.type", "os.release", "os.version", "bypass", "container", "profiles", "metadata"])
        return name == nil || pfn == nil || type == nil ? nil : s
    }

    mutating func container(_ node: YAMLNode, index: Int) -> Container? {
        guard let map = mapping(node, "container \(index + 1)") else { return nil }
        var label = "container \(index + 1)"
        if case .scalar(let s)? = map["name"] { label = "container '\(s.value)'" }
        var f = Fields(map, label)
        let name = f.required("name", &self, hint: "add `name:`").flatMap { string($0, "name of \(label)") }
        let type = f.required("type", &self, hint: "add `type: singularity` (or docker, shifter)").flatMap { oneOf($0, Container.types, "type of \(label)") }
        let image = f.required("image", &self, hint: "add `image:`, such as docker://debian:12").flatMap { string($0, "image of \(label)") }
        var c = Container(name: name ?? "", type: type ?? "", image: image ?? "", mark: map.mark)
        c.imageSite = f.take("image.site").flatMap { string($0, "image.site of \(label)") }
        if let n = f.take("mounts") { c.mounts = stringList(n, "mounts of \(label)") }
        c.bypass = f.take("bypass").flatMap { bool($0, "bypass of \(label)") }
        if let n = f.take("checksum") { c.checksum = checksum(n, label) }
        if let n = f.take("metadata") { c.metadata = metadata(n, label) }
        if let n = f.take("profiles") { c.profiles = profiles(n, label) }
        c.extensions = f.rest(&self, expected: ["name", "type", "image", "image.site", "mounts", "bypass", "checksum", "metadata", "profiles"])
        return name == nil || type == nil || image == nil ? nil : c
    }

    mutating func replicaCatalog(_ node: YAMLNode, standalone: Bool) -> ReplicaCatalog? {
        guard let map = mapping(node, "the replica catalog") else { return nil }
        var f = Fields(map, "the replica catalog")
        var catalog = ReplicaCatalog(pegasusVersion: catalogVersion(&f, standalone: standalone, what: "the replica catalog"))
        if let n = f.required("replicas", &self, hint: "add `replicas:` (it may be an empty list: `replicas: []`)"), let seq = sequence(n, "replicas") {
            for (i, item) in seq.items.enumerated() {
                if let r = replica(item, index: i) { catalog.replicas.append(r) }
            }
        }
        catalog.extensions = f.rest(&self, expected: ["pegasus", "replicas"])
        return catalog
    }

    mutating func replica(_ node: YAMLNode, index: Int) -> Replica? {
        guard let map = mapping(node, "replica \(index + 1)") else { return nil }
        var label = "replica \(index + 1)"
        if case .scalar(let s)? = map["lfn"] { label = "replica '\(s.value)'" }
        var f = Fields(map, label)
        guard let lfn = f.required("lfn", &self, hint: "add `lfn:` with the logical file name").flatMap({ string($0, "lfn of \(label)") }) else { return nil }
        var r = Replica(lfn: lfn, pfns: [], mark: map.mark)
        if let n = f.required("pfns", &self, hint: "add `pfns: [{site: local, pfn: /path/to/file}]`"), let seq = sequence(n, "pfns of \(label)") {
            for item in seq.items {
                guard let pm = mapping(item, "a pfn of \(label)") else { continue }
                var pf = Fields(pm, "a pfn of \(label)")
                let site = pf.required("site", &self, hint: "add `site:`, such as local").flatMap { string($0, "site of a pfn of \(label)") }
                let pfn = pf.required("pfn", &self, hint: "add `pfn:` with the path or URL").flatMap { string($0, "pfn of \(label)") }
                _ = pf.rest(&self, expected: ["site", "pfn"])
                if let site, let pfn { r.pfns.append(Replica.Location(site: site, pfn: pfn, mark: pm.mark)) }
            }
        }
        if let n = f.take("checksum") { r.checksum = checksum(n, label) }
        if let n = f.take("metadata") { r.metadata = metadata(n, label) }
        r.regex = f.take("regex").flatMap { bool($0, "regex of \(label)") }
        r.extensions = f.rest(&self, expected: ["lfn", "pfns", "checksum", "metadata", "regex"])
        return r
    }
}
