/// One side of a transfer: a local path (a plain absolute path or a `file://` URL) or a
/// remote URL of a scheme libcurl moves for Skein.
enum TransferEndpoint: Equatable {
    case local(path: String)
    case remote(url: String, scheme: String)

    /// The schemes Skein transfers (libcurl's, with libssh2 for scp and sftp).
    static let remoteSchemes: Set<String> = ["http", "https", "scp", "sftp"]

    init(_ text: String) throws(TransferError) {
        if text.hasPrefix("/") {
            self = .local(path: text)
            return
        }
        guard let colon = text.range(of: "://") else {
            throw TransferError(.unsupported, "\(text): not an absolute path or a URL")
        }
        let scheme = text[..<colon.lowerBound].lowercased()
        if scheme == "file" {
            // file:///abs/path and file://localhost/abs/path
            var rest = text[colon.upperBound...]
            if rest.hasPrefix("localhost/") { rest = rest.dropFirst("localhost".count) }
            guard rest.hasPrefix("/") else { throw TransferError(.unsupported, "\(text): a file URL needs an absolute path") }
            self = .local(path: String(rest).removingPercentEncoding() ?? String(rest))
            return
        }
        guard Self.remoteSchemes.contains(scheme) else {
            throw TransferError(.unsupported, "\(text): Skein does not transfer \(scheme):// URLs (it speaks file, http, https, scp and sftp)")
        }
        self = .remote(url: text, scheme: scheme)
    }

    /// The path part of a remote URL (`sftp://user@host:22/data/x` -> `/data/x`), for the
    /// rename that makes an upload appear whole.
    static func remotePath(_ url: String) -> String? {
        guard let colon = url.range(of: "://") else { return nil }
        let rest = url[colon.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        return String(rest[slash...]).removingPercentEncoding()
    }
}

extension String {
    /// `%20` -> space; nil on a malformed escape.
    func removingPercentEncoding() -> String? {
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
