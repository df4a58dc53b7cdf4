import Glibc
import SkeinKickstart

/// Where the record is written: a file (-r replaces it, -l appends like pegasus-kickstart, so
/// several records can share one file) or the wrapper's stdout. Opened before the record is
/// built so it can describe itself as the `logfile` entry.
struct RecordTarget {
    let fd: Int32
    let entry: FileEntry
    let openError: Int32?
    let path: String?

    static func open(path: String?, append: Bool) -> RecordTarget {
        guard let path else {
            return RecordTarget(fd: 1, entry: FileEntry.descriptor(key: "logfile", 1), openError: nil, path: nil)
        }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0o644)
        let code = fd < 0 ? errno : nil
        return RecordTarget(fd: fd, entry: FileEntry.file(key: "logfile", path: path), openError: code, path: path)
    }

    /// Writes the record; on failure says why on stderr.
    func write(_ text: String) -> Bool {
        if let openError, let path {
            printError("skein-kickstart: cannot write record to " + path + ": " + errorText(openError))
            return false
        }
        let written = writeAll(fd, text)
        if !written { printError("skein-kickstart: writing the record failed: " + errorText(errno)) }
        if fd != 1 { close(fd) }
        return written
    }
}
