#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinKickstart
import SkeinRunFormat

/// The file work around a job, as PegasusLite does it around a task: its replicas put into
/// its folder (symbolic links, or hard links and copies: `pegasus.transfer.links`), the
/// files it reads verified against their known sha256 before it starts, and the files it
/// made hashed after it ended well (`pegasus.integrity.checking`).
enum InputIntegrity {
    /// Why a job's inputs are not fit to run it (one line), with the checksum work done.
    struct Verification {
        var failure: String?
        var work: IntegrityWork?
    }

    /// Puts each replica link in place unless something is there already. Symbolic links
    /// are made here; otherwise a hard link, or a copy under a temporary name renamed into
    /// place (never a half-copied file under the input's name). A failure is left to the
    /// job, which then misses the file.
    static func placeInputs(_ job: ExecutableJob, symbolic: Bool) {
        for link in job.inputLinks {
            guard let target = JobFolderPath.inside(job.workingDirectory, link.lfn) else { continue }
            var info = stat()
            if lstat(target, &info) == 0 { continue }
            if symbolic {
                symlink(link.source, target)
                continue
            }
            if Glibc.link(link.source, target) == 0 { continue }
            let temporary = "\(target).skein-partial.\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
            do {
                try FileManager.default.copyItem(atPath: link.source, toPath: temporary)
                if rename(temporary, target) != 0 { unlink(temporary) }
            } catch {
                unlink(temporary)
            }
        }
    }

    /// Whether inputs would be copied (work for a worker thread, not the engine's queue).
    static func copiesInputs(_ job: ExecutableJob, symbolic: Bool) -> Bool { !symbolic && !job.inputLinks.isEmpty }

    /// The files the job reads with an expected sha256: the catalog's, else the one recorded
    /// when a parent made it.
    static func expectedChecksums(_ job: ExecutableJob, produced: ProducedChecksums) -> [(lfn: String, sha256: String, source: String)] {
        job.readFiles.compactMap { lfn in
            if let sha = job.inputChecksums[lfn] { return (lfn, sha, "the replica catalog") }
            if let sha = produced[lfn] { return (lfn, sha, "recorded when it was made") }
            return nil
        }
    }

    /// Hashes each expected file now (missing ones are the job's own failure, not an
    /// integrity one; with `nosymlink`, files that are symbolic links are not checked).
    static func verify(_ job: ExecutableJob, expected: [(lfn: String, sha256: String, source: String)], checking: IntegrityChecking) -> Verification {
        var checked = 0, failed = 0
        var seconds = 0.0
        var failures: [String] = []
        for file in expected {
            guard let path = JobFolderPath.inside(job.workingDirectory, file.lfn) else { continue }
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if checking == .nosymlink && (info.st_mode & S_IFMT) == S_IFLNK { continue }
            let start = Date().timeIntervalSince1970
            let actual = try? SHA256.hash(file: path)
            seconds += Date().timeIntervalSince1970 - start
            guard let actual else { continue }
            checked += 1
            if actual != file.sha256.lowercased() {
                failed += 1
                failures.append("integrity check failed for \(file.lfn): expected sha256 \(file.sha256.lowercased()) (\(file.source)), actual \(actual)")
            }
        }
        let work = checked > 0 ? IntegrityWork(.check, .input, count: checked, seconds: seconds, failed: failed) : nil
        let failure = failures.first.map { failures.count > 1 ? "\($0) (and \(failures.count - 1) more)" : $0 }
        return Verification(failure: failure, work: work)
    }

    /// Hashes the files a job made and records them for the jobs and stage-outs that read
    /// them later. Outputs that are missing (the post-run checks fail the job) are skipped.
    static func hashOutputs(_ job: ExecutableJob, produced: ProducedChecksums) -> (work: IntegrityWork, checksums: [String: (sha256: String, seconds: Double)])? {
        var entries: [(lfn: String, sha256: String)] = []
        var checksums: [String: (sha256: String, seconds: Double)] = [:]
        let start = Clock.now()
        for lfn in job.outputs {
            let started = Clock.now()
            guard let path = JobFolderPath.inside(job.workingDirectory, lfn), let sha = try? SHA256.hash(file: path) else { continue }
            entries.append((lfn, sha))
            checksums[lfn] = (sha, Clock.now() - started)
        }
        guard !entries.isEmpty else { return nil }
        produced.record(entries)
        return (IntegrityWork(.compute, .output, count: entries.count, seconds: Clock.now() - start), checksums)
    }

    /// Whether hashing these files is little enough work to do on the thread at hand (the
    /// engine's queue, the spawner's events thread) rather than hop to a worker and back:
    /// a few small files, as most jobs read and write. A missing file counts as small.
    static func smallEnoughToHashHere(_ job: ExecutableJob, _ lfns: [String]) -> Bool {
        guard lfns.count <= inlineFiles else { return false }
        var total = 0
        for lfn in lfns {
            var info = stat()
            guard let path = JobFolderPath.inside(job.workingDirectory, lfn), stat(path, &info) == 0 else { continue }
            total += Int(info.st_size)
            if total > inlineBytes { return false }
        }
        return true
    }

    static let inlineFiles = 16
    static let inlineBytes = 256 << 10

    /// Whether the attempt ended well by its own account (exit 0, or work that succeeded).
    static func endedWell(_ termination: AttemptTermination) -> Bool {
        switch termination {
        case .process(let exit): return exit.spawnError == nil && exit.interruption == nil && exit.signal == nil && exit.exitCode == 0
        case .completed(let succeeded, _, _, _, _): return succeeded
        }
    }
}
