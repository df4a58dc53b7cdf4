import Foundation

/// Writes `plan.json` a slice of jobs at a time, the mirror of `PlanReader`. Encoding a
/// million-job plan as one value builds the encoder's tree of the whole plan and then the
/// whole text in memory (gigabytes); encoding the plan without its jobs and then 1,000 jobs
/// at a time into the file keeps the planner's memory to the plan itself. The bytes are the
/// same as one `JSONEncoder` pass with sorted keys gives.
enum PlanFileWriter {
    static let slice = 1_000

    static func write(_ plan: ExecutablePlan, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var header = plan
        header.jobs = []
        let headerData = try encoder.encode(header)
        guard let jobs = headerData.withUnsafeBytes({ PlanReader.jobsArrayRange($0.bindMemory(to: UInt8.self)) }) else {
            try PrivateFile.write(encoder.encode(plan), to: path)
            return
        }
        let fd = try PrivateFile.create(path)
        defer { close(fd) }
        var buffer = Data(headerData[headerData.startIndex..<(headerData.startIndex + jobs.lowerBound)])
        buffer.append(UInt8(ascii: "["))
        var lower = 0
        while lower < plan.jobs.count {
            let upper = min(lower + slice, plan.jobs.count)
            let array = try encoder.encode(Array(plan.jobs[lower..<upper]))  // `[{...},{...}]`
            if lower > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(array[(array.startIndex + 1)..<(array.endIndex - 1)])
            if buffer.count >= 4 << 20 {
                try PrivateFile.write(buffer, to: fd, path: path)
                buffer.removeAll(keepingCapacity: true)
            }
            lower = upper
        }
        buffer.append(UInt8(ascii: "]"))
        buffer.append(headerData[(headerData.startIndex + jobs.upperBound)...])
        try PrivateFile.write(buffer, to: fd, path: path)
    }
}
