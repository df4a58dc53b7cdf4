#if canImport(Glibc)
import Glibc
#endif

/// Reads one job object of plan.json straight into an `ExecutableJob`, for the shapes
/// `skein plan` writes for most jobs (strings, numbers, lists and maps of strings, a
/// sandbox). Anything else (a container, tasks, transfers, hooks, a key it does not know,
/// JSON it does not expect) returns nil and the job is decoded by `JSONDecoder`, so both
/// give the same job.
///
/// Why: `JSONDecoder` took about 30 µs a job, 30 s of a million-job engine's start and of
/// every resume of it (issue 15: a resume must launch its first job within 10 s).
struct PlanJobDecoder {
    private let b: UnsafeBufferPointer<UInt8>
    private var i: Int
    private let end: Int

    /// Decodes the object in `bytes[range]` (its braces included).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ range: ClosedRange<Int>) -> ExecutableJob? {
        var decoder = PlanJobDecoder(b: bytes, i: range.lowerBound, end: range.upperBound + 1)
        guard let job = decoder.job(), (try? decoder.peekOrEnd()) == nil else { return nil }
        return job
    }

    /// Decodes the object that starts at `start`, reading no further than `limit`; returns
    /// the job and the index after its closing brace.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int) -> (job: ExecutableJob, next: Int)? {
        var decoder = PlanJobDecoder(b: bytes, i: start, end: limit)
        guard let job = decoder.job() else { return nil }
        return (job, decoder.i)
    }

    private struct Unexpected: Error {}

    /// Reads only what an engine needs of a job it will never run (a job a resumed run's
    /// checkpoint says succeeded): its id, kind, executor, parents and sandbox root, skipping
    /// the rest of the object without building it. Returns the skeleton and the index after
    /// its closing brace; nil for anything unexpected (the caller then decodes it in full).
    ///
    /// Why: a restart at 900,000 jobs done decoded every job of the 589 MB plan (issue 15:
    /// a restart must launch its first new job within 10 s).
    static func skeleton(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int) -> (job: ExecutableJob, next: Int)? {
        var decoder = PlanJobDecoder(b: bytes, i: start, end: limit)
        var job = ExecutableJob(id: "", kind: .compute, transformation: "", site: "", executable: "", arguments: [], environment: [:],
                                workingDirectory: "", parents: [])
        var seen = 0
        do {
            try decoder.expect(UInt8(ascii: "{"))
            if try decoder.peek() == UInt8(ascii: "}") { return nil }
            repeat {
                guard let (key, _) = try decoder.key() else { return nil }
                try decoder.expect(UInt8(ascii: ":"))
                switch key {
                case .id: job.id = try decoder.string(); seen |= 1
                case .kind: job.kind = JobKind(rawValue: try decoder.string()); seen |= 2
                case .executor: job.executor = try decoder.string()
                case .parents: job.parents = try decoder.list { try $0.integer() }; seen |= 4
                case .sandbox:
                    if let root = try decoder.optional({ try $0.sandboxRoot() }) { job.sandbox = JobSandbox(root: root, inputs: [], outputs: []) }
                default: try decoder.skipValue()
                }
            } while try decoder.separator(UInt8(ascii: "}"))
        } catch {
            return nil
        }
        return seen == 7 ? (job, decoder.i) : nil
    }

    /// A sandbox object's `root`, its file lists skipped.
    private mutating func sandboxRoot() throws -> String {
        var root: String?
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") { throw Unexpected() }
        repeat {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            if key == "root" { root = try string() } else { try skipValue() }
        } while try separator(UInt8(ascii: "}"))
        guard let root else { throw Unexpected() }
        return root
    }

    /// Steps over one JSON value (strings with their escapes, nested objects and lists)
    /// without building it.
    private mutating func skipValue() throws {
        var depth = 0
        repeat {
            let c = try peek()
            switch c {
            case UInt8(ascii: "\""):
                i += 1
                while i < end, b[i] != UInt8(ascii: "\"") { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
                guard i < end else { throw Unexpected() }
                i += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { throw Unexpected() }
                depth -= 1
                i += 1
            case UInt8(ascii: ","), UInt8(ascii: ":"):
                guard depth > 0 else { throw Unexpected() }
                i += 1
            default:
                // A number, true, false or null: up to the next delimiter.
                let start = i
                while i < end, !Self.delimiters.contains(b[i]) { i += 1 }
                guard i > start else { throw Unexpected() }
            }
        } while depth > 0
    }

    private static let delimiters: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ":"), 0x20, 0x0A, 0x0D, 0x09]


    private enum Key: String, CaseIterable {
        case id, kind, transformation, site, executor, executable, arguments, environment, workingDirectory, stdin, stdout, stderr,
             retries, maxWalltime, priority, category, abortOnExitCode, abortReturnValue, successMessage, failureMessage, parents,
             inputLinks, outputs, inputs, hooks, profiles, metadata, tasks, transfers, removals, registrations, container,
             inputChecksums, sandbox, subworkflow

        var bit: UInt64 { 1 << UInt64(Self.allCases.firstIndex(of: self)!) }

        /// The keys by their UTF-8 bytes, for matching a key without making a String of it.
        static let byBytes: [(bytes: [UInt8], key: Key, bit: UInt64)] = allCases.map { (Array($0.rawValue.utf8), $0, $0.bit) }
    }

    /// Keys JSONDecoder requires (`decode`, not `decodeIfPresent`): without one, it decides.
    private static let required: UInt64 = [Key.id, .kind, .transformation, .site, .executable, .arguments, .environment, .workingDirectory,
                                           .retries, .priority, .parents, .inputLinks, .outputs, .hooks, .profiles].reduce(0) { $0 | $1.bit }

    private mutating func job() -> ExecutableJob? {
        var job = ExecutableJob(id: "", kind: .compute, transformation: "", site: "", executable: "", arguments: [], environment: [:],
                                workingDirectory: "", parents: [])
        var seen: UInt64 = 0
        do {
            try expect(UInt8(ascii: "{"))
            if try peek() == UInt8(ascii: "}") { i += 1 } else {
                repeat {
                    guard let (key, bit) = try key() else { return nil }
                    seen |= bit
                    try expect(UInt8(ascii: ":"))
                    try read(key, into: &job)
                } while try separator(UInt8(ascii: "}"))
            }
        } catch {
            return nil
        }
        return seen & Self.required == Self.required ? job : nil
    }

    /// A member's key, if it is one of `Key` written without escapes.
    private mutating func key() throws -> (Key, UInt64)? {
        try expect(UInt8(ascii: "\""))
        let start = i
        while i < end, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\") { i += 1 }
        guard i < end, b[i] == UInt8(ascii: "\"") else { return nil }
        let length = i - start
        i += 1
        for entry in Key.byBytes where entry.bytes.count == length {
            if entry.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, b.baseAddress! + start, length) == 0 }) { return (entry.key, entry.bit) }
        }
        return nil
    }

    private mutating func read(_ key: Key, into job: inout ExecutableJob) throws {
        switch key {
        case .id: job.id = try string()
        case .kind: job.kind = JobKind(rawValue: try string())
        case .transformation: job.transformation = try string()
        case .site: job.site = try string()
        case .executor: job.executor = try string()
        case .executable: job.executable = try string()
        case .arguments: job.arguments = try strings()
        case .environment: job.environment = try map()
        case .workingDirectory: job.workingDirectory = try string()
        case .stdin: job.stdin = try optional { try $0.string() }
        case .stdout: job.stdout = try optional { try $0.string() }
        case .stderr: job.stderr = try optional { try $0.string() }
        case .retries: job.retries = try integer()
        case .maxWalltime: job.maxWalltime = try optional { try $0.double() }
        case .priority: job.priority = try integer()
        case .category: job.category = try optional { try $0.string() }
        case .abortOnExitCode: job.abortOnExitCode = try optional { try $0.int32() }
        case .abortReturnValue: job.abortReturnValue = try optional { try $0.int32() }
        case .successMessage: job.successMessage = try optional { try $0.string() }
        case .failureMessage: job.failureMessage = try optional { try $0.string() }
        case .parents: job.parents = try list { try $0.integer() }
        case .outputs: job.outputs = try strings()
        case .inputs: job.inputs = try strings()
        case .removals: job.removals = try strings()
        case .profiles: job.profiles = try map()
        case .metadata: job.metadata = try map()
        case .inputChecksums: job.inputChecksums = try map()
        case .inputLinks, .hooks, .tasks, .transfers, .registrations: try emptyList()
        case .container, .subworkflow: try null()
        case .sandbox: job.sandbox = try optional { try $0.sandbox() }
        }
    }

    private mutating func sandbox() throws -> JobSandbox {
        var root: String?
        var inputs: [SandboxFile]?
        var outputs: [SandboxFile]?
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") { throw Unexpected() }
        repeat {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            switch key {
            case "root": root = try string()
            case "inputs": inputs = try list { try $0.sandboxFile() }
            case "outputs": outputs = try list { try $0.sandboxFile() }
            default: throw Unexpected()
            }
        } while try separator(UInt8(ascii: "}"))
        guard let root, let inputs, let outputs else { throw Unexpected() }
        return JobSandbox(root: root, inputs: inputs, outputs: outputs)
    }

    private mutating func sandboxFile() throws -> SandboxFile {
        var lfn: String?
        var path: String?
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") { throw Unexpected() }
        repeat {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            switch key {
            case "lfn": lfn = try string()
            case "path": path = try string()
            default: throw Unexpected()
            }
        } while try separator(UInt8(ascii: "}"))
        guard let lfn, let path else { throw Unexpected() }
        return SandboxFile(lfn: lfn, path: path)
    }

    // MARK: - JSON values

    private mutating func skipSpace() {
        while i < end, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    private mutating func peek() throws -> UInt8 {
        skipSpace()
        guard i < end else { throw Unexpected() }
        return b[i]
    }

    private mutating func peekOrEnd() throws -> UInt8? {
        skipSpace()
        return i < end ? b[i] : nil
    }

    private mutating func expect(_ c: UInt8) throws {
        guard try peek() == c else { throw Unexpected() }
        i += 1
    }

    /// After a member: true at a comma (another follows), false at `close`.
    private mutating func separator(_ close: UInt8) throws -> Bool {
        let c = try peek()
        i += 1
        if c == UInt8(ascii: ",") { return true }
        if c == close { return false }
        throw Unexpected()
    }

    private mutating func null() throws {
        guard try peek() == UInt8(ascii: "n"), i + 4 <= end, b[i + 1] == UInt8(ascii: "u"), b[i + 2] == UInt8(ascii: "l"), b[i + 3] == UInt8(ascii: "l") else {
            throw Unexpected()
        }
        i += 4
    }

    private mutating func optional<T>(_ value: (inout PlanJobDecoder) throws -> T) throws -> T? {
        if try peek() == UInt8(ascii: "n") {
            try null()
            return nil
        }
        return try value(&self)
    }

    private mutating func list<T>(_ element: (inout PlanJobDecoder) throws -> T) throws -> [T] {
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            i += 1
            return []
        }
        var items: [T] = []
        repeat { items.append(try element(&self)) } while try separator(UInt8(ascii: "]"))
        return items
    }

    private mutating func emptyList() throws {
        try expect(UInt8(ascii: "["))
        try expect(UInt8(ascii: "]"))
    }

    private mutating func strings() throws -> [String] { try list { try $0.string() } }

    private mutating func map() throws -> [String: String] {
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") {
            i += 1
            return [:]
        }
        var result: [String: String] = [:]
        repeat {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            result[key] = try string()
        } while try separator(UInt8(ascii: "}"))
        return result
    }

    private mutating func integer() throws -> Int {
        _ = try peek()
        var negative = false
        if b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var value = 0
        var digits = 0
        while i < end, b[i] >= 0x30, b[i] <= 0x39 {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(Int(b[i] - 0x30))
            if o1 || o2 { throw Unexpected() }
            value = plus
            digits += 1
            i += 1
        }
        // A fraction or an exponent is JSONDecoder's to judge.
        guard digits > 0, i >= end || (b[i] != UInt8(ascii: ".") && b[i] != UInt8(ascii: "e") && b[i] != UInt8(ascii: "E")) else { throw Unexpected() }
        return negative ? -value : value
    }

    private mutating func int32() throws -> Int32 {
        guard let value = Int32(exactly: try integer()) else { throw Unexpected() }
        return value
    }

    private mutating func double() throws -> Double {
        _ = try peek()
        let start = i
        while i < end, let c = Optional(b[i]), (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
            || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { i += 1 }
        guard i > start, let value = Double(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)), value.isFinite else { throw Unexpected() }
        return value
    }

    private mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        let start = i
        var escaped = false
        while i < end {
            let c = b[i]
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") { escaped = true; i += 2; continue }
            if c < 0x20 { throw Unexpected() }
            i += 1
        }
        guard i < end else { throw Unexpected() }
        let raw = UnsafeBufferPointer(rebasing: b[start..<i])
        i += 1
        if !escaped { return String(decoding: raw, as: UTF8.self) }
        return try Self.unescape(raw)
    }

    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var k = 0
        while k < raw.count {
            let c = raw[k]
            guard c == UInt8(ascii: "\\") else { out.append(c); k += 1; continue }
            guard k + 1 < raw.count else { throw Unexpected() }
            let e = raw[k + 1]
            k += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(raw, &k)
                if (0xD800...0xDBFF).contains(scalar) {
                    // A surrogate pair; a lone half is JSONDecoder's to judge.
                    guard k + 6 <= raw.count, raw[k] == UInt8(ascii: "\\"), raw[k + 1] == UInt8(ascii: "u") else { throw Unexpected() }
                    k += 2
                    let low = try hex4(raw, &k)
                    guard (0xDC00...0xDFFF).contains(low) else { throw Unexpected() }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw Unexpected() }
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            default: throw Unexpected()
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ k: inout Int) throws -> UInt32 {
        guard k + 4 <= raw.count else { throw Unexpected() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = raw[k]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw Unexpected()
            }
            value = value * 16 + digit
            k += 1
        }
        return value
    }
}
