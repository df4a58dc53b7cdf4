#if canImport(Glibc)
import Glibc
#endif

/// The engine's reading of a clustered job's record: per task only what the engine keeps (ids,
/// times, status, rusage, executable, stdout and stderr text), found by one pass over the lines,
/// without building a YAML tree. A cluster of 100 no-op tasks writes some 340 KB of records;
/// parsing them with libyaml into a tree took as long as running the tasks, on the executor's
/// events thread. The scan reads the block layout kickstart writes (keys by indentation, plain
/// and quoted scalars, literal blocks); anything else in a record (flow collections, anchors,
/// tags, a quoted scalar over several lines) makes it give up, and the full reader is used.
public enum ClusterRecordScan {
    /// The record at `path` (nil when it cannot be read): scanned, else fully parsed.
    public static func read(_ path: String) -> KickstartRecord? {
        guard let bytes = readBytes(path), !bytes.isEmpty else { return nil }
        if let scanned = scan(bytes, path: path) { return scanned }
        return try? KickstartRecord.parse(bytes, path: path)
    }

    /// The record's invocations and cluster lines, or nil when it holds something the scan
    /// does not read.
    public static func scan(_ bytes: [UInt8], path: String) -> KickstartRecord? {
        var lines: [ClusterLine] = []
        var invocations: [KickstartRecord.Invocation] = []
        var current: KickstartRecord.Invocation?
        // Keys of the mappings the current line is inside, with their indentation.
        var stack: [(indent: Int, key: String)] = []
        var i = 0
        let n = bytes.count
        // The indentation of the last key with a scalar value: a deeper line would continue it.
        var scalarIndent = Int.max
        func finish() {
            if var c = current {
                // As the full reader: a raw status alone is decoded into exit code or signal.
                if c.exitCode == nil, c.signal == nil, let raw = c.rawStatus {
                    if raw & 127 != 0 { c.signal = raw & 127 } else { c.exitCode = raw >> 8 }
                }
                invocations.append(c)
            }
            current = nil
        }
        while i < n {
            var end = i
            while end < n && bytes[end] != 10 { end += 1 }
            let line = bytes[i..<end]
            i = end + 1
            if line.first == UInt8(ascii: "[") {
                guard let parsed = ClusterLine.parse(Substring(decoding: line, as: UTF8.self)) else { return nil }
                finish(); stack = []
                lines.append(parsed)
                continue
            }
            var indent = 0
            var at = line.startIndex
            while at < line.endIndex && line[at] == 32 { indent += 1; at += 1 }
            if at == line.endIndex { continue }  // blank
            if line[at] == UInt8(ascii: "#") { continue }
            if indent > scalarIndent { return nil }  // a plain scalar over several lines
            scalarIndent = Int.max
            if line[at] == UInt8(ascii: "-") {
                // `- invocation: True` opens a record; other list items (argv, jobids) are skipped.
                if indent == 0, line[at...].starts(with: Array("- invocation:".utf8)) {
                    finish(); stack = []
                    current = emptyInvocation()
                    continue
                }
                guard current != nil, at + 1 == line.endIndex || line[at + 1] == 32 else { return nil }
                // A list item (argv, jobids, procs) is not kept; it must end on its line. A
                // mapping item's keys are deeper than the `-`, so they land under the
                // sequence's key, which is not read.
                var item = at + 1
                while item < line.endIndex && line[item] == 32 { item += 1 }
                if item < line.endIndex {
                    switch line[item] {
                    case UInt8(ascii: "\""): guard doubleQuoted(line[item...]) != nil else { return nil }
                    case UInt8(ascii: "'"): guard singleQuoted(line[item...]) != nil else { return nil }
                    case UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "&"), UInt8(ascii: "*"),
                         UInt8(ascii: "!"):
                        return nil
                    case UInt8(ascii: "-") where item + 1 == line.endIndex || line[item + 1] == 32:
                        return nil  // a sequence in a sequence
                    default: scalarIndent = indent
                    }
                }
                continue
            }
            // Text outside a record (a batch system's epilogue) is skipped, as monitord does;
            // a line at the left margin ends a record.
            if indent == 0 { finish(); stack = []; continue }
            guard current != nil else { continue }
            // key: value
            guard let colon = keyEnd(line, from: at) else { return nil }
            let key = String(decoding: line[at..<colon], as: UTF8.self)
            var valueStart = colon + 1
            while valueStart < line.endIndex && line[valueStart] == 32 { valueStart += 1 }
            while let last = stack.last, last.indent >= indent { stack.removeLast() }
            let parent = stack.map(\.key)
            if valueStart == line.endIndex {
                stack.append((indent, key))  // a nested mapping (or an empty value)
                continue
            }
            let first = line[valueStart]
            var value: String
            switch first {
            case UInt8(ascii: "|"):
                // A literal block: the following lines indented deeper than the key.
                guard let header = blockHeader(line[(valueStart + 1)...]) else { return nil }
                var blockLines: [ArraySlice<UInt8>] = []
                var j = i
                while j < n {
                    var e = j
                    while e < n && bytes[e] != 10 { e += 1 }
                    let candidate = bytes[j..<e]
                    var spaces = 0
                    while spaces < candidate.count && candidate[candidate.startIndex + spaces] == 32 { spaces += 1 }
                    if spaces < candidate.count && spaces <= indent { break }
                    blockLines.append(candidate)
                    j = e + 1
                }
                i = min(j, n)
                value = literal(blockLines, explicitIndent: header.indent.map { indent + $0 }, chomp: header.chomp)
            case UInt8(ascii: "\""):
                guard let text = doubleQuoted(line[valueStart...]) else { return nil }
                value = text
            case UInt8(ascii: "'"):
                guard let text = singleQuoted(line[valueStart...]) else { return nil }
                value = text
            case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: ">"):
                return nil
            default:
                var stop = line.endIndex
                // A comment after a plain scalar ends it.
                var k = valueStart
                while k < line.endIndex {
                    if line[k] == UInt8(ascii: "#") && line[k - 1] == 32 { stop = k; break }
                    k += 1
                }
                while stop > valueStart && line[stop - 1] == 32 { stop -= 1 }
                value = String(decoding: line[valueStart..<stop], as: UTF8.self)
                scalarIndent = indent
                if value == "~" || value == "null" || value == "Null" || value == "NULL" { continue }
            }
            store(&current!, parent: parent, key: key, value: value)
        }
        finish()
        let summary = lines.last { $0.isSummary }
        if invocations.isEmpty && summary == nil { return nil }
        return KickstartRecord(path: path, invocations: invocations, clusterTasks: lines.filter { !$0.isSummary }, clusterSummary: summary)
    }

    /// The fields the engine reads, where KickstartRecord.invocation finds them.
    static func store(_ inv: inout KickstartRecord.Invocation, parent: [String], key: String, value: String) {
        switch (parent.count, parent.last, key) {
        case (0, _, "transformation"): inv.transformation = value
        case (0, _, "derivation"): inv.derivation = value
        case (0, _, "resource"): inv.resource = value
        case (0, _, "hostname"): inv.hostname = value
        case (0, _, "hostaddr"): inv.hostaddr = value
        case (0, _, "user"): inv.user = value
        case (0, _, "start"): inv.start = value
        case (0, _, "duration"): inv.duration = Double(value)
        case (0, _, "cwd"): inv.cwd = value
        case (0, _, "pid"): inv.pid = Int(value)
        case (1, "mainjob", "start"): inv.mainStart = value
        case (1, "mainjob", "duration"): inv.mainDuration = Double(value)
        case (1, "mainjob", "pid"): inv.mainPID = Int(value)
        case (2, "status", "raw") where parent[0] == "mainjob": inv.rawStatus = Int(value)
        case (2, "status", "regular_exitcode") where parent[0] == "mainjob": inv.exitCode = Int(value)
        case (2, "status", "signalled_signal") where parent[0] == "mainjob": inv.signal = Int(value)
        case (2, "status", "failure_error") where parent[0] == "mainjob": inv.failure = value
        case (2, "usage", "utime") where parent[0] == "mainjob": inv.utime = Double(value)
        case (2, "usage", "stime") where parent[0] == "mainjob": inv.stime = Double(value)
        case (2, "usage", "maxrss") where parent[0] == "mainjob": inv.maxrssKB = Int(value)
        case (2, "executable", "file_name") where parent[0] == "mainjob": inv.executable = value
        case (2, "stdout", "data") where parent[0] == "files": inv.stdoutData = value
        case (2, "stderr", "data") where parent[0] == "files": inv.stderrData = value
        default: break
        }
    }

    static func emptyInvocation() -> KickstartRecord.Invocation {
        KickstartRecord.Invocation(transformation: nil, derivation: nil, resource: nil, hostname: nil, hostaddr: nil, user: nil, start: nil,
                                   duration: nil, cwd: nil, pid: nil, rawStatus: nil, exitCode: nil, signal: nil, failure: nil, mainStart: nil,
                                   mainDuration: nil, mainPID: nil, utime: nil, stime: nil, maxrssKB: nil, executable: nil, arguments: [],
                                   files: [], stdoutData: nil, stderrData: nil, machine: [])
    }

    /// The index of the `:` that ends a plain key (followed by a blank or the line's end).
    static func keyEnd(_ line: ArraySlice<UInt8>, from start: Int) -> Int? {
        let c = line[start]
        if c == UInt8(ascii: "?") || c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { return nil }
        var k = start
        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
            // A quoted key (environment variables): up to its closing quote, then `:`.
            k += 1
            while k < line.endIndex && line[k] != c {
                if c == UInt8(ascii: "\""), line[k] == UInt8(ascii: "\\") { k += 1 }
                k += 1
            }
            k += 1
            guard k < line.endIndex, line[k] == UInt8(ascii: ":"), k + 1 == line.endIndex || line[k + 1] == 32 else { return nil }
            return k
        }
        while k < line.endIndex {
            if line[k] == UInt8(ascii: ":") && (k + 1 == line.endIndex || line[k + 1] == 32) { return k }
            k += 1
        }
        return nil
    }

    /// `|`, `|2`, `|-`, `|+`, `|2-` ...: the explicit indentation and the chomping.
    static func blockHeader(_ rest: ArraySlice<UInt8>) -> (indent: Int?, chomp: UInt8?)? {
        var indent: Int?
        var chomp: UInt8?
        for c in rest {
            if c >= 0x31 && c <= 0x39, indent == nil { indent = Int(c - 0x30) } else if c == UInt8(ascii: "-") || c == UInt8(ascii: "+"), chomp == nil {
                chomp = c
            } else if c == 32 { continue } else { return nil }
        }
        return (indent, chomp)
    }

    /// A literal block's text: its lines less the block's indentation, joined by line breaks,
    /// trailing breaks chomped as the header says (clip: one kept).
    static func literal(_ lines: [ArraySlice<UInt8>], explicitIndent: Int?, chomp: UInt8?) -> String {
        var blockIndent = explicitIndent ?? 0
        if explicitIndent == nil {
            for line in lines {
                var spaces = 0
                while spaces < line.count && line[line.startIndex + spaces] == 32 { spaces += 1 }
                if spaces < line.count { blockIndent = spaces; break }
                blockIndent = max(blockIndent, spaces)
            }
        }
        var out: [UInt8] = []
        for line in lines {
            out += line.count > blockIndent ? line.dropFirst(blockIndent) : []
            out.append(10)
        }
        var trailing = 0
        while trailing < out.count && out[out.count - 1 - trailing] == 10 { trailing += 1 }
        let content = out.count - trailing
        switch chomp {
        case UInt8(ascii: "-"): out.removeLast(trailing)
        case UInt8(ascii: "+"): break
        default: if content > 0 { out.removeLast(max(0, trailing - 1)) } else { out.removeAll() }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A double-quoted scalar that ends on its line, escapes decoded; nil otherwise.
    static func doubleQuoted(_ s: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        var k = s.startIndex + 1
        func hex(_ count: Int) -> UInt32? {
            guard k + count < s.endIndex || k + count == s.endIndex else { return nil }
            var v: UInt32 = 0
            for j in k..<k + count {
                let c = s[j]
                let d: UInt8
                switch c {
                case 48...57: d = c - 48
                case 65...70: d = c - 55
                case 97...102: d = c - 87
                default: return nil
                }
                v = v * 16 + UInt32(d)
            }
            k += count
            return v
        }
        while k < s.endIndex {
            let c = s[k]
            k += 1
            if c == UInt8(ascii: "\"") {
                // Only blanks (or a comment) may follow.
                var rest = k
                while rest < s.endIndex && s[rest] == 32 { rest += 1 }
                guard rest == s.endIndex || s[rest] == UInt8(ascii: "#") else { return nil }
                return String(decoding: out, as: UTF8.self)
            }
            guard c == UInt8(ascii: "\\") else { out.append(c); continue }
            guard k < s.endIndex else { return nil }
            let e = s[k]
            k += 1
            var scalar: UInt32?
            switch e {
            case UInt8(ascii: "n"): scalar = 10
            case UInt8(ascii: "t"), 9: scalar = 9
            case UInt8(ascii: "r"): scalar = 13
            case UInt8(ascii: "0"): scalar = 0
            case UInt8(ascii: "a"): scalar = 7
            case UInt8(ascii: "b"): scalar = 8
            case UInt8(ascii: "e"): scalar = 0x1B
            case UInt8(ascii: "f"): scalar = 12
            case UInt8(ascii: "v"): scalar = 11
            case UInt8(ascii: "N"): scalar = 0x85
            case UInt8(ascii: "_"): scalar = 0xA0
            case UInt8(ascii: "L"): scalar = 0x2028
            case UInt8(ascii: "P"): scalar = 0x2029
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), 32: scalar = UInt32(e)
            case UInt8(ascii: "x"): scalar = hex(2)
            case UInt8(ascii: "u"): scalar = hex(4)
            case UInt8(ascii: "U"): scalar = hex(8)
            default: return nil
            }
            guard let value = scalar, let u = Unicode.Scalar(value) else { return nil }
            out += Array(String(Character(u)).utf8)
        }
        return nil
    }

    /// A single-quoted scalar that ends on its line (`''` is a quote); nil otherwise.
    static func singleQuoted(_ s: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        var k = s.startIndex + 1
        while k < s.endIndex {
            let c = s[k]
            k += 1
            if c == UInt8(ascii: "'") {
                if k < s.endIndex && s[k] == UInt8(ascii: "'") { out.append(c); k += 1; continue }
                var rest = k
                while rest < s.endIndex && s[rest] == 32 { rest += 1 }
                guard rest == s.endIndex || s[rest] == UInt8(ascii: "#") else { return nil }
                return String(decoding: out, as: UTF8.self)
            }
            out.append(c)
        }
        return nil
    }

    private static func readBytes(_ path: String) -> [UInt8]? {
        #if canImport(Glibc)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var done = 0
        while done < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, $0.count - done) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { break }
            done += got
        }
        bytes.removeLast(bytes.count - done)
        return bytes
        #else
        return nil
        #endif
    }
}
