import SkeinProperties
import Foundation
import SkeinYAML

/// Which files make up a workflow: the workflow, and catalogs named on the command line.
public struct WorkflowSources: Sendable {
    public var workflow: String
    public var sites: String?
    public var transformations: String?
    public var replicas: String?
    /// The properties file (pegasus-plan `--conf`); nil = `pegasus.properties` beside the workflow.
    public var properties: String?

    public init(workflow: String, sites: String? = nil, transformations: String? = nil, replicas: String? = nil, properties: String? = nil) {
        self.workflow = workflow
        self.sites = sites
        self.transformations = transformations
        self.replicas = replicas
        self.properties = properties
    }
}

/// Where a catalog in use came from, so messages and reports can say.
public enum CatalogOrigin: Sendable, Equatable, CustomStringConvertible {
    /// Named on the command line.
    case commandLine(String)
    /// Written inside the workflow file.
    case embedded(String)
    /// Named by `pegasus.catalog.*.file` in pegasus.properties next to the workflow.
    case properties(String)
    /// Found next to the workflow (`sites.yml`, ...).
    case besideWorkflow(String)
    case none

    public var path: String? {
        switch self {
        case .commandLine(let p), .embedded(let p), .properties(let p), .besideWorkflow(let p): return p
        case .none: return nil
        }
    }

    public var description: String {
        switch self {
        case .commandLine(let p): return p
        case .embedded(let p): return "embedded in \(p)"
        case .properties(let p): return "\(p) (from pegasus.properties)"
        case .besideWorkflow(let p): return p
        case .none: return "none"
        }
    }
}

/// A workflow with the catalogs that apply to it, and everything found wrong while reading.
public struct LoadedWorkflow: Sendable {
    public var sources: WorkflowSources
    public var workflow: Workflow?
    public var sites: SiteCatalog?
    public var transformations: TransformationCatalog?
    public var replicas: ReplicaCatalog?
    public var sitesOrigin: CatalogOrigin = .none
    public var transformationsOrigin: CatalogOrigin = .none
    public var replicasOrigin: CatalogOrigin = .none
    /// The Pegasus properties in effect (`--conf`, else `pegasus.properties` beside the
    /// workflow; empty when there is none), and the file they were read from.
    public var properties = PegasusProperties(values: [:])
    public var propertiesFile: String?
    public var diagnostics: [Diagnostic] = []

    /// The file a catalog's diagnostics point at, and its relative paths resolve against.
    public func file(of origin: CatalogOrigin) -> String { origin.path ?? sources.workflow }
    public var sitesFile: String { file(of: sitesOrigin) }
    public var transformationsFile: String { file(of: transformationsOrigin) }
    public var replicasFile: String { file(of: replicasOrigin) }
}

