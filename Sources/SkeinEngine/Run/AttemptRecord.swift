#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinKickstart
import SkeinRunFormat

/// The kickstart invocation record of a local attempt (`<id>.out.NNN`), written by the engine
/// from its own `wait4` result rather than by a wrapper process, which saves a process per
/// job; `skein-kickstart` writes the same record around jobs on other nodes.
struct AttemptRecord {
    /// What does not change from job to job on this host, gathered once per engine.
    struct HostFacts: @unchecked Sendable {
        var interface: String?
        var address: String?
        var hostname: String?
        var user: String?
        var group: String?
        var umask: UInt32
        var machine: Machine
        /// The engine's own ids, asked once: every record carries them.
        var pid = getpid()
        var uid = getuid()
        var gid = getgid()

        static func current() -> HostFacts {
            let address = Host.primaryIPv4()
            return HostFacts(
                interface: address?.interface, address: address?.address, hostname: Host.name(),
                user: Accounts.userName(getuid()), group: Accounts.groupName(getgid()), umask: Host.umask(),
                machine: Machine.current())
        }
    }

    /// `environment` is the job's (`NAME=value`); like kickstart, a failed attempt's record
    /// also carries it and the resource limits, to help find why.
    /// Work done without a process (a transfer, a sub-workflow) gets the same record, with
    /// its duration and status and no pid or resource usage.
    /// `paths` resolves the real paths the record names (`ResolvedPaths`: one per engine).
    /// `checksums` are the outputs' sha256 as hashed after the attempt (integrity checking
    /// on): the record carries them as `pegasus-kickstart -s` does; without them it has none,
    /// as kickstart without `-s` (Pegasus's sharedfs jobs).
    static func make(job: ExecutableJob, plan: ExecutablePlan, termination: AttemptTermination, environment: [String], stdoutFile: String, stderrFile: String, host: HostFacts,
                     paths: ResolvedPaths = ResolvedPaths(), checksums: [String: (sha256: String, seconds: Double)] = [:]) -> InvocationRecord {
        let exit = termination.process
        let status: ExitStatus = exit?.spawnError.map { ExitStatus.failure(errno: $0) } ?? ExitStatus(waitStatus: termination.rawStatus)
        let mainjob = JobRecord(
            start: termination.start, duration: termination.duration, pid: exit.flatMap { $0.spawnError == nil ? $0.pid : nil },
            usage: exit.map { ResourceUsage($0.usage) } ?? ResourceUsage(), status: status,
            executable: entry(key: "executable", path: job.executable, realPath: paths.executable(job.executable)), arguments: job.arguments)
        var files: [FileEntry] = []
        for lfn in job.outputs where lfn != job.stdout && lfn != job.stderr {
            let path = (job.workingDirectory as NSString).appendingPathComponent(lfn)
            // Outputs that are there (a link only when what it points at is).
            guard let found = Found(path), !found.isLink || access(path, F_OK) == 0 else { continue }
            files.append(output(found, lfn: lfn, paths: paths, checksum: checksums[lfn], hashed: !checksums.isEmpty))
        }
        for (key, path) in [("stdout", stdoutFile), ("stderr", stderrFile)] {
            var captured = entry(key: key, Found(path) ?? Found(missing: path), paths: paths)
            // An empty file (most jobs' stderr, many jobs' stdout) has no text to read.
            if (captured.stat?.size ?? 1) > 0 { captured.data = CapturedText.read(path: path) }
            files.append(captured)
        }
        var record = InvocationRecord(
            start: termination.start, duration: termination.duration, transformation: job.transformation, derivation: job.id,
            resource: job.site, wfLabel: plan.label, wfStamp: Clock.isoSeconds(Int(plan.createdAt)),
            interface: host.interface, hostaddr: host.address, hostname: host.hostname, pid: host.pid,
            uid: host.uid, user: host.user, gid: host.gid, group: host.group, umask: host.umask,
            mainjob: mainjob, cwd: job.workingDirectory, machine: host.machine, files: files)
        if status.isFailure {
            record.environment = environment.sorted().compactMap { pair in
                pair.firstIndex(of: "=").map { NamedValue(String(pair[..<$0]), String(pair[pair.index(after: $0)...])) }
            }
            record.limits = ResourceLimit.current()
        }
        return record
    }

    /// A file a record names, lstat'ed once: most are not links, and then that one call
    /// gives both the stat a record shows and the real path (its folder's, resolved once).
    struct Found {
        var path: String
        var info: stat?

        /// nil when nothing is at `path`.
        init?(_ path: String) {
            var info = stat()
            guard lstat(path, &info) == 0 else { return nil }
            self.path = path
            self.info = info
        }

        init(missing path: String) {
            self.path = path
            info = nil
        }

        var isLink: Bool { info.map { $0.st_mode & S_IFMT == S_IFLNK } ?? false }
    }

    /// `FileEntry.file` with the real path from `paths`: a link (or a missing file) resolved
    /// and stat'ed in full, as before.
    private static func entry(key: String, _ found: Found, lfn: String? = nil, paths: ResolvedPaths) -> FileEntry {
        if let info = found.info, !found.isLink {
            var entry = FileEntry(key: key, source: .file(paths.realPath(notALink: found.path) ?? found.path), lfn: lfn)
            entry.stat = FileStat(info)
            return entry
        }
        return entry(key: key, path: found.path, lfn: lfn, realPath: paths.realPath(found.path))
    }

    /// `FileEntry.file` with the real path given: stat'ed now.
    private static func entry(key: String, path: String, lfn: String? = nil, realPath: String?) -> FileEntry {
        var entry = FileEntry(key: key, source: .file(realPath ?? path), lfn: lfn)
        do { entry.stat = try FileStat.of(path) } catch { entry.error = error.code }
        return entry
    }

    /// `FileEntry.output` with the real path from `paths`: stat, and the sha256 with its
    /// timing when the file was hashed (`hashed`: the attempt's outputs were).
    private static func output(_ found: Found, lfn: String, paths: ResolvedPaths, checksum: (sha256: String, seconds: Double)?, hashed: Bool) -> FileEntry {
        var entry = entry(key: lfn, found, lfn: lfn, paths: paths)
        entry.output = true
        entry.checksumAsked = checksum != nil || hashed
        guard entry.error == nil, let checksum else { return entry }
        entry.sha256 = checksum.sha256
        entry.checksumTiming = checksum.seconds
        return entry
    }

    /// The size of the captured `stdout` or `stderr` the record found (nil: not stat'ed), so
    /// the engine need not stat them again for their tails.
    static func capturedSize(_ record: InvocationRecord, _ key: String) -> Int64? {
        record.files.last { $0.key == key && $0.error == nil }?.stat?.size
    }

    /// Writes the record; returns why it could not (a full disk), for the engine to stop on.
    static func write(_ record: InvocationRecord, to path: String) -> String? {
        let text = record.yamlBytes()
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return "cannot write the record \(path): \(String(cString: strerror(errno)))" }
        // Written from the record's bytes, in one call as a rule.
        var failure: String?
        text.withUnsafeBufferPointer { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    failure = "cannot write the record \(path): \(n < 0 ? String(cString: strerror(errno)) : "no space written")"
                    break
                }
                offset += n
            }
        }
        if Glibc.close(fd) != 0, failure == nil { failure = "cannot write the record \(path): \(String(cString: strerror(errno)))" }
        return failure
    }
}
