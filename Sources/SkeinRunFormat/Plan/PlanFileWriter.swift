import Foundation

/// Writes `plan.json` a run of jobs at a time, the mirror of `PlanReader`. Encoding a
/// million-job plan as one value builds the encoder's tree of the whole plan and then the
/// whole text in memory (gigabytes); the plan without its jobs is encoded by `JSONEncoder`,
/// then the jobs by `PlanJobEncoder`, on several threads at once (encoding was most of
/// writing a million-job plan, on one core): each thread takes the next run of jobs and
/// encodes it into a buffer of its own, and the buffers are written in job order on another
/// thread (`BackgroundFileWriter`) while the next runs fill, so the planner's memory stays
/// the plan itself. No thread waits for another's run (a pipeline, not rounds). The bytes
/// are the same as one `JSONEncoder` pass with sorted keys gives, whatever the threads.
enum PlanFileWriter {
    static let bufferSize = 4 << 20
    /// Jobs per run: a few megabytes of a montage plan's jobs.
    static let runJobs = 1024
    /// Threads encoding at once: every core, up to 4 (the file is written at the speed of
    /// about two; more only hold more buffers).
    static var encodingThreads: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4)) }

    static func write(_ plan: ExecutablePlan, to path: String) throws {
        try write(plan, jobCount: plan.jobs.count, to: path) { plan.jobs[$0] }
    }

    /// Writes `header` (its `jobs` are not read) with `jobCount` jobs, each asked for once
    /// (from any of `threads` threads at once, not in order): a caller may make each job as
    /// it is written.
    static func write(_ header: ExecutablePlan, jobCount: Int, to path: String, threads: Int = PlanFileWriter.encodingThreads,
                      job: @Sendable (Int) throws -> ExecutableJob) throws {
        try write(header, jobCount: jobCount, to: path, threads: threads) { range, write in
            for n in range { try withUnsafePointer(to: try job(n)) { try write($0, nil, []) } }
        }
    }

    /// As above, but `jobs(range, write)` calls `write` once for each job of `range`, in
    /// order, with where the job is and its parents (nil: the job's own `parents`), so a
    /// caller's job is read where it is, not copied (the pointer is used only during the
    /// call), and a caller may keep what it learns from one job for the next of the run;
    /// and the paths the job holds as names in a folder (`PathsInFolder`).
    static func write(_ header: ExecutablePlan, jobCount: Int, to path: String, threads: Int = PlanFileWriter.encodingThreads,
                      jobs: @Sendable (Range<Int>, _ write: (UnsafePointer<ExecutableJob>, [Int]?, PathsInFolder) throws -> Void) throws -> Void) throws {
        guard header.skeletonJobs == nil else {
            throw RunFormatError("cannot write \(path): the plan was read for an engine's resume (its succeeded jobs only in part)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var empty = header
        empty.jobs = []
        let headerData = try encoder.encode(empty)
        guard let jobsRange = headerData.withUnsafeBytes({ PlanReader.jobsArrayRange($0.bindMemory(to: UInt8.self)) }) else {
            throw RunFormatError("cannot write \(path): the plan has no jobs array")
        }
        let fd = try PrivateFile.create(path)
        defer { close(fd) }
        let threads = max(1, threads)
        // One buffer per thread filling, one being written, one waiting its turn.
        let output = BackgroundFileWriter(fd: fd, path: path, buffers: threads + 2, capacity: bufferSize + (64 << 10))
        defer { output.drain() }  // runs before the close above
        let runs = Runs(jobCount: jobCount, runJobs: runJobs)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var encoder = PlanJobEncoder()
            while true {
                // The buffer first, then the run: the lowest run not written is always being
                // encoded by a thread that holds a buffer, so the writer never waits forever.
                guard var buffer = try? output.emptyBuffer() else { return }
                guard let (number, range) = runs.next() else { return output.giveBack(unused: &buffer) }
                do {
                    if number == 0 {
                        buffer.append(contentsOf: headerData[headerData.startIndex..<(headerData.startIndex + jobsRange.lowerBound)])
                        buffer.append(UInt8(ascii: "["))
                    }
                    var comma = number > 0
                    var written = 0
                    try jobs(range) { job, parents, held in
                        if comma { buffer.append(UInt8(ascii: ",")) } else { comma = true }
                        try encoder.append(at: job, parents: parents ?? job.pointee.parents, held: held, to: &buffer)
                        written += 1
                    }
                    guard written == range.count else { throw RunFormatError("cannot write \(path): \(written) of \(range.count) jobs given") }
                } catch {
                    runs.stop()
                    output.giveBack(unused: &buffer)
                    output.fail(error)
                    return
                }
                output.write(&buffer, number: number)
            }
        }
        var last = try output.emptyBuffer()
        if runs.count == 0 {
            last.append(contentsOf: headerData[headerData.startIndex..<(headerData.startIndex + jobsRange.lowerBound)])
            last.append(UInt8(ascii: "["))
        }
        last.append(UInt8(ascii: "]"))
        last.append(contentsOf: headerData[(headerData.startIndex + jobsRange.upperBound)...])
        output.write(&last, number: runs.count)
        try output.finish()
    }

    /// Hands out consecutive runs of jobs, numbered from 0, to the encoding threads.
    private final class Runs: @unchecked Sendable {
        let jobCount: Int
        let runJobs: Int
        /// How many runs there are (the plan's end is written as one more).
        var count: Int { (jobCount + runJobs - 1) / runJobs }
        private let lock = NSLock()
        private var taken = 0
        private var stopped = false

        init(jobCount: Int, runJobs: Int) {
            self.jobCount = jobCount
            self.runJobs = runJobs
        }

        func next() -> (number: Int, jobs: Range<Int>)? {
            lock.lock()
            defer { lock.unlock() }
            guard !stopped, taken < count else { return nil }
            let number = taken
            taken += 1
            return (number, (number * runJobs)..<min(jobCount, (number + 1) * runJobs))
        }

        /// After a failure: no more runs.
        func stop() {
            lock.lock()
            stopped = true
            lock.unlock()
        }
    }
}
