import SkeinYAML
/// Writes workflows and catalogs back in the Pegasus 5.0 YAML format, in the key order
/// the Pegasus Python API uses, keeping unknown keys. Reading what it writes gives back
/// an equal model.
public enum WorkflowWriter {
    public static func yaml(_ workflow: Workflow) -> String { YAMLEmitter.emit(node(workflow)) }
    public static func yaml(_ catalog: SiteCatalog) -> String { YAMLEmitter.emit(node(catalog, standalone: true)) }
    public static func yaml(_ catalog: TransformationCatalog) -> String { YAMLEmitter.emit(node(catalog, standalone: true)) }
    public static func yaml(_ catalog: ReplicaCatalog) -> String { YAMLEmitter.emit(node(catalog, standalone: true)) }

    static func node(_ wf: Workflow) -> YAMLNode {
        var b = NodeBuilder()
        let (leading, trailing) = split(wf.extensions)
        b.extensions(leading)
        b.string("pegasus", wf.pegasusVersion)
        b.string("name", wf.name)
        b.string("version", wf.version)
        b.hooks(wf.hooks)
        b.profiles(wf.profiles)
        b.attributes("metadata", wf.metadata)
        b.node("siteCatalog", wf.siteCatalog.map { node($0, standalone: false) })
        b.node("replicaCatalog", wf.replicaCatalog.map { node($0, standalone: false) })
        b.node("transformationCatalog", wf.transformationCatalog.map { node($0, standalone: false) })
        b.list("jobs", wf.jobs.map(node), always: true)
        b.list("jobDependencies", wf.dependencies.map { dep in
            var d = NodeBuilder()
            d.string("id", dep.parent.id)
            d.strings("children", dep.children.map(\.id), always: true)
            return d.mapping
        })
        b.extensions(trailing)
        return b.mapping
    }

    static func node(_ job: Job) -> YAMLNode {
        var b = NodeBuilder()
        b.string("type", job.kind.rawValue)
        b.string("namespace", job.namespace)
        b.string("version", job.version)
        b.string("name", job.name)
        b.string("id", job.id)
        b.string("file", job.file)
        b.string("stdin", job.stdin)
        b.string("stdout", job.stdout)
        b.string("stderr", job.stderr)
        b.string("nodeLabel", job.nodeLabel)
        b.strings("arguments", job.arguments, always: true)
        b.list("uses", job.uses.map(node), always: true)
        b.profiles(job.profiles)
        b.attributes("metadata", job.metadata)
        b.hooks(job.hooks)
        b.extensions(job.extensions)
        return b.mapping
    }

    static func node(_ use: FileUse) -> YAMLNode {
        var b = NodeBuilder()
        b.string("lfn", use.lfn)
        b.attributes("metadata", use.metadata)
        b.plain("size", use.size)
        b.string("type", use.type.rawValue)
        b.string("namespace", use.namespace)
        b.string("version", use.version)
        b.bool("stageOut", use.stageOut)
        b.bool("registerReplica", use.registerReplica)
        b.bool("optional", use.optional)
        b.bool("executable", use.executable)
        b.bool("bypass", use.bypass)
        b.bool("forPlanning", use.forPlanning)
        b.extensions(use.extensions)
        return b.mapping
    }

