import Glibc
import SkeinKickstart

/// pegasus-kickstart's metadata file: an empty temporary file named in the job's environment as
/// KICKSTART_METADATA, where a job may write metadata about its outputs; its stat (and any
/// content) goes into the record as `files: metadata:`, then the file is removed.
struct MetadataFile {
    let path: String
    let fd: Int32

    /// Creates `ks.meta.XXXXXX` in kickstart's temporary folder and exports its name.
    static func create() -> MetadataFile? {
        var template = Array((temporaryDirectory() + "/ks.meta.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        setenv("KICKSTART_METADATA", path, 1)
        return MetadataFile(path: path, fd: fd)
    }

    /// The `metadata` entry (content always included, untruncated, as kickstart does).
    func entry() -> FileEntry {
        var entry = FileEntry.descriptor(key: "metadata", fd)
        entry.source = .temporary(path, descriptor: fd)
        entry.data = CapturedText.read(descriptor: fd, keep: Int.max / 4)
        return entry
    }

    /// Empty again for the next task of a cluster: one file for all of them, since creating
    /// and removing a file per task costs more than the task on a busy ext4 (the kernel
    /// skips recently deleted inodes when it allocates one).
    func reset() -> MetadataFile {
        _ = ftruncate(fd, 0)
        setenv("KICKSTART_METADATA", path, 1)
        return self
    }

    func remove() {
        close(fd)
        unlink(path)
    }

    /// KICKSTART_TMP, GRIDSTART_TMP, TMP, TEMP, TMPDIR, else /tmp (kickstart's getTempDir order).
    private static func temporaryDirectory() -> String {
        for name in ["KICKSTART_TMP", "GRIDSTART_TMP", "TMP", "TEMP", "TMPDIR"] {
            if let value = NamedValue.variable(name), !value.isEmpty, access(value, W_OK | X_OK) == 0 { return value }
        }
        return "/tmp"
    }
}
