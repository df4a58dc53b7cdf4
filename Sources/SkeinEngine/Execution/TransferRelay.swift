import Foundation
import SkeinTransfer

/// A file moved from one URL to another (an http replica to a staging site served over
/// sftp, one served scratch to another): libcurl moves between a local path and a URL, so
/// it goes through a private temporary file here, as pegasus-transfer goes through a local
/// `file://` copy for pairs no tool moves directly. The one outcome reports the whole move
/// under the original request (the download's checksum, both legs' tries).
enum TransferRelay {
    static func needed(_ request: TransferRequest) -> Bool {
        SandboxTransfers.isURL(request.source) && SandboxTransfers.isURL(request.destination)
    }

    static func start(_ request: TransferRequest, on engine: TransferEngine, done: @escaping @Sendable (TransferOutcome) -> Void) {
        // A private folder for the relayed copy; without one (a full /tmp) the download
        // fails by itself, with the reason.
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("skein-relay-XXXXXX").utf8CString)
        let folder = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) }
            ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("skein-relay-\(UUID().uuidString)")
        let local = (folder as NSString).appendingPathComponent("file")
        var download = request
        download.destination = local
        engine.start(download) { first in
            guard first.succeeded else {
                try? FileManager.default.removeItem(atPath: folder)
                var failed = first
                failed.request = request
                return done(failed)
            }
            engine.start(TransferRequest(source: local, destination: request.destination)) { second in
                try? FileManager.default.removeItem(atPath: folder)
                var whole = second
                whole.request = request
                whole.method = "\(first.method)+\(second.method)"
                whole.start = first.start
                whole.attempts = first.attempts + second.attempts - 1
                whole.sha256 = first.sha256
                whole.checksumSeconds = first.checksumSeconds
                done(whole)
            }
        }
    }
}
