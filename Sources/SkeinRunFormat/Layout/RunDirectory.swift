#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A run's folder, `BASE/<label>/runNNNN`, numbered like pegasus-plan's, holding the plan,
/// the provenance database, job records and logs. The plan's one writer and one reader.
public struct RunDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var layout: RunLayout { RunLayout(runDirectory: path) }
    public var planFile: String { layout.plan }

    /// Creates the next free `runNNNN` under `base/label`, private (0700) and new, under
    /// folders no other user can swap (`PrivateDirectory`). Safe against concurrent
    /// planners: `mkdir` either creates a number or fails because another took it.
    public static func create(base: String, label: String) throws -> RunDirectory {
        let parent = PrivateDirectory.lexicalAbsolute((base as NSString).appendingPathComponent(label))
        try PrivateDirectory.create(parent, exclusive: false)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        var number = (existing.compactMap { $0.hasPrefix("run") ? Int($0.dropFirst(3)) : nil }.max() ?? 0) + 1
        while true {
            let candidate = (parent as NSString).appendingPathComponent(String(format: "run%04d", number))
            if try PrivateDirectory.create(candidate, exclusive: true) {
                return RunDirectory(path: absolute(candidate))
            }
            number += 1
        }
    }

    /// Creates exactly `path` (pegasus-plan's `--relative-dir`, or a timestamp name), private
    /// and new; nil when it already exists (the caller says so: a run never reuses a folder).
    public static func create(exactly path: String) throws -> RunDirectory? {
        let standardized = (path as NSString).standardizingPath
        guard try PrivateDirectory.create(standardized, exclusive: true) else { return nil }
        return RunDirectory(path: absolute(standardized))
    }

    public func file(_ name: String) -> String { layout.file(name) }

    public func write(_ plan: ExecutablePlan) throws {
        try write(plan, jobCount: plan.jobs.count) { plan.jobs[$0] }
    }

    /// Writes `header` (its `jobs` are not read) with `jobCount` jobs made as they are
    /// written (on several threads at once), so a planner need not hold a second copy of every job.
    public func write(_ header: ExecutablePlan, jobCount: Int, job: @Sendable (Int) throws -> ExecutableJob) throws {
        try write(header, jobCount: jobCount) { range, write in
            for n in range { try withUnsafePointer(to: try job(n)) { try write($0, nil, []) } }
        }
    }

    /// As above, but `jobs(range, write)` calls `write` once for each job of `range`, in
    /// order, with where the job is and its parents as indices (nil: the job's own
    /// `parents`) and the paths it holds as names in a folder (`PathsInFolder`): a planner's
    /// job is read where it is, not copied into an `ExecutableJob` of its own first (the
    /// pointer is used only during the call).
    public func write(_ header: ExecutablePlan, jobCount: Int,
                      jobs: @Sendable (Range<Int>, _ write: (UnsafePointer<ExecutableJob>, [Int]?, PathsInFolder) throws -> Void) throws -> Void) throws {
        // Written to a temporary name and renamed, so a reader never sees half a plan.
        let temporary = planFile + ".tmp"
        try PlanFileWriter.write(header, jobCount: jobCount, to: temporary, jobs: jobs)
        guard rename(temporary, planFile) == 0 else {
            throw RunFormatError("cannot write \(planFile): \(String(cString: strerror(errno)))")
        }
    }

    /// The plan, refused when another format version wrote it.
    public func readPlan() throws -> ExecutablePlan {
        try readPlan(skeletons: IndexSet(), jobCount: nil)
    }

    /// The plan for an engine that resumes the run: the jobs the journal's checkpoint says
    /// succeeded (they never run again) are read as skeletons (`ExecutablePlan.skeletonJobs`:
    /// id, kind, executor, parents and sandbox root), the others in full. A restart at
    /// 900,000 jobs done decoded 900,000 jobs it would not run (issue 15). Without a usable
    /// checkpoint (none, damaged, or of another plan) every job is read; the engine judges
    /// the checkpoint itself.
    public func readPlanForResume() throws -> ExecutablePlan {
        let checkpoint = try? JournalCheckpoint.read(JournalCheckpoint.path(forJournal: layout.journal))
        return try readPlan(skeletons: checkpoint?.succeeded ?? IndexSet(), jobCount: checkpoint?.jobCount)
    }

    private func readPlan(skeletons: IndexSet, jobCount: Int?) throws -> ExecutablePlan {
        guard let data = Self.mapped(planFile) ?? (try? Data(contentsOf: URL(fileURLWithPath: planFile))) else {
            throw RunFormatError("\(path) is not a Skein run directory (no \(RunLayout.planFile))")
        }
        try Self.checkVersion(data, file: planFile)
        do {
            let plan = try PlanReader.read(data, skeletons: skeletons)
            // A checkpoint of another plan: its indices name other jobs.
            if plan.skeletonJobs != nil, plan.jobs.count != jobCount { return try PlanReader.read(data) }
            return plan
        } catch {
            throw RunFormatError("\(planFile) cannot be read (\(error)); plan the workflow again with `skein plan`")
        }
    }

    /// The file mapped into memory, not copied (`Data(contentsOf:options: .alwaysMapped)`
    /// copied it here: 589 MB of a million-job plan, with its page faults); nil when it
    /// cannot be mapped.
    static func mapped(_ file: String) -> Data? {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
        let size = Int(info.st_size)
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else { return nil }
        return Data(bytesNoCopy: address, count: size, deallocator: .custom { pointer, count in munmap(pointer, count) })
    }

    public static func isRunDirectory(_ path: String) -> Bool { RunLayout.isRunDirectory(path) }

    public static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// Reads `formatVersion` before anything else, so a plan of another version is named as
    /// such instead of failing to decode a field that moved.
    static func checkVersion(_ data: Data, file: String) throws {
        struct Version: Decodable { var formatVersion: Int? }
        let header = data.prefix(4096)
        // Plans are written with sorted keys: `formatVersion` comes early; a full decode of
        // the header is not possible, so look for the key's value.
        let text = String(decoding: header, as: UTF8.self)
        var version: Int?
        if let range = text.range(of: "\"formatVersion\":") {
            version = Int(text[range.upperBound...].prefix { $0.isNumber || $0 == "-" })
        } else if let decoded = try? JSONDecoder().decode(Version.self, from: data) {
            version = decoded.formatVersion
        }
        guard let version else {
            throw RunFormatError("\(file) has no formatVersion: it was not written by Skein; plan the workflow again with `skein plan`")
        }
        guard version == ExecutablePlan.formatVersion else {
            let which = version > ExecutablePlan.formatVersion ? "a newer" : "an older"
            throw RunFormatError(
                "\(file) is plan format \(version), written by \(which) Skein; this Skein reads format \(ExecutablePlan.formatVersion): use that version of Skein, or plan the workflow again")
        }
    }
}
