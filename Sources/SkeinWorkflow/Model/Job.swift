import SkeinYAML
/// One node of an abstract workflow: a job, or a sub-workflow (`pegasusWorkflow`,
/// `condorWorkflow`) whose `file` is planned and run as a unit.
///
/// The fields most jobs leave out (nodeLabel, file, stdin/stdout/stderr and where they are
/// written, metadata, hooks, extensions) live in one box made only when one is set: a
/// million-job workflow then holds a million small jobs, not a million large ones.
public struct Job: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case job, pegasusWorkflow, condorWorkflow
    }

    public var kind: Kind
    public var id: String
    public var namespace: String?
    public var name: String?
    public var version: String?
    /// Arguments as the program receives them, one string each (numbers as written).
    public var arguments: [String]
    public var uses: [FileUse]
    public var profiles: Profiles
    /// Where the job starts (its `- type:` line), its `id` and its `name`.
    public var mark: SourceMark
    public var idMark: SourceMark = .none
    public var nameMark: SourceMark = .none
    private var rare = RareFields<Rare>()

    /// The fields few jobs have (see `RareFields`).
    private struct Rare: RareFieldSet {
        var nodeLabel: String?
        var file: String?
        var stdin: String?
        var stdout: String?
        var stderr: String?
        var metadata: Metadata = []
        var hooks = Hooks()
        var extensions: Extensions = []
        var stdinMark: SourceMark = .none
        var stdoutMark: SourceMark = .none
        var stderrMark: SourceMark = .none
    }

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
        self.mark = mark
    }

    public var nodeLabel: String? {
        get { rare.isEmpty ? nil : rare[\.nodeLabel] }
        set { if !(rare.isEmpty && newValue == nil) { rare.set(\.nodeLabel, newValue, isEmpty: newValue == nil) } }
    }
    /// The sub-workflow file of `pegasusWorkflow` and `condorWorkflow` jobs.
    public var file: String? {
        get { rare.isEmpty ? nil : rare[\.file] }
        set { if !(rare.isEmpty && newValue == nil) { rare.set(\.file, newValue, isEmpty: newValue == nil) } }
    }
    /// `stdin`, `stdout` and `stderr` in one read (most jobs have none of them).
    public var streams: (stdin: String?, stdout: String?, stderr: String?) {
        rare.isEmpty ? (nil, nil, nil) : (rare[\.stdin], rare[\.stdout], rare[\.stderr])
    }
    public var stdin: String? {
        get { rare.isEmpty ? nil : rare[\.stdin] }
        set { if !(rare.isEmpty && newValue == nil) { rare.set(\.stdin, newValue, isEmpty: newValue == nil) } }
    }
    public var stdout: String? {
        get { rare.isEmpty ? nil : rare[\.stdout] }
        set { if !(rare.isEmpty && newValue == nil) { rare.set(\.stdout, newValue, isEmpty: newValue == nil) } }
    }
    public var stderr: String? {
        get { rare.isEmpty ? nil : rare[\.stderr] }
        set { if !(rare.isEmpty && newValue == nil) { rare.set(\.stderr, newValue, isEmpty: newValue == nil) } }
    }
    public var metadata: Metadata {
        get { rare.isEmpty ? [] : rare[\.metadata] }
        set { if !(rare.isEmpty && newValue.isEmpty) { rare.set(\.metadata, newValue, isEmpty: newValue.isEmpty) } }
    }
    public var hooks: Hooks {
        get { rare.isEmpty ? Hooks() : rare[\.hooks] }
        set { if !(rare.isEmpty && newValue.isEmpty) { rare.set(\.hooks, newValue, isEmpty: newValue.isEmpty) } }
    }
    public var extensions: Extensions {
        get { rare.isEmpty ? [] : rare[\.extensions] }
        set { if !(rare.isEmpty && newValue.isEmpty) { rare.set(\.extensions, newValue, isEmpty: newValue.isEmpty) } }
    }
    /// Where the `stdin` value and `stdout:` and `stderr:` are written, for messages about them.
    public var stdinMark: SourceMark {
        get { rare.isEmpty ? .none : rare[\.stdinMark] }
        set { rare.set(\.stdinMark, newValue, isEmpty: false) }
    }
    public var stdoutMark: SourceMark {
        get { rare.isEmpty ? .none : rare[\.stdoutMark] }
        set { rare.set(\.stdoutMark, newValue, isEmpty: false) }
    }
    public var stderrMark: SourceMark {
        get { rare.isEmpty ? .none : rare[\.stderrMark] }
        set { rare.set(\.stderrMark, newValue, isEmpty: false) }
    }

    /// `namespace::name:version`, the key Pegasus looks transformations up by.
    public var transformation: TransformationReference {
        TransformationReference(namespace: namespace, name: name ?? "", version: version)
    }

    public var inputs: some Sequence<FileUse> { uses.lazy.filter { $0.type.isInput } }
    public var outputs: some Sequence<FileUse> { uses.lazy.filter { $0.type.isOutput } }

    /// Every field but the marks (marks never differ), as before the box.
    public static func == (a: Job, b: Job) -> Bool {
        a.kind == b.kind && a.id == b.id && a.namespace == b.namespace && a.name == b.name && a.version == b.version
            && a.arguments == b.arguments && a.uses == b.uses && a.profiles == b.profiles
            && a.nodeLabel == b.nodeLabel && a.file == b.file && a.stdin == b.stdin && a.stdout == b.stdout
            && a.stderr == b.stderr && a.metadata == b.metadata && a.hooks == b.hooks && a.extensions == b.extensions
    }
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
