import Foundation

/// Writes `plan.json` a slice of jobs at a time, the mirror of `PlanReader`. Encoding a
/// million-job plan as one value builds the encoder's tree of the whole plan and then the
/// whole text in memory (gigabytes); the plan without its jobs is encoded by `JSONEncoder`,
/// then the jobs by `PlanJobEncoder`, consecutive slices of them on several threads at once
/// (encoding was most of writing a million-job plan, on one core), each slice into a buffer
/// of its own; the buffers are written in job order on a second thread (`BackgroundFileWriter`)
/// while the next slices fill, so the planner's memory stays the plan itself. The bytes are
/// the same as one `JSONEncoder` pass with sorted keys gives, whatever the threads and slices.
enum PlanFileWriter {
    static let bufferSize = 4 << 20
    /// Threads encoding slices at once: every core, up to 4 (the file is written at the
    /// speed of about two; more only hold more buffers).
    static var encodingThreads: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4)) }

    static func write(_ plan: ExecutablePlan, to path: String) throws {
        try write(plan, jobCount: plan.jobs.count, to: path) { plan.jobs[$0] }
    }

    /// Writes `header` (its `jobs` are not read) with `jobCount` jobs, each asked for once
    /// (from any of `threads` threads at once, not in order): a caller may make each job as
    /// it is written.
    static func write(_ header: ExecutablePlan, jobCount: Int, to path: String, threads: Int = PlanFileWriter.encodingThreads,
                      job: @Sendable (Int) throws -> ExecutableJob) throws {
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
        let threads = max(1, threads)
        // One buffer per thread filling, as many being written.
        let output = BackgroundFileWriter(fd: fd, path: path, buffers: 2 * threads, capacity: bufferSize + (64 << 10))
        defer { output.drain() }  // runs before the close above
        let slices = try (0..<threads).map { _ in EncodedSlice(buffer: try output.emptyBuffer()) }
        slices[0].buffer.append(contentsOf: headerData[headerData.startIndex..<(headerData.startIndex + jobs.lowerBound)])
        slices[0].buffer.append(UInt8(ascii: "["))
        // Jobs per slice: a few at first, then as many as fill about one buffer.
        var sliceJobs = 64
        var next = 0
        while next < jobCount {
            let start = next, size = sliceJobs
            let filling = min(threads, (jobCount - start + size - 1) / size)
            DispatchQueue.concurrentPerform(iterations: filling) { n in
                let slice = slices[n]
                let lower = start + n * size
                do {
                    for index in lower..<min(jobCount, lower + size) {
                        if index > 0 { slice.buffer.append(UInt8(ascii: ",")) }
                        try slice.encoder.append(job(index), to: &slice.buffer)
                    }
                } catch {
                    slice.failure = error
                }
            }
            next = min(jobCount, start + filling * size)
            var bytes = 0
            for slice in slices[0..<filling] {
                if let failure = slice.failure { throw failure }
                bytes += slice.buffer.count
                try output.write(&slice.buffer)
            }
            sliceJobs = max(64, min(1 << 16, bufferSize / max(1, bytes / max(1, filling * size))))
        }
        let last = slices[0]
        last.buffer.append(UInt8(ascii: "]"))
        last.buffer.append(contentsOf: headerData[(headerData.startIndex + jobs.upperBound)...])
        try output.finish(&last.buffer)
    }

    /// One thread's slice of the jobs, encoded into a buffer of its own.
    private final class EncodedSlice: @unchecked Sendable {
        var buffer: [UInt8]
        var encoder = PlanJobEncoder()
        var failure: Error?

        init(buffer: [UInt8]) { self.buffer = buffer }
    }
}
