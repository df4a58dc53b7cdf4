import Foundation

/// Run files hold the commands that will run and the jobs' environment (tokens, often):
/// they are created 0600 whatever the umask, never through a symbolic link, and a file left
/// at the name is replaced rather than written through.
public enum PrivateFile {
    public static func write(_ data: Data, to path: String) throws {
        let fd = try create(path)
        defer { close(fd) }
        try write(data, to: fd, path: path)
    }

    /// Creates `path` anew (a file left at the name is removed first), 0600; the caller closes it.
    public static func create(_ path: String) throws -> Int32 {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RunFormatError("cannot write \(path): \(String(cString: strerror(errno)))") }
        fchmod(fd, 0o600)
        return fd
    }

    /// Writes all of `data` to `fd` (`path` names it in the error).
    public static func write(_ data: Data, to fd: Int32, path: String) throws {
        var offset = 0
        while offset < data.count {
            let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, data.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw RunFormatError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Opens `path` for appending, made 0600 when new; refuses a symbolic link.
    public static func openForAppend(_ path: String) -> Int32 {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd >= 0 {
            var info = stat()
            if fstat(fd, &info) == 0 && info.st_uid == geteuid() { fchmod(fd, info.st_mode & 0o700) }
        }
        return fd
    }
}
