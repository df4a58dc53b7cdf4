import SkeinYAML
/// A job's use of a logical file (`uses:` entry).
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
    /// Bytes. The Pegasus API writes an integer though its schema says string: both read.
    public var size: String?
    public var namespace: String?
    public var version: String?
    public var executable: Bool?
    public var bypass: Bool?
    public var forPlanning: Bool?
    public var metadata: Metadata
    public var extensions: Extensions
    public var mark: SourceMark

    public init(_ lfn: String, _ type: LinkType, stageOut: Bool? = nil, registerReplica: Bool? = nil, mark: SourceMark = .none) {
        self.lfn = lfn
        self.type = type
        self.stageOut = stageOut
        self.registerReplica = registerReplica
        self.metadata = []
        self.extensions = []
        self.mark = mark
    }
}
