#if canImport(Glibc)
import Glibc
#endif
import CCurl
import Foundation

/// One try of one remote transfer on a libcurl easy handle: a download into a
/// `PartialFile`, or an upload from a local file (to sftp through a temporary name renamed
/// at the end; scp cannot rename, so it writes in place).
final class CurlTry {
    let request: TransferRequest
    let url: String
    let scheme: String
    let easy: UnsafeMutableRawPointer
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var partial: PartialFile?
    private var uploadFD: Int32 = -1
    private var quote: UnsafeMutablePointer<curl_slist>?

    /// A download from `url` into the local `destination`.
    init(download request: TransferRequest, url: String, scheme: String, destination: String, settings: TransferSettings) throws(TransferError) {
        self.request = request
        self.url = url
        self.scheme = scheme
        guard let easy = skein_curl_easy_init() else { throw TransferError(.failed, "\(url): libcurl could not start a transfer") }
        self.easy = easy
        errorBuffer[0] = 0
        partial = try PartialFile(destination: destination, hashing: request.expectedSHA256 != nil || request.computeSHA256)
        configure(settings)
        skein_curl_set_data_callback(easy, CURLOPT_WRITEFUNCTION) { buffer, size, count, user in
            let this = Unmanaged<CurlTry>.fromOpaque(user!).takeUnretainedValue()
            let total = size * count
            guard let buffer, let partial = this.partial else { return 0 }
            return partial.write(UnsafeRawBufferPointer(start: buffer, count: total)) ? total : 0
        }
        skein_curl_set_pointer(easy, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
    }

    /// An upload of the local `source` to `url` (sftp or scp).
    init(upload request: TransferRequest, source: String, url: String, scheme: String, settings: TransferSettings) throws(TransferError) {
        self.request = request
        self.scheme = scheme
        guard let easy = skein_curl_easy_init() else { throw TransferError(.failed, "\(url): libcurl could not start a transfer") }
        self.easy = easy
        errorBuffer[0] = 0
        uploadFD = open(source, O_RDONLY | O_CLOEXEC)
        guard uploadFD >= 0 else {
            let error = errno
            self.url = url
            throw TransferError(error == ENOENT ? .notFound : .failed, "\(request.source): \(String(cString: strerror(error)))")
        }
        var info = stat()
        fstat(uploadFD, &info)
        // sftp: write NAME.skein-partial.PID, then replace NAME with it in one rename.
        if scheme == "sftp", let path = TransferEndpoint.remotePath(url) {
            let temporaryPath = "\(path).skein-partial.\(getpid())"
            self.url = String(url.dropLast(path.utf8.count)) + temporaryPath
            quote = skein_curl_slist_append(quote, "*rm \"\(path)\"")
            quote = skein_curl_slist_append(quote, "rename \"\(temporaryPath)\" \"\(path)\"")
        } else {
            self.url = url
        }
        configure(settings)
        skein_curl_set_long(easy, CURLOPT_UPLOAD, 1)
        skein_curl_set_offset(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(info.st_size))
        skein_curl_set_long(easy, CURLOPT_FTP_CREATE_MISSING_DIRS, Int(CURLFTP_CREATE_DIR.rawValue))
        if let quote { skein_curl_set_list(easy, CURLOPT_POSTQUOTE, quote) }
        skein_curl_set_data_callback(easy, CURLOPT_READFUNCTION) { buffer, size, count, user in
            let this = Unmanaged<CurlTry>.fromOpaque(user!).takeUnretainedValue()
            while true {
                let n = read(this.uploadFD, buffer, size * count)
                if n < 0 && errno == EINTR { continue }
                return n < 0 ? Int(CURL_READFUNC_ABORT) : n
            }
        }
        skein_curl_set_pointer(easy, CURLOPT_READDATA, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        skein_curl_easy_cleanup(easy)
        errorBuffer.deallocate()
        if uploadFD >= 0 { close(uploadFD) }
        if let quote { skein_curl_slist_free_all(quote) }
        partial?.discard()
    }

    private func configure(_ settings: TransferSettings) {
        skein_curl_set_string(easy, CURLOPT_URL, url)
        skein_curl_set_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        skein_curl_set_long(easy, CURLOPT_NOSIGNAL, 1)
        skein_curl_set_long(easy, CURLOPT_FAILONERROR, 1)
        skein_curl_set_long(easy, CURLOPT_FOLLOWLOCATION, 1)
        skein_curl_set_long(easy, CURLOPT_MAXREDIRS, 10)
        skein_curl_set_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout * 1000))
        // A stalled server fails the try instead of hanging it.
        skein_curl_set_long(easy, CURLOPT_LOW_SPEED_LIMIT, 1)
        skein_curl_set_long(easy, CURLOPT_LOW_SPEED_TIME, max(1, Int(settings.stallTimeout)))
        skein_curl_set_long(easy, CURLOPT_BUFFERSIZE, 512 * 1024)
        ConnectionPolicy.apply(to: easy)
        if let ca = settings.caFile { skein_curl_set_string(easy, CURLOPT_CAINFO, ca) }
        if scheme == "scp" || scheme == "sftp" {
            if let key = settings.sshPrivateKey {
                skein_curl_set_string(easy, CURLOPT_SSH_PRIVATE_KEYFILE, key)
                if FileManager.default.fileExists(atPath: key + ".pub") { skein_curl_set_string(easy, CURLOPT_SSH_PUBLIC_KEYFILE, key + ".pub") }
            }
            if let knownHosts = settings.sshKnownHosts { skein_curl_set_string(easy, CURLOPT_SSH_KNOWNHOSTS, knownHosts) }
            skein_curl_set_long(easy, CURLOPT_SSH_AUTH_TYPES, Int(CURLSSH_AUTH_PUBLICKEY | CURLSSH_AUTH_AGENT))
        }
    }

