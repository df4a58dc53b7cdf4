import Foundation

/// Writes one `ExecutableJob` as the exact bytes `JSONEncoder` with `.sortedKeys` gives, an
/// order of magnitude faster: `JSONEncoder` builds a tree of boxed values per job and sorts
/// every object's keys, which was half of planning a million jobs. Keys are written in the
/// encoder's order (UTF-8 byte order), optionals left out when nil (as the synthesized
/// `encode(to:)` does), strings escaped as it escapes them (`"`, `\`, `/`, control
/// characters). Values that are rare in a plan (tasks, transfers, registrations, containers,
/// sub-workflows, a walltime) are encoded by `JSONEncoder` itself and spliced in: without
/// pretty printing a value's bytes do not depend on where it sits. `PlanJobEncoderTests`
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

    init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
    }

    /// Appends `job` as one JSON object to `out`.
    mutating func append(_ job: ExecutableJob, to out: inout [UInt8]) throws {
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ name: StaticString) {
            if first { first = false } else { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        if let value = job.abortOnExitCode { key("abortOnExitCode"); Self.integer(Int(value), &out) }
        if let value = job.abortReturnValue { key("abortReturnValue"); Self.integer(Int(value), &out) }
        key("arguments"); Self.strings(job.arguments, &out)
        if let value = job.category { key("category"); Self.string(value, &out) }
        if let value = job.container { key("container"); try encoded(value, &out) }
        key("environment"); map(job.environment, &out)
        key("executable"); Self.string(job.executable, &out)
        key("executor"); Self.string(job.executor, &out)
        if let value = job.failureMessage { key("failureMessage"); Self.string(value, &out) }
        key("hooks"); Self.hooks(job.hooks, &out)
        key("id"); Self.string(job.id, &out)
        key("inputChecksums"); map(job.inputChecksums, &out)
        key("inputLinks"); Self.inputLinks(job.inputLinks, &out)
        key("inputs"); Self.strings(job.inputs, &out)
        key("kind"); Self.string(job.kind.rawValue, &out)
        if let value = job.maxWalltime { key("maxWalltime"); try encoded(value, &out) }
        key("metadata"); map(job.metadata, &out)
        key("outputs"); Self.strings(job.outputs, &out)
        key("parents"); Self.integers(job.parents, &out)
        key("priority"); Self.integer(job.priority, &out)
        key("profiles"); map(job.profiles, &out)
        key("registrations"); try encodedArray(job.registrations, &out)
        key("removals"); Self.strings(job.removals, &out)
        key("retries"); Self.integer(job.retries, &out)
        if let value = job.sandbox { key("sandbox"); Self.sandbox(value, &out) }
        key("site"); Self.string(job.site, &out)
        if let value = job.stderr { key("stderr"); Self.string(value, &out) }
        if let value = job.stdin { key("stdin"); Self.string(value, &out) }
        if let value = job.stdout { key("stdout"); Self.string(value, &out) }
        if let value = job.subworkflow { key("subworkflow"); try encoded(value, &out) }
        if let value = job.successMessage { key("successMessage"); Self.string(value, &out) }
        key("tasks"); try encodedArray(job.tasks, &out)
        key("transfers"); try encodedArray(job.transfers, &out)
        key("transformation"); Self.string(job.transformation, &out)
        key("workingDirectory"); Self.string(job.workingDirectory, &out)
        out.append(UInt8(ascii: "}"))
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

    static func sandbox(_ sandbox: JobSandbox, _ out: inout [UInt8]) {
        let file: (SandboxFile, inout [UInt8]) -> Void = { file, out in pair("lfn", file.lfn, "path", file.path, &out) }
        out.append(contentsOf: #"{"inputs":"#.utf8)
        array(sandbox.inputs, &out, file)
        out.append(contentsOf: #","outputs":"#.utf8)
        array(sandbox.outputs, &out, file)
        out.append(contentsOf: #","root":"#.utf8)
        string(sandbox.root, &out)
        out.append(UInt8(ascii: "}"))
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
        var text = value
        text.withUTF8 { bytes in
            var mark = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
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
                out.append(UInt8(ascii: "\\"))
                if escape == 0 {
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                } else {
                    out.append(escape)
                }
                mark = i + 1
            }
            if bytes.count > mark { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[mark..<bytes.count])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
