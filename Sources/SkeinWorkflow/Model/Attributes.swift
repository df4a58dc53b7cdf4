import SkeinYAML
/// A key and its value as written (profiles, metadata): Pegasus allows strings or numbers,
/// and the text is kept as written so nothing is lost in a round trip.
public struct Attribute: Sendable, Equatable {
    public var key: String
    public var value: String
    public var mark: SourceMark

    public init(_ key: String, _ value: String, mark: SourceMark = .none) {
        self.key = key
        self.value = value
        self.mark = mark
    }
}

/// `metadata:` of a workflow, job, file, transformation, container or replica, in order.
public typealias Metadata = [Attribute]

extension Array where Element == Attribute {
    public subscript(key: String) -> String? {
        first { $0.key == key }?.value
    }
}

/// Keys of a document that Skein does not model (`x-pegasus`, future or vendor keys):
/// kept in order and written back unchanged.
public typealias Extensions = [YAMLMapping.Entry]

/// `checksum: {sha256: ...}` on transformations, containers and replicas.
public struct Checksum: Sendable, Equatable {
    public var sha256: String?
    public var extensions: Extensions
    /// Where the sha256 value was written.
    public var mark: SourceMark

    public init(sha256: String? = nil, extensions: Extensions = [], mark: SourceMark = .none) {
        self.sha256 = sha256
        self.extensions = extensions
        self.mark = mark
    }
}