    /// Seconds spent hashing the download so far.
    var hashSeconds: Double { partial?.hashSeconds ?? 0 }

    /// Bytes moved by this try.
    var bytes: Int64 {
        if let partial { return partial.bytes }
        var uploaded: curl_off_t = 0
        skein_curl_get_offset(easy, CURLINFO_SIZE_UPLOAD_T, &uploaded)
        return Int64(uploaded)
    }

    /// Turns libcurl's result into the file in place (its sha256), or the reason it is not.
    func finish(_ code: CURLcode) throws(TransferError) -> String? {
        guard code == CURLE_OK else {
            partial?.discard()
            throw error(code)
        }
        guard let partial else { return nil }
        self.partial = nil
        return try partial.commit(expectedSHA256: request.expectedSHA256, source: request.source)
    }

    private func error(_ code: CURLcode) -> TransferError {
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: skein_curl_easy_strerror(code))
        let shown = request.source.contains("://") ? request.source : request.destination
        switch code {
        case CURLE_HTTP_RETURNED_ERROR:
            var status = 0
            skein_curl_get_long(easy, CURLINFO_RESPONSE_CODE, &status)
            let message = "\(shown): HTTP \(status)"
            switch status {
            case 404, 410: return TransferError(.notFound, message)
            case 401, 403, 407: return TransferError(.denied, message)
            case 408, 429, 500...599: return TransferError(.unreachable, message, retryable: true)
            default: return TransferError(.failed, message)
            }
        case CURLE_WRITE_ERROR:
            if let error = partial?.writeError { return TransferError(.destination, "\(request.destination): cannot write: \(String(cString: strerror(error)))") }
            return TransferError(.destination, "\(request.destination): \(detail)")
        case CURLE_REMOTE_FILE_NOT_FOUND, CURLE_FILE_COULDNT_READ_FILE:
            return TransferError(.notFound, "\(shown): \(detail)")
        case CURLE_LOGIN_DENIED, CURLE_REMOTE_ACCESS_DENIED, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSH:
            return TransferError(.denied, "\(shown): \(detail)")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR,
            CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_SSL_CONNECT_ERROR:
            return TransferError(.unreachable, "\(shown): \(detail)", retryable: true)
        case CURLE_ABORTED_BY_CALLBACK, CURLE_READ_ERROR:
            return TransferError(.failed, "\(shown): \(detail)")
        default:
            return TransferError(.failed, "\(shown): \(detail)")
        }
    }
}
