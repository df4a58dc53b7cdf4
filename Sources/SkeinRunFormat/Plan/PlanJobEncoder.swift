import Foundation

/// Writes one `ExecutableJob` as the exact bytes `JSONEncoder` with `.sortedKeys` gives, an
/// order of magnitude faster: `JSONEncoder` builds a tree of boxed values per job and sorts
/// every object's keys, which was half of planning a million jobs. Keys are written in the
/// encoder's order (UTF-8 byte order), optionals left out when nil (as the synthesized
/// `encode(to:)` does), strings escaped as it escapes them (`"`, `\`, `/`, control
/// characters); a string many jobs share (the scratch folder) is escaped once, and a path in
/// the job's folder is its folder's bytes and its name escaped. Values that are rare in a plan
/// (tasks, registrations, containers, sub-workflows, a walltime) are encoded by `JSONEncoder`
/// itself and spliced in: without pretty printing a value's bytes do not depend on where it sits. `PlanJobEncoderTests`
/// compares both on jobs with every field set, and checks `keys` against the type's fields.
struct PlanJobEncoder {
    /// Every key `ExecutableJob` encodes, in the order written.
    static let keys = [
        "abortOnExitCode", "abortReturnValue", "arguments", "category", "container", "environment", "executable", "executor",
        "failureMessage", "hooks", "id", "inputChecksums", "inputLinks", "inputs", "kind", "maxWalltime", "metadata", "outputs",
        "parents", "priority", "profiles", "registrations", "removals", "retries", "sandbox", "site", "stderr", "stdin", "stdout",
        "subworkflow", "successMessage", "tasks", "transfers", "transformation", "workingDirectory",
    ]

    private let encoder: JSONEncoder
    /// The last few dictionaries written (kept alive, so their storage is not reused) and
    /// their bytes: jobs whose maps share one storage (the planner shares equal
    /// environment and profiles maps) are sorted and escaped once.
    private var lastMaps: [(map: [String: String], bytes: [UInt8])] = []
    /// The last few long strings written through `shared` or as a path's folder: their
    /// storage bits, the strings (kept alive, so their storage is not reused), their bytes
    /// and their escaped bytes. The scratch folder every job names, often more than once,
    /// and every path inside it (`/` is escaped) were most of encoding a plan; the bytes are
    /// this encoder's own, so reading them retains nothing the other threads touch.
    private var lastBits: [(UInt64, UInt64)] = []
    private var lastStrings: [String] = []
    private var lastBytes: [[UInt8]] = []
    private var lastEscaped: [[UInt8]] = []

