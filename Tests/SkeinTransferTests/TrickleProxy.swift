import Foundation

/// A TCP relay on 127.0.0.1 in front of a real server, for tests that need one transfer held
/// in the middle of its body beside others from the same host and port: the first connection's
/// server-to-client bytes trickle (16 KB every 0.1 s) until `release()`, every later
/// connection flows freely. Works for any protocol over TCP (HTTP, SSH).
final class TrickleProxy: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var held = true
    private var connections = 0
    private var firstBytes = 0

    /// Bytes the first connection's server has sent its client so far.
    var firstConnectionBytes: Int { lock.withLock { firstBytes } }

    init(to targetPort: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else {
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in accept(forwardingTo: targetPort) }
    }

    /// Lets the first connection flow at full speed from now on.
    func release() { lock.withLock { held = false } }

    /// Stops accepting (connections under way go on until either side closes).
    func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

    deinit {
        stop()
        close(listener)
    }

    private func accept(forwardingTo targetPort: Int) {
        while true {
            let client = Glibc.accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: targetPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                close(client)
                close(upstream)
                continue
            }
            let first = lock.withLock { () -> Bool in
                connections += 1
                return connections == 1
            }
            let pair = Pair(client, upstream)
            Thread.detachNewThread { [self] in relay(from: client, to: upstream, trickled: false, pair) }
            Thread.detachNewThread { [self] in relay(from: upstream, to: client, trickled: first, pair) }
        }
    }

    private func relay(from source: Int32, to destination: Int32, trickled: Bool, _ pair: Pair) {
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        loop: while true {
            let trickle = trickled && lock.withLock { held }
            let n = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, trickle ? 16 * 1024 : $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            var sent = 0
            while sent < n {
                let m = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + sent, n - sent, Int32(MSG_NOSIGNAL)) }
                if m < 0 && errno == EINTR { continue }
                guard m > 0 else { break loop }
                sent += m
            }
            if trickled { lock.withLock { firstBytes += n } }
            if trickle { usleep(100_000) }
        }
        shutdown(destination, Int32(SHUT_WR))
        pair.oneDirectionEnded()
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// The two sockets of one relayed connection, closed once both directions have ended.
    private final class Pair: @unchecked Sendable {
        private let lock = NSLock()
        private var ended = 0
        private let fds: (Int32, Int32)

        init(_ a: Int32, _ b: Int32) { fds = (a, b) }

        func oneDirectionEnded() {
            let last = lock.withLock { () -> Bool in
                ended += 1
                return ended == 2
            }
            if last {
                close(fds.0)
                close(fds.1)
            }
        }
    }
}
