#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reads `plan.json` one job at a time. Decoding a 100,000-job plan as one document builds
/// the whole JSON tree first (several times the file's size); decoding each job object on
/// its own keeps the engine's memory to the jobs themselves. The file stays one ordinary
/// JSON document that any tool can read.
enum PlanReader {
    /// `skeletons`: plan indices of jobs read as skeletons only (`PlanJobDecoder.skeleton`),
    /// the jobs a resumed run's checkpoint says succeeded; the plan names them in
    /// `skeletonJobs`.
    static func read(_ data: Data, skeletons: IndexSet = IndexSet()) throws -> ExecutablePlan {
        try data.withUnsafeBytes { raw -> ExecutablePlan in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let jobs = jobsArrayRange(bytes) else {
                return try JSONDecoder().decode(ExecutablePlan.self, from: data)
            }
            // The plan without its jobs, then each job object.
            var header = Data(bytes[0..<jobs.lowerBound])
            header.append(contentsOf: Array("[]".utf8))
            header.append(contentsOf: bytes[jobs.upperBound..<bytes.count])
            let decoder = JSONDecoder()
            var plan = try decoder.decode(ExecutablePlan.self, from: header)
            var objects: [ExecutableJob] = []
            var interner = PlanInterner()
            var released = 0
            var i = jobs.lowerBound + 1
            let last = jobs.upperBound - 1  // the closing bracket
            var skeletonJobs = IndexSet()
            while i < last {
                if i - released >= Self.releaseStep { released = Self.release(bytes, upTo: i) }
                guard bytes[i] == UInt8(ascii: "{") else {
                    i += 1  // a comma or white space between jobs
                    continue
                }
                var job: ExecutableJob
                if skeletons.contains(objects.count), let (skeleton, next) = PlanJobDecoder.skeleton(bytes, from: i, limit: last) {
                    skeletonJobs.insert(objects.count)
                    job = skeleton
                    i = next
                } else if let (fast, next) = PlanJobDecoder.decode(bytes, from: i, limit: last) {
                    job = fast
                    i = next
                } else {
                    let close = try Self.objectEnd(bytes, from: i, limit: last)
                    job = try decoder.decode(ExecutableJob.self, from: Data(bytes[i...close]))
                    i = close + 1
                }
                interner.intern(&job)
                objects.append(job)
            }
            plan.jobs = objects
            if !skeletonJobs.isEmpty { plan.skeletonJobs = skeletonJobs }
            return plan
        }
    }

    /// The index of the brace that closes the object starting at `start`.
    static func objectEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int) throws -> Int {
        var depth = 0
        var inString = false
        var escaped = false
        for i in start..<limit {
            let b = bytes[i]
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
        }
        throw RunFormatError("plan.json: a job object that does not end")
    }

    /// Bytes read between two `release` calls.
    static let releaseStep = 32 << 20

    /// Gives back the pages of the file read so far (a mapped plan.json): at a million jobs
    /// the file is about 600 MB, and kept resident beside the decoded jobs it made the engine's
    /// peak memory. `MADV_PAGEOUT` only drops pages the kernel can read again (a mapped file's;
    /// memory of our own would have to go to swap), so it is safe whatever `Data` holds.
    /// Returns the offset released up to (page-aligned).
    static func release(_ bytes: UnsafeBufferPointer<UInt8>, upTo offset: Int) -> Int {
        guard let base = bytes.baseAddress else { return offset }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + page - 1) / page * page
        let end = (Int(bitPattern: base) + offset) / page * page
        if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, 21 /* MADV_PAGEOUT */) }
        return offset
    }

    /// The byte range of the `[...]` after the top-level `"jobs":` key, brackets included.
    static func jobsArrayRange(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let key = Array("\"jobs\":[".utf8)
        guard b.count > key.count else { return nil }
        var i = 0
        var depth = 0
        var inString = false
        var escaped = false
        while i < b.count {
            let c = b[i]
            if inString {
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            if depth == 1, c == UInt8(ascii: "\""), i + key.count <= b.count, Array(b[i..<(i + key.count)]) == key {
                let open = i + key.count - 1
                var j = open
                var d = 0
                var s = false
                var e = false
                while j < b.count {
                    let x = b[j]
                    if s {
                        if e { e = false } else if x == UInt8(ascii: "\\") { e = true } else if x == UInt8(ascii: "\"") { s = false }
                    } else if x == UInt8(ascii: "\"") {
                        s = true
                    } else if x == UInt8(ascii: "[") || x == UInt8(ascii: "{") {
                        d += 1
                    } else if x == UInt8(ascii: "]") || x == UInt8(ascii: "}") {
                        d -= 1
                        if d == 0 { return open..<(j + 1) }
                    }
                    j += 1
                }
                return nil
            }
            switch c {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
            i += 1
        }
        return nil
    }
}