    init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
    }

    /// Appends `job` as one JSON object to `out`.
    mutating func append(_ job: ExecutableJob, to out: inout [UInt8]) throws {
        try withUnsafePointer(to: job) { try append(at: $0, parents: job.parents, to: &out) }
    }

    /// Appends `job` with `parents` in place of its own (the planner's jobs name their
    /// parents by id; the plan by index), so a job need not be copied to be written.
    mutating func append(_ job: ExecutableJob, parents: [Int], to out: inout [UInt8]) throws {
        try withUnsafePointer(to: job) { try append(at: $0, parents: parents, to: &out) }
    }

    /// As above, the job read field by field where it is: a job passed by value to a call
    /// the compiler cannot see through (the planner's closure) was copied whole, each of its
    /// fields retained and released (8 % of writing a million jobs).
    /// `held`: the paths the job holds as names in a folder, joined here.
    mutating func append(at job: UnsafePointer<ExecutableJob>, parents: [Int], held: PathsInFolder = [], to out: inout [UInt8]) throws {
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ name: StaticString) {
            if first { first = false } else { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        let folder = job.pointee.workingDirectory
        if let value = job.pointee.abortOnExitCode { key("abortOnExitCode"); Self.integer(Int(value), &out) }
        if let value = job.pointee.abortReturnValue { key("abortReturnValue"); Self.integer(Int(value), &out) }
        key("arguments"); Self.strings(job.pointee.arguments, &out)
        if let value = job.pointee.category { key("category"); shared(value, &out) }
        if let value = job.pointee.container { key("container"); try encoded(value, &out) }
        key("environment"); map(job.pointee.environment, &out)
        key("executable"); shared(job.pointee.executable, &out)
        key("executor"); shared(job.pointee.executor, &out)
        if let value = job.pointee.failureMessage { key("failureMessage"); Self.string(value, &out) }
        key("hooks"); Self.hooks(job.pointee.hooks, &out)
        key("id"); Self.string(job.pointee.id, &out)
        key("inputChecksums"); map(job.pointee.inputChecksums, &out)
        key("inputLinks"); Self.inputLinks(job.pointee.inputLinks, &out)
        key("inputs"); Self.strings(job.pointee.inputs, &out)
        key("kind"); Self.string(job.pointee.kind.rawValue, &out)
        if let value = job.pointee.maxWalltime { key("maxWalltime"); try encoded(value, &out) }
        key("metadata"); map(job.pointee.metadata, &out)
        key("outputs"); Self.strings(job.pointee.outputs, &out)
        key("parents"); Self.integers(parents, &out)
        key("priority"); Self.integer(job.pointee.priority, &out)
        key("profiles"); map(job.pointee.profiles, &out)
        key("registrations"); try encodedArray(job.pointee.registrations, &out)
        key("removals"); paths(job.pointee.removals, in: folder, names: held.contains(.removals), &out)
        key("retries"); Self.integer(job.pointee.retries, &out)
        if let value = job.pointee.sandbox { key("sandbox"); sandbox(value, names: held.contains(.sandbox), &out) }
        key("site"); shared(job.pointee.site, &out)
        if let value = job.pointee.stderr { key("stderr"); Self.string(value, &out) }
        if let value = job.pointee.stdin { key("stdin"); Self.string(value, &out) }
        if let value = job.pointee.stdout { key("stdout"); Self.string(value, &out) }
        if let value = job.pointee.subworkflow { key("subworkflow"); try encoded(value, &out) }
        if let value = job.pointee.successMessage { key("successMessage"); Self.string(value, &out) }
        key("tasks"); try encodedArray(job.pointee.tasks, &out)
        key("transfers"); transfers(job.pointee.transfers, in: folder, &out)
        key("transformation"); shared(job.pointee.transformation, &out)
        key("workingDirectory"); shared(folder, &out)
        out.append(UInt8(ascii: "}"))
    }

    // MARK: strings many jobs share

    /// A string most jobs share (one storage: the planner interns them), escaped once.
    /// Equal storage bits are the same text (a short string's bits are its bytes); a long
    /// string's storage stays alive while it is in `lastStrings`, so it is never reused.
    private mutating func shared(_ value: String, _ out: inout [UInt8]) {
        guard value.utf8.count > 15 else { return Self.string(value, &out) }
        let known = remembered(value)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: lastEscaped[known])
        out.append(UInt8(ascii: "\""))
    }

    /// Where `value` is in the `last...` arrays (added when it is not).
    private mutating func remembered(_ value: String) -> Int {
        let bits = unsafeBitCast(value, to: (UInt64, UInt64).self)
        for n in lastBits.indices where lastBits[n] == bits { return n }
        let bytes = Array(value.utf8)
        var escaped: [UInt8] = []
        bytes.withUnsafeBufferPointer { Self.escape($0, &escaped) }
        if lastBits.count >= 8 {
            lastBits.removeFirst()
            lastStrings.removeFirst()
            lastBytes.removeFirst()
            lastEscaped.removeFirst()
        }
        lastBits.append(bits)
        lastStrings.append(value)
        lastBytes.append(bytes)
        lastEscaped.append(escaped)
        return lastBits.count - 1
    }

    /// A path, most often `folder/name`: the folder's escaped bytes are written from
    /// `remembered`, and only the name is escaped here.
    private mutating func path(_ value: String, in folder: String, _ out: inout [UInt8]) {
        guard folder.utf8.count > 15 else { return Self.string(value, &out) }
        let known = remembered(folder)
        let written = value.utf8.withContiguousStorageIfAvailable { path -> Bool in
            let count = lastBytes[known].count
            guard path.count > count + 1, path[count] == UInt8(ascii: "/"),
                  lastBytes[known].withUnsafeBufferPointer({ memcmp(path.baseAddress!, $0.baseAddress!, count) == 0 }) else { return false }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: lastEscaped[known])
            Self.escape(UnsafeBufferPointer(rebasing: path[count...]), &out)
            out.append(UInt8(ascii: "\""))
            return true
        }
        if written != true { Self.string(value, &out) }
    }

    /// `name` in `folder` as one path (`PathsInFolder.path`), the folder's escaped bytes
    /// from `remembered`.
    private mutating func path(named name: String, in folder: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if folder.utf8.count > 15 {
            out.append(contentsOf: lastEscaped[remembered(folder)])
        } else {
            var escaped: [UInt8] = []
            Self.string(folder, &escaped)
            out.append(contentsOf: escaped.dropFirst().dropLast())
        }
        if folder.utf8.last != UInt8(ascii: "/") { out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "/")]) }
        if name.utf8.withContiguousStorageIfAvailable({ Self.escape($0, &out) }) == nil {
            Array(name.utf8).withUnsafeBufferPointer { Self.escape($0, &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `names`: the values are names in `folder`.
    private mutating func paths(_ values: [String], in folder: String, names: Bool, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for n in values.indices {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            if names { path(named: values[n], in: folder, &out) } else { path(values[n], in: folder, &out) }
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `names`: a file with an empty path is its lfn in the root.
    private mutating func sandbox(_ sandbox: JobSandbox, names: Bool, _ out: inout [UInt8]) {
        out.append(contentsOf: #"{"inputs":"#.utf8)
        files(sandbox.inputs, in: sandbox.root, names: names, &out)
        out.append(contentsOf: #","outputs":"#.utf8)
        files(sandbox.outputs, in: sandbox.root, names: names, &out)
        out.append(contentsOf: #","root":"#.utf8)
        shared(sandbox.root, &out)
        out.append(UInt8(ascii: "}"))
    }

    private mutating func files(_ files: [SandboxFile], in folder: String, names: Bool, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for n in files.indices {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"lfn":"#.utf8)
            Self.string(files[n].lfn, &out)
            out.append(contentsOf: #","path":"#.utf8)
            if names && files[n].path.isEmpty { path(named: files[n].lfn, in: folder, &out) } else { path(files[n].path, in: folder, &out) }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `PlannedTransfer`s as `JSONEncoder` writes them (a stage-in job moves thousands).
    private mutating func transfers(_ transfers: [PlannedTransfer], in folder: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for n in transfers.indices {
            let transfer = transfers[n]
            if n > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"destination":"#.utf8)
            path(transfer.destination, in: folder, &out)
            if let executable = transfer.executable { out.append(contentsOf: (executable ? #","executable":true"# : #","executable":false"#).utf8) }
            out.append(contentsOf: #","lfn":"#.utf8)
            Self.string(transfer.lfn, &out)
            out.append(contentsOf: (transfer.link ? #","link":true"# : #","link":false"#).utf8)
            if let sha256 = transfer.sha256 {
                out.append(contentsOf: #","sha256":"#.utf8)
                Self.string(sha256, &out)
            }
            out.append(contentsOf: #","source":"#.utf8)
            path(transfer.source, in: folder, &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }

    // MARK: values JSONEncoder writes

    /// A value of a rare kind, through `JSONEncoder` (inside an array, so any value works).
    private func encoded<T: Encodable>(_ value: T, _ out: inout [UInt8]) throws {
        let data = try encoder.encode([value])
        out.append(contentsOf: data.dropFirst().dropLast())
    }

    private func encodedArray<T: Encodable>(_ values: [T], _ out: inout [UInt8]) throws {
        if values.isEmpty {
            out.append(contentsOf: [UInt8(ascii: "["), UInt8(ascii: "]")])
        } else {
            out.append(contentsOf: try encoder.encode(values))
        }
    }

    /// A `[String: String]` with its keys in UTF-8 order; the bytes of the last few maps
    /// written are kept, so a map most jobs share is sorted and escaped once.
    private mutating func map(_ map: [String: String], _ out: inout [UInt8]) {
        if map.isEmpty {
            out.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
            return
        }
        if let known = lastMaps.first(where: { Self.sameStorage($0.map, map) }) {
            out.append(contentsOf: known.bytes)
            return
        }
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        for (n, entry) in map.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if n > 0 { bytes.append(UInt8(ascii: ",")) }
            Self.string(entry.key, &bytes)
            bytes.append(UInt8(ascii: ":"))
            Self.string(entry.value, &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        out.append(contentsOf: bytes)
        if lastMaps.count >= 8 { lastMaps.removeFirst() }
        lastMaps.append((map, bytes))
    }

    /// Whether two maps are one storage (a dictionary is one reference to it).
    static func sameStorage(_ a: [String: String], _ b: [String: String]) -> Bool {
        unsafeBitCast(a, to: UInt.self) == unsafeBitCast(b, to: UInt.self)
    }

    // MARK: values written here

    static func integer(_ value: Int, _ out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            out.append(contentsOf: String(value).utf8)
        }
    }

    /// `[e,e,...]`, each element written by `element`.
    static func array<Element>(_ values: [Element], _ out: inout [UInt8], _ element: (Element, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "["))
        for (n, value) in values.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            element(value, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    static func integers(_ values: [Int], _ out: inout [UInt8]) { array(values, &out, integer) }

    static func strings(_ values: [String], _ out: inout [UInt8]) { array(values, &out, string) }

    static func hooks(_ hooks: [PlannedHook], _ out: inout [UInt8]) {
        array(hooks, &out) { hook, out in pair("command", hook.command, "on", hook.on, &out) }
    }

    static func inputLinks(_ links: [InputLink], _ out: inout [UInt8]) {
        array(links, &out) { link, out in pair("lfn", link.lfn, "source", link.source, &out) }
    }

    /// `{"first":..,"second":..}`, the keys given in order.
    static func pair(_ first: StaticString, _ firstValue: String, _ second: StaticString, _ secondValue: String, _ out: inout [UInt8]) {
        out.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "\"")])
        first.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        string(firstValue, &out)
        out.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: "\"")])
        second.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        string(secondValue, &out)
        out.append(UInt8(ascii: "}"))
    }

    /// A JSON string as `JSONEncoder` escapes it: `"`, `\` and `/` with a backslash, the
    /// control characters by their short escapes or `\u00XX`, everything else as it is.
    static func string(_ value: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Read in place (a `var` copy to call `withUTF8` retained every string written).
        if value.utf8.withContiguousStorageIfAvailable({ escape($0, &out) }) == nil {
            Array(value.utf8).withUnsafeBufferPointer { escape($0, &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The inside of a JSON string (no quotes) for the UTF-8 `bytes`.
    static func escape(_ bytes: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8]) {
        var mark = 0
        for i in 0..<bytes.count {
            let b = bytes[i]
            // Most bytes are letters and digits, above every byte escaped but the backslash.
            if b > UInt8(ascii: "/") && b != UInt8(ascii: "\\") { continue }
            let escape: UInt8
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escape = b
            case 0x08: escape = UInt8(ascii: "b")
            case 0x0C: escape = UInt8(ascii: "f")
            case 0x0A: escape = UInt8(ascii: "n")
            case 0x0D: escape = UInt8(ascii: "r")
            case 0x09: escape = UInt8(ascii: "t")
            case 0x00...0x1F: escape = 0
            default: continue
            }
            if i > mark { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[mark..<i])) }
            if escape == 0 {
                let hex = Array("0123456789abcdef".utf8)
                out.append(UInt8(ascii: "\\"))
                out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            } else {
                out.append(UInt8(ascii: "\\"))
                out.append(escape)
            }
            mark = i + 1
        }
        if bytes.count > mark { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[mark..<bytes.count])) }
    }
}
