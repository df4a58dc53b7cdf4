#if canImport(Glibc)
import Glibc
#endif

/// Tells when the kickstart record of a submitted attempt has been written in full, by
/// looking at the file alone (one `stat` per job and check, no Slurm command): the engine
/// learns that a job succeeded as soon as its record is on the shared filesystem instead of
/// at the next `squeue` (up to a poll interval later, and once per parent/child hand-over in
/// a DAG). skein-kickstart opens the record before the job runs and writes it once at the end,
/// so a non-empty file whose size and modification time did not change between two checks
/// is read; a record that is not whole yet does not parse, and is read again when it changes.
struct RecordWatch {
    private struct Look: Equatable {
        var size: Int
        var seconds: Int
        var nanoseconds: Int
    }

    private var last: [String: Look] = [:]
    /// Looks already read, so a record that says "failed" is not parsed again at every check.
    private var read: [String: Look] = [:]

    /// True once per settled change of `path` (the record of Slurm job `id`): non-empty and
    /// the same as at the previous check.
    mutating func settled(_ id: String, path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0, st.st_size > 0 else {
            last[id] = nil
            return false
        }
        let look = Look(size: Int(st.st_size), seconds: st.st_mtim.tv_sec, nanoseconds: st.st_mtim.tv_nsec)
        defer { last[id] = look }
        guard last[id] == look, read[id] != look else { return false }
        read[id] = look
        return true
    }

    mutating func forget(_ id: String) {
        last[id] = nil
        read[id] = nil
    }
}
