import CCurl

/// How transfers share connections, so a small file never waits behind a large one from the
/// same server: each transfer in flight has a connection of its own, and only an idle
/// connection is reused (keep-alive, no new handshake). libcurl's defaults mostly do this
/// already; they are set here so that neither a libcurl whose defaults differ nor a server
/// that speaks HTTP/2 puts a small file behind a large one:
/// - `CURLOPT_PIPEWAIT` 0: a transfer never waits for a busy connection (or for one still
///   being set up, to learn whether it could share it); it opens its own.
/// - `CURLMOPT_PIPELINING` nothing: no HTTP/2 multiplexing either. Streams on one
///   connection share one TCP window and the server's send buffer, so a small file's bytes
///   would queue behind megabytes of the large one's already on the wire. (HTTP/1.1
///   pipelining is gone from libcurl since 7.65.)
/// - `CURLMOPT_MAX_HOST_CONNECTIONS` and `CURLMOPT_MAX_TOTAL_CONNECTIONS` at
///   `pegasus.transfer.threads`: every slot may go to one server; no transfer is held for a
///   connection while a slot is free. Idle connections beyond that are closed oldest first.
/// `SmallBesideLargeTests` holds a large download mid-body (HTTP, HTTPS, SFTP) and checks
/// small ones from the same server finish first; libcurl's SSH keeps a session per
/// connection, so SFTP and SCP follow the same rules.
enum ConnectionPolicy {
    static func apply(to multi: UnsafeMutableRawPointer, concurrent: Int) {
        skein_curl_multi_set_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_NOTHING))
        skein_curl_multi_set_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, concurrent))
        skein_curl_multi_set_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max(1, concurrent))
    }

    static func apply(to easy: UnsafeMutableRawPointer) {
        skein_curl_set_long(easy, CURLOPT_PIPEWAIT, 0)
    }
}
