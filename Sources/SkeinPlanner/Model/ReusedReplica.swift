/// A file an earlier run made or registered (pegasus-plan `--reuse`), offered to data reuse
/// as one more replica: a local path or URL, with its sha256 when the run recorded one.
public struct ReusedReplica: Sendable, Equatable {
    public var lfn: String
    public var pfn: String
    public var sha256: String?

    public init(lfn: String, pfn: String, sha256: String? = nil) {
        self.lfn = lfn
        self.pfn = pfn
        self.sha256 = sha256
    }
}
