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
            // Only the start of the jobs is looked for: their end is where the last job ends
            // (finding it first was a scan of the whole file, 16 % of a resume's start).
            guard let open = jobsArrayStart(bytes) else {
                return try JSONDecoder().decode(ExecutablePlan.self, from: data)
            }
            let decoder = JSONDecoder()
            var objects: [ExecutableJob] = []
            var interner = PlanInterner()
            var released = 0
            var i = open + 1
            let last = bytes.count
            var skeletonJobs = IndexSet()
            while true {
                if i - released >= Self.releaseStep { released = Self.release(bytes, upTo: i) }
                guard i < last else { throw RunFormatError("plan.json: the jobs list does not end") }
                if bytes[i] == UInt8(ascii: "]") { break }
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
            // The plan without its jobs.
            var header = Data(bytes[0...open])
            header.append(UInt8(ascii: "]"))
            header.append(contentsOf: bytes[(i + 1)..<bytes.count])
            var plan = try decoder.decode(ExecutablePlan.self, from: header)
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

    /// The index of the `[` after the top-level `"jobs":` key.
    static func jobsArrayStart(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        let key = Array("\"jobs\":[".utf8)
        var depth = 0
        var inString = false
        var escaped = false
        var i = 0
        while i < b.count {
            let c = b[i]
            if inString {
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            if depth == 1, c == UInt8(ascii: "\""), i + key.count <= b.count, key.withUnsafeBufferPointer({ memcmp($0.baseAddress!, b.baseAddress! + i, key.count) == 0 }) {
                return i + key.count - 1
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

    /// The byte range of the `[...]` after the top-level `"jobs":` key, brackets included.
    static func jobsArrayRange(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let open = jobsArrayStart(b) else { return nil }
        var depth = 0
        var inString = false
        var escaped = false
        for j in open..<b.count {
            let x = b[j]
            if inString {
                if escaped { escaped = false } else if x == UInt8(ascii: "\\") { escaped = true } else if x == UInt8(ascii: "\"") { inString = false }
            } else if x == UInt8(ascii: "\"") {
                inString = true
            } else if x == UInt8(ascii: "[") || x == UInt8(ascii: "{") {
                depth += 1
            } else if x == UInt8(ascii: "]") || x == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return open..<(j + 1) }
            }
        }
        return nil
    }
}
