import Foundation

/// Writes `plan.json` a slice of jobs at a time, the mirror of `PlanReader`. Encoding a
/// million-job plan as one value builds the encoder's tree of the whole plan and then the
/// whole text in memory (gigabytes); the plan without its jobs is encoded by `JSONEncoder`,
/// then each job by `PlanJobEncoder` into a 4 MiB buffer written as it fills (on a second
/// thread, while the next one fills), so the
/// planner's memory stays the plan itself. The bytes are the same as one `JSONEncoder` pass
/// with sorted keys gives.
enum PlanFileWriter {
    static let bufferSize = 4 << 20

    static func write(_ plan: ExecutablePlan, to path: String) throws {
        try write(plan, jobCount: plan.jobs.count, to: path) { plan.jobs[$0] }
    }

    /// Writes `header` (its `jobs` are not read) with `jobCount` jobs, asked for one at a
    /// time in order: a caller may make each job as it is written.
    static func write(_ header: ExecutablePlan, jobCount: Int, to path: String, job: (Int) throws -> ExecutableJob) throws {
        guard header.skeletonJobs == nil else {
            throw RunFormatError("cannot write \(path): the plan was read for an engine's resume (its succeeded jobs only in part)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var empty = header
        empty.jobs = []
        let headerData = try encoder.encode(empty)
        guard let jobs = headerData.withUnsafeBytes({ PlanReader.jobsArrayRange($0.bindMemory(to: UInt8.self)) }) else {
            throw RunFormatError("cannot write \(path): the plan has no jobs array")
        }
        let fd = try PrivateFile.create(path)
        defer { close(fd) }
        // Filled here, written on a second thread (`BackgroundFileWriter`).
        let output = BackgroundFileWriter(fd: fd, path: path, capacity: bufferSize + (64 << 10))
        defer { output.drain() }  // runs before the close above
        var buffer = try output.firstBuffer()
        buffer.append(contentsOf: headerData[headerData.startIndex..<(headerData.startIndex + jobs.lowerBound)])
        buffer.append(UInt8(ascii: "["))
        var jobEncoder = PlanJobEncoder()
        for index in 0..<jobCount {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            try jobEncoder.append(job(index), to: &buffer)
            if buffer.count >= bufferSize { try output.write(&buffer) }
        }
        buffer.append(UInt8(ascii: "]"))
        buffer.append(contentsOf: headerData[(headerData.startIndex + jobs.upperBound)...])
        try output.finish(&buffer)
    }
}