    static func node(_ catalog: SiteCatalog, standalone: Bool) -> YAMLNode {
        var b = NodeBuilder()
        let (leading, trailing) = split(catalog.extensions)
        b.extensions(leading)
        b.string("pegasus", catalog.pegasusVersion ?? (standalone ? "5.0.4" : nil))
        b.list("sites", catalog.sites.map { site in
            var s = NodeBuilder()
            s.string("name", site.name)
            s.string("arch", site.arch)
            s.string("os.type", site.osType)
            s.string("os.release", site.osRelease)
            s.string("os.version", site.osVersion)
            s.list("directories", site.directories.map { dir in
                var d = NodeBuilder()
                d.string("type", dir.type)
                d.string("path", dir.path)
                d.bool("sharedFileSystem", dir.sharedFileSystem)
                d.list("fileServers", dir.fileServers.map { fs in
                    var f = NodeBuilder()
                    f.string("url", fs.url)
                    f.string("operation", fs.operation)
                    f.profiles(fs.profiles)
                    f.extensions(fs.extensions)
                    return f.mapping
                }, always: true)
                d.extensions(dir.extensions)
                return d.mapping
            }, always: true)
            s.list("grids", site.grids.map { grid in
                var g = NodeBuilder()
                g.string("type", grid.type)
                g.string("contact", grid.contact)
                g.string("scheduler", grid.scheduler)
                g.string("jobtype", grid.jobtype)
                g.extensions(grid.extensions)
                return g.mapping
            })
            s.profiles(site.profiles)
            s.extensions(site.extensions)
            return s.mapping
        }, always: true)
        b.extensions(trailing)
        return b.mapping
    }

    static func node(_ catalog: TransformationCatalog, standalone: Bool) -> YAMLNode {
        var b = NodeBuilder()
        let (leading, trailing) = split(catalog.extensions)
        b.extensions(leading)
        b.string("pegasus", catalog.pegasusVersion ?? (standalone ? "5.0.4" : nil))
        b.list("transformations", catalog.transformations.map { t in
            var n = NodeBuilder()
            n.string("namespace", t.namespace)
            n.string("name", t.name)
            n.string("version", t.version)
            n.strings("requires", t.requires.map(\.value))
            n.list("sites", t.sites.map { site in
                var s = NodeBuilder()
                s.string("name", site.name)
                s.string("pfn", site.pfn)
                s.string("type", site.type)
                s.string("arch", site.arch)
                s.string("os.type", site.osType)
                s.string("os.release", site.osRelease)
                s.string("os.version", site.osVersion)
                s.bool("bypass", site.bypass)
                s.string("container", site.container)
                s.profiles(site.profiles)
                s.attributes("metadata", site.metadata)
                s.extensions(site.extensions)
                return s.mapping
            }, always: true)
            n.profiles(t.profiles)
            n.attributes("metadata", t.metadata)
            n.hooks(t.hooks)
            n.checksum(t.checksum)
            n.extensions(t.extensions)
            return n.mapping
        }, always: true)
        b.list("containers", catalog.containers.map { c in
            var n = NodeBuilder()
            n.string("name", c.name)
            n.string("type", c.type)
            n.string("image", c.image)
            n.string("image.site", c.imageSite)
            n.strings("mounts", c.mounts)
            n.bool("bypass", c.bypass)
            n.checksum(c.checksum)
            n.profiles(c.profiles)
            n.attributes("metadata", c.metadata)
            n.extensions(c.extensions)
            return n.mapping
        })
        b.extensions(trailing)
        return b.mapping
    }

    static func node(_ catalog: ReplicaCatalog, standalone: Bool) -> YAMLNode {
        var b = NodeBuilder()
        let (leading, trailing) = split(catalog.extensions)
        b.extensions(leading)
        b.string("pegasus", catalog.pegasusVersion ?? (standalone ? "5.0.4" : nil))
        b.list("replicas", catalog.replicas.map { r in
            var n = NodeBuilder()
            n.string("lfn", r.lfn)
            n.list("pfns", r.pfns.map { p in
                var l = NodeBuilder()
                l.string("site", p.site)
                l.string("pfn", p.pfn)
                return l.mapping
            }, always: true)
            n.checksum(r.checksum)
            n.attributes("metadata", r.metadata)
            n.bool("regex", r.regex)
            n.extensions(r.extensions)
            return n.mapping
        }, always: true)
        b.extensions(trailing)
        return b.mapping
    }

    /// `x-pegasus` is written first, as the Pegasus API does; other extra keys go last.
    private static func split(_ extensions: Extensions) -> (Extensions, Extensions) {
        (extensions.filter { $0.key.value == "x-pegasus" }, extensions.filter { $0.key.value != "x-pegasus" })
    }
}
