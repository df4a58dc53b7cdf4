import SkeinYAML
/// A job's use of a logical file (`uses:` entry).
///
/// A million-job workflow holds several million of these, and nearly all say only lfn, type,
/// stageOut and registerReplica: the fields written rarely (size, namespace, version, the
/// executable/bypass/forPlanning flags, metadata, extensions) live in one shared box that
/// exists only when one of them is set, so a use takes 40 bytes instead of 112.
public struct FileUse: Sendable, Equatable {
    public enum LinkType: String, Sendable, CaseIterable {
        case input, output, `inout`, checkpoint, none

        public var isInput: Bool { self == .input || self == .`inout` }
        public var isOutput: Bool { self == .output || self == .`inout` || self == .checkpoint }
    }

    public var lfn: String
    public var type: LinkType
    public var stageOut: Bool?
    public var registerReplica: Bool?
    public var optional: Bool?
    public var mark: SourceMark
    private var rare = RareFields<Rare>()

    /// The fields few uses have (see `RareFields`).
    private struct Rare: RareFieldSet {
        var size: String?
        var namespace: String?
        var version: String?
        var executable: Bool?
        var bypass: Bool?
        var forPlanning: Bool?
        var metadata: Metadata = []
        var extensions: Extensions = []
    }

    public init(_ lfn: String, _ type: LinkType, stageOut: Bool? = nil, registerReplica: Bool? = nil, mark: SourceMark = .none) {
        self.lfn = lfn
        self.type = type
        self.stageOut = stageOut
        self.registerReplica = registerReplica
        self.mark = mark
    }

    /// Bytes. The Pegasus API writes an integer though its schema says string: both read.
    public var size: String? {
        get { rare.isEmpty ? nil : rare[\.size] }
        set { if !(rare.isEmpty && newValue == nil) { rare.set(\.size, newValue, isEmpty: newValue == nil) } }
    }
    public var namespace: String? {
        get { rare.isEmpty ? nil : rare[\.namespace] }
        set { if !(rare.isEmpty && newValue == nil) { rare.set(\.namespace, newValue, isEmpty: newValue == nil) } }
    }
    public var version: String? {
        get { rare.isEmpty ? nil : rare[\.version] }
        set { if !(rare.isEmpty && newValue == nil) { rare.set(\.version, newValue, isEmpty: newValue == nil) } }
    }
    public var executable: Bool? {
        get { rare.isEmpty ? nil : rare[\.executable] }
        set { if !(rare.isEmpty && newValue == nil) { rare.set(\.executable, newValue, isEmpty: newValue == nil) } }
    }
    public var bypass: Bool? {
        get { rare.isEmpty ? nil : rare[\.bypass] }
        set { if !(rare.isEmpty && newValue == nil) { rare.set(\.bypass, newValue, isEmpty: newValue == nil) } }
    }
    public var forPlanning: Bool? {
        get { rare.isEmpty ? nil : rare[\.forPlanning] }
        set { if !(rare.isEmpty && newValue == nil) { rare.set(\.forPlanning, newValue, isEmpty: newValue == nil) } }
    }
    public var metadata: Metadata {
        get { rare.isEmpty ? [] : rare[\.metadata] }
        set { if !(rare.isEmpty && newValue.isEmpty) { rare.set(\.metadata, newValue, isEmpty: newValue.isEmpty) } }
    }
    public var extensions: Extensions {
        get { rare.isEmpty ? [] : rare[\.extensions] }
        set { if !(rare.isEmpty && newValue.isEmpty) { rare.set(\.extensions, newValue, isEmpty: newValue.isEmpty) } }
    }

    /// Every field but the mark (marks never differ), as before the box.
    public static func == (a: FileUse, b: FileUse) -> Bool {
        a.lfn == b.lfn && a.type == b.type && a.stageOut == b.stageOut && a.registerReplica == b.registerReplica
            && a.optional == b.optional && a.size == b.size && a.namespace == b.namespace && a.version == b.version
            && a.executable == b.executable && a.bypass == b.bypass && a.forPlanning == b.forPlanning
            && a.metadata == b.metadata && a.extensions == b.extensions
    }
}
