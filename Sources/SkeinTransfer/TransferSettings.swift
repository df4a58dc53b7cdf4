import Foundation

/// How transfers run: Pegasus's `pegasus.transfer.threads` (transfers at once), tries with
/// backoff, and the limits that turn a dead server into a failed try instead of a hang.
public struct TransferSettings: Sendable {
    /// Transfers in flight at once.
    public var concurrent: Int
    /// Tries per file (the first one included).
    public var tries: Int
    /// Seconds before the second try; doubled for each one after.
    public var backoff: Double
    public var connectTimeout: Double
    /// A try that moves less than 1 byte/s for this long fails (retryable).
    public var stallTimeout: Double
    /// Certificate authorities for https (else the system's, or `CURL_CA_BUNDLE`).
    public var caFile: String?
    /// The key for scp/sftp (else `~/.ssh/id_ed25519`, `id_ecdsa` or `id_rsa`, the first that exists).
    public var sshPrivateKey: String?
    /// Host keys scp/sftp servers are checked against (else `~/.ssh/known_hosts` when it
    /// exists; without one, the host key is not checked).
    public var sshKnownHosts: String?

    public init(concurrent: Int = 8, tries: Int = 3, backoff: Double = 1, connectTimeout: Double = 30, stallTimeout: Double = 60,
                caFile: String? = nil, sshPrivateKey: String? = nil, sshKnownHosts: String? = nil) {
        self.concurrent = concurrent
        self.tries = tries
        self.backoff = backoff
        self.connectTimeout = connectTimeout
        self.stallTimeout = stallTimeout
        self.caFile = caFile ?? ProcessInfo.processInfo.environment["CURL_CA_BUNDLE"]
        let ssh = (NSHomeDirectory() as NSString).appendingPathComponent(".ssh")
        self.sshPrivateKey = sshPrivateKey ?? ["id_ed25519", "id_ecdsa", "id_rsa"].map { (ssh as NSString).appendingPathComponent($0) }
            .first { FileManager.default.fileExists(atPath: $0) }
        let knownHosts = (ssh as NSString).appendingPathComponent("known_hosts")
        self.sshKnownHosts = sshKnownHosts ?? (FileManager.default.fileExists(atPath: knownHosts) ? knownHosts : nil)
    }
}
