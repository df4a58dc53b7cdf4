/// Hands the items of chosen top-level lists to the caller one at a time, as soon as each is
/// read, instead of keeping them in the tree.
///
/// A million-job workflow is tens of millions of nodes: as a tree it needs several times the
/// memory of the jobs decoded from it. With a stream the caller decodes each job from its
/// item and the item is freed at once; the list is left empty in the tree (with its mark), so
/// at no time do the tree and the decoded jobs both exist.
public struct YAMLItemStream {
    /// The top-level keys whose list items are streamed (`jobs`, `jobDependencies`).
    public var keys: Set<String>
    /// Called with the key and each complete item, in file order.
    public var handle: (String, YAMLNode) -> Void

    public init(keys: Set<String>, handle: @escaping (String, YAMLNode) -> Void) {
        self.keys = keys
        self.handle = handle
    }
}
