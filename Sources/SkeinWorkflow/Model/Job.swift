import SkeinYAML
/// One node of an abstract workflow: a job, or a sub-workflow (`pegasusWorkflow`,
/// `condorWorkflow`) whose `file` is planned and run as a unit.
public struct Job: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case job, pegasusWorkflow, condorWorkflow
    }

    public var kind: Kind
    public var id: String
    public var namespace: String?
    public var name: String?
    public var version: String?
    public var nodeLabel: String?
    /// The sub-workflow file of `pegasusWorkflow` and `condorWorkflow` jobs.
    public var file: String?
    public var stdin: String?
    public var stdout: String?
    public var stderr: String?
    /// Arguments as the program receives them, one string each (numbers as written).
    public var arguments: [String]
    public var uses: [FileUse]
    public var profiles: Profiles
    public var metadata: Metadata
    public var hooks: Hooks
    public var extensions: Extensions
    /// Where the job starts (its `- type:` line), its `id`, its `name` and its `stdin` values.
    public var mark: SourceMark
    public var idMark: SourceMark = .none
    public var nameMark: SourceMark = .none
    public var stdinMark: SourceMark = .none
    /// Where `stdout:` and `stderr:` are written, for messages about them.
    public var stdoutMark: SourceMark = .none
    public var stderrMark: SourceMark = .none

    public init(
        id: String, name: String?, kind: Kind = .job, namespace: String? = nil, version: String? = nil,
        arguments: [String] = [], uses: [FileUse] = [], mark: SourceMark = .none
    ) {
        self.kind = kind
        self.id = id
        self.namespace = namespace
        self.name = name
        self.version = version
        self.arguments = arguments
        self.uses = uses
        self.profiles = Profiles()
        self.metadata = []
        self.hooks = Hooks()
        self.extensions = []
        self.mark = mark
    }

    /// `namespace::name:version`, the key Pegasus looks transformations up by.
    public var transformation: TransformationReference {
        TransformationReference(namespace: namespace, name: name ?? "", version: version)
    }

    public var inputs: some Sequence<FileUse> { uses.lazy.filter { $0.type.isInput } }
    public var outputs: some Sequence<FileUse> { uses.lazy.filter { $0.type.isOutput } }
}

/// A transformation named by a job or a `requires` entry; a missing namespace or version
/// matches any, as in Pegasus's transformation catalog lookups.
public struct TransformationReference: Sendable, Hashable, CustomStringConvertible {
    public var namespace: String?
    public var name: String
    public var version: String?

    public init(namespace: String?, name: String, version: String?) {
        self.namespace = namespace
        self.name = name
        self.version = version
    }

    /// Parses `ns::name:version`, `ns::name`, `name:version` or `name`.
    public init(parsing text: String) {
        var rest = Substring(text)
        if let range = rest.range(of: "::") {
            namespace = String(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        if let colon = rest.lastIndex(of: ":") {
            version = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        name = String(rest)
    }

    public var description: String {
        var text = ""
        if let namespace { text += namespace + "::" }
        text += name
        if let version { text += ":" + version }
        return text
    }

    public func matches(_ t: Transformation) -> Bool {
        t.name == name
            && (namespace == nil || t.namespace == nil || t.namespace == namespace)
            && (version == nil || t.version == nil || t.version == version)
    }
}

/// `jobDependencies:` entry: a parent and its children, by job id.
public struct JobDependency: Sendable, Equatable {
    public var parent: JobReference
    public var children: [JobReference]

    public init(parent: JobReference, children: [JobReference]) {
        self.parent = parent
        self.children = children
    }
}

/// A job id where it was written, so a wrong one can be pointed at.
public struct JobReference: Sendable, Equatable, ExpressibleByStringLiteral {
    public var id: String
    public var mark: SourceMark

    public init(_ id: String, mark: SourceMark = .none) {
        self.id = id
        self.mark = mark
    }

    public init(stringLiteral value: String) { self.init(value) }
}