/// Reads a workflow and finds its catalogs the way Pegasus users expect: a file named on
/// the command line wins, then a catalog embedded in the workflow, then the file that
/// `pegasus.properties` beside the workflow names, then `sites.yml`, `transformations.yml`
/// and `replicas.yml` beside the workflow.
public enum WorkflowLoader {
    public static func load(_ sources: WorkflowSources) -> LoadedWorkflow {
        var loaded = LoadedWorkflow(sources: sources)
        if let workflow = StreamedWorkflowReader.read(sources.workflow) {
            loaded.workflow = workflow
        } else {
            var context = DecodeContext(file: sources.workflow)
            if let root = DocumentReader.read(sources.workflow, into: &context.report) {
                loaded.workflow = context.workflow(root)
            }
            loaded.diagnostics = context.report.diagnostics
        }

        let directory = (sources.workflow as NSString).deletingLastPathComponent
        (loaded.properties, loaded.propertiesFile) = readProperties(sources, directory: directory, diagnostics: &loaded.diagnostics)
        let properties = loaded.properties
        let embedded = loaded.workflow

        (loaded.sites, loaded.sitesOrigin) = choose(
            explicit: sources.sites, embedded: embedded?.siteCatalog, property: properties["pegasus.catalog.site.file"],
            beside: ["sites.yml", "sites.yaml"], in: directory, workflowFile: sources.workflow, diagnostics: &loaded.diagnostics
        ) { ctx, node in ctx.siteCatalog(node, standalone: true) }
        if let given = sources.sites, !FileManager.default.fileExists(atPath: given), !given.contains("/"), !given.hasSuffix(".yml"), !given.hasSuffix(".yaml") {
            loaded.diagnostics.append(Diagnostic(
                .error, code: "sites-names-a-file", file: given, at: SourceMark(line: 1, column: 1),
                "--sites names the site catalog file in Skein, and there is no file '\(given)'",
                hint: "pegasus-plan's --sites (the sites to run on) is -s or --sites-to-run here: -s \(given)"))
        }
        (loaded.transformations, loaded.transformationsOrigin) = choose(
            explicit: sources.transformations, embedded: embedded?.transformationCatalog,
            property: properties["pegasus.catalog.transformation.file"],
            beside: ["transformations.yml", "transformations.yaml"], in: directory, workflowFile: sources.workflow,
            diagnostics: &loaded.diagnostics
        ) { ctx, node in ctx.transformationCatalog(node, standalone: true) }
        (loaded.replicas, loaded.replicasOrigin) = choose(
            explicit: sources.replicas, embedded: embedded?.replicaCatalog, property: properties["pegasus.catalog.replica.file"],
            beside: ["replicas.yml", "replicas.yaml"], in: directory, workflowFile: sources.workflow, diagnostics: &loaded.diagnostics
        ) { ctx, node in ctx.replicaCatalog(node, standalone: true) }
        return loaded
    }

    /// `--conf FILE` (an error when it cannot be read), else `pegasus.properties` beside the
    /// workflow when there is one.
    static func readProperties(_ sources: WorkflowSources, directory: String, diagnostics: inout [Diagnostic]) -> (PegasusProperties, String?) {
        if let file = sources.properties {
            guard let loaded = PegasusProperties.load(file: file) else {
                diagnostics.append(Diagnostic(.error, code: "unreadable-properties", file: file, at: SourceMark(line: 1, column: 1),
                                              "the properties file \(file) cannot be read", hint: "check the path given to --conf"))
                return (PegasusProperties(values: [:]), nil)
            }
            return (loaded, file)
        }
        let beside = directory.isEmpty ? "pegasus.properties" : (directory as NSString).appendingPathComponent("pegasus.properties")
        guard let loaded = PegasusProperties.load(file: beside) else { return (PegasusProperties(values: [:]), nil) }
        return (loaded, beside)
    }

    /// Reads one standalone catalog file (for tests and tools that want only a catalog).
    static func readCatalog<C>(_ path: String, diagnostics: inout [Diagnostic], _ decode: (inout DecodeContext, YAMLNode) -> C?) -> C? {
        var context = DecodeContext(file: path)
        var catalog: C?
        if let root = DocumentReader.read(path, into: &context.report) { catalog = decode(&context, root) }
        diagnostics.append(contentsOf: context.report.diagnostics)
        return catalog
    }

    private static func choose<C>(
        explicit: String?, embedded: C?, property: String?, beside names: [String], in directory: String,
        workflowFile: String, diagnostics: inout [Diagnostic], _ decode: (inout DecodeContext, YAMLNode) -> C?
    ) -> (C?, CatalogOrigin) {
        if let explicit {
            return (readCatalog(explicit, diagnostics: &diagnostics, decode), .commandLine(explicit))
        }
        if let embedded { return (embedded, .embedded(workflowFile)) }
        if let property {
            let path = property.hasPrefix("/") ? property : (directory as NSString).appendingPathComponent(property)
            if FileManager.default.fileExists(atPath: path) {
                return (readCatalog(path, diagnostics: &diagnostics, decode), .properties(path))
            }
        }
        for name in names {
            let path = directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: path) {
                return (readCatalog(path, diagnostics: &diagnostics, decode), .besideWorkflow(path))
            }
        }
        return (nil, .none)
    }
}
