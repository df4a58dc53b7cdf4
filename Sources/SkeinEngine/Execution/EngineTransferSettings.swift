import Foundation
import SkeinTransfer

/// The engine's transfer settings: SkeinTransfer's defaults (~/.ssh keys and known hosts,
/// `CURL_CA_BUNDLE`), with Pegasus's `SSH_PRIVATE_KEY` (the key pegasus-transfer gives scp
/// and sftp) winning over ~/.ssh when it is set.
public enum EngineTransferSettings {
    public static func make(concurrent: Int = 8, environment: [String: String] = ProcessInfo.processInfo.environment) -> TransferSettings {
        var settings = TransferSettings(concurrent: concurrent)
        if let key = environment["SSH_PRIVATE_KEY"], !key.isEmpty { settings.sshPrivateKey = key }
        return settings
    }
}
