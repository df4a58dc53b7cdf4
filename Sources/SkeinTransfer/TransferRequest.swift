/// One file to move, as a staging job lists it: from a URL or a local path to a local path
/// or a URL. Skein's engine hands many of these to one `TransferEngine` at once.
public struct TransferRequest: Sendable, Hashable {
    /// How a local source may reach a local destination.
    public enum LinkMode: String, Sendable, Hashable {
        /// Copy the bytes.
        case copy
        /// A hard link where source and destination share a filesystem, else a copy.
        case hardLink
        /// A symbolic link (`pegasus.transfer.links`): nothing is copied.
        case symbolicLink
    }

    public var source: String
    public var destination: String
    /// The content must have this sha256 (hex), else the transfer fails with an integrity
    /// error and the destination is not written.
    public var expectedSHA256: String?
    public var linkMode: LinkMode
    /// Compute the sha256 even without an expected one (to record it).
    public var computeSHA256: Bool

    public init(source: String, destination: String, expectedSHA256: String? = nil, linkMode: LinkMode = .copy, computeSHA256: Bool = false) {
        self.source = source
        self.destination = destination
        self.expectedSHA256 = expectedSHA256
        self.linkMode = linkMode
        self.computeSHA256 = computeSHA256
    }
}

/// How a transfer ended: what moved, how, how long, after how many tries, and why it failed.
public struct TransferOutcome: Sendable {
    public var request: TransferRequest
    /// `http`, `https`, `sftp`, `scp`, `file`, `hardlink`, `symlink`.
    public var method: String
    public var bytes: Int64
    /// Epoch seconds of the first try's start and the last try's end.
    public var start: Double
    public var end: Double
    public var attempts: Int
    /// The content's sha256 (hex), when it was computed.
    public var sha256: String?
    /// Seconds spent computing it.
    public var checksumSeconds: Double = 0
    /// Nil when the file is in place.
    public var error: TransferError?

    public var succeeded: Bool { error == nil }
    public var duration: Double { end - start }
}

/// Why a transfer failed, in one line that names the URL (`https://host/x: HTTP 404`).
public struct TransferError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The source does not exist (HTTP 404, no such file).
        case notFound
        /// The server refused us (HTTP 401/403, login denied, bad key).
        case denied
        /// The host could not be reached or the connection broke.
        case unreachable
        /// The content does not have the expected sha256.
        case integrity
        /// Writing the destination failed (a full disk, no permission).
        case destination
        /// A URL scheme (or pair of them) Skein does not transfer.
        case unsupported
        /// Anything else the protocol reported.
        case failed
    }

    public var kind: Kind
    public var message: String
    /// Whether another try may succeed (a broken connection, a 5xx), as opposed to a
    /// missing file or a refused login that will fail again.
    public var retryable: Bool

    public init(_ kind: Kind, _ message: String, retryable: Bool = false) {
        self.kind = kind
        self.message = message
        self.retryable = retryable
    }

    public var description: String { message }
}
