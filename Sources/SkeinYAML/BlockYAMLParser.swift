#if canImport(Glibc)
import Glibc
#endif

/// Reads the block YAML that the Pegasus API and PyYAML write (one `key: value` or `- item`
/// per line, plain or one-line quoted scalars, ASCII) straight from the bytes, several times
/// faster than libyaml, and gives up on anything else, for libyaml to read.
///
/// Why: libyaml's scanner was most of the time of reading a 1,000,000-job workflow (560 MB,
/// tens of millions of tokens, a `malloc` for each). This parser reads the common layout
/// with one pass over each line and no copies; it feeds the same `TreeBuilder` as libyaml,
/// with the same marks (libyaml's: a mapping at its first key, a block list at its first
/// `-`, a scalar at its first character or quote), so the tree is the same whichever read
/// it. Whatever it does not know for certain (comments, anchors, tags, multi-line or escaped
/// scalars, flow collections other than `[]` and `{}`, empty values, tabs, control or
/// non-ASCII bytes, `---`) makes it give up (`nil`): messages, and every YAML feature,
/// remain libyaml's.
struct BlockYAMLParser {
    /// One open block collection: a mapping at the column of its keys, a list at the column
    /// of its dashes.
    private struct Open {
        var isMapping: Bool
        var column: Int
        /// A mapping's key, or a list's dash, still waiting for its value.
        var awaiting: Bool
        /// A list whose dashes line up with the keys of the mapping it is a value of.
        var indentless: Bool
    }

    private var builder: TreeBuilder
    private let lineOffset: Int
    private var open: [Open] = []
    /// The document's root is still to come.
    private var rootAwaiting = true
    /// The last line ended with a value: a next line indented deeper than this would continue
    /// it (a multi-line scalar), which this parser leaves to libyaml.
    private var valueEndedLineAt: Int?
    private var line = 0
    private var releaser: PageReleaser?

    init(builder: TreeBuilder, lineOffset: Int) {
        self.builder = builder
        self.lineOffset = lineOffset
    }

    /// The builder after reading `pieces` one after the other, or nil (with `streamed`, the
    /// items already handed to the stream) when the text is not one this parser reads.
    static func parse(_ pieces: [YAMLInputPiece], builder: TreeBuilder, lineOffset: Int) -> (builder: TreeBuilder?, streamed: [Int]) {
        var parser = BlockYAMLParser(builder: builder, lineOffset: lineOffset)
        let ok = parser.run(pieces)
        return (ok ? parser.builder : nil, parser.builder.streamedCounts)
    }

    private mutating func run(_ pieces: [YAMLInputPiece]) -> Bool {
        let pieces = pieces.filter { $0.bytes.count > 0 }
        for (index, piece) in pieces.enumerated() {
            guard let base = piece.bytes.baseAddress else { continue }
            // Lines never cross pieces: every piece but the last ends a line.
            if index < pieces.count - 1, piece.bytes.last != UInt8(ascii: "\n") { return false }
            releaser = piece.mapped ? PageReleaser(base: base) : nil
            var start = base
            let end = base + piece.bytes.count
            while start < end {
                let found = memchr(start, Int32(UInt8(ascii: "\n")), end - start)
                let lineEnd = found.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) } ?? end
                line += 1
                guard readLine(UnsafeBufferPointer(start: start, count: lineEnd - start)) else { return false }
                start = lineEnd + 1
                releaser?.release(upTo: start)
            }
            releaser?.release(upTo: end, final: true)
        }
        return finish()
    }

    private mutating func finish() -> Bool {
        while let top = open.popLast() {
            guard !top.awaiting, builder.end() == nil else { return false }
        }
        guard !rootAwaiting else { return false }
        builder.finishedFirstDocument = true
        return true
    }

    private static let space = UInt8(ascii: " ")
    private static let dash = UInt8(ascii: "-")
    private static let colon = UInt8(ascii: ":")

    /// One line: its indentation, any `- ` (each opening a list or its next item), then a key
    /// with or without its value, or a value alone.
    private mutating func readLine(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < text.count, text[i] == Self.space { i += 1 }
        if i == text.count { return true }  // a blank line
        if let limit = valueEndedLineAt {
            guard i <= limit else { return false }  // would continue the value above
            valueEndedLineAt = nil
        }
        if i == 0, text.count >= 3, (text[0] == Self.dash && text[1] == Self.dash && text[2] == Self.dash)
            || (text[0] == UInt8(ascii: ".") && text[1] == UInt8(ascii: ".") && text[2] == UInt8(ascii: ".")) {
            return false  // document markers
        }
        var sameLine = false
        while text[i] == Self.dash, i + 1 < text.count ? text[i + 1] == Self.space : true {
            guard i + 1 < text.count, dash(column: i, sameLine: sameLine) else { return false }
            i += 1
            while i < text.count, text[i] == Self.space { i += 1 }
            guard i < text.count else { return false }  // `- ` and nothing: an empty item
            sameLine = true
        }
        if text[i] == UInt8(ascii: "[") || text[i] == UInt8(ascii: "{") {
            // A flow collection is a value after `- ` here, never a key.
            guard sameLine, let end = value(text, from: i), restIsBlank(text, from: end) else { return false }
            return true
        }
        guard let first = scalar(text, from: i, flow: false) else { return false }
        var j = first.end
        while j < text.count, text[j] == Self.space { j += 1 }
        if j < text.count, text[j] == Self.colon, j + 1 == text.count || text[j + 1] == Self.space {
            // libyaml looks for a key's ':' within 1024 characters; longer keys are its to report.
            guard j - i < 1000, key(first.scalar, column: i, sameLine: sameLine) else { return false }
            j += 1
            while j < text.count, text[j] == Self.space { j += 1 }
            guard j < text.count else { return true }  // the value follows on the next lines
            guard let end = value(text, from: j), restIsBlank(text, from: end) else { return false }
            return true
        }
        guard j == text.count, sameLine, takeValue() else { return false }  // a value alone only after `- `
        return builder.scalar(first.scalar) == nil
    }

    private func restIsBlank(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var j = start
        while j < text.count, text[j] == Self.space { j += 1 }
        return j == text.count
    }

    private func mark(_ column: Int) -> SourceMark {
        SourceMark(line: line + lineOffset, column: column + 1)
    }

    /// Closes the collections deeper than `column`; each must have its value.
    private mutating func close(deeperThan column: Int, alsoIndentlessAt: Bool) -> Bool {
        while let top = open.last, top.column > column || (alsoIndentlessAt && top.indentless && top.column == column) {
            guard !top.awaiting, builder.end() == nil else { return false }
            open.removeLast()
        }
        return true
    }

    /// Whether a new collection may start here at `column`: as the value the innermost open
    /// collection (or the document) waits for.
    private mutating func takeAwaiting(column: Int, sameLine: Bool) -> Bool {
        guard let top = open.last else {
            guard rootAwaiting else { return false }
            rootAwaiting = false
            return true
        }
        // A key's value below it is indented deeper; after `- ` it is on the same line.
        guard top.awaiting, top.column < column, top.isMapping ? !sameLine : sameLine else { return false }
        open[open.count - 1].awaiting = false
        return true
    }

    private mutating func dash(column: Int, sameLine: Bool) -> Bool {
        guard close(deeperThan: column, alsoIndentlessAt: false) else { return false }
        if let top = open.last, top.column == column, !sameLine {
            if !top.isMapping {
                guard !top.awaiting else { return false }
                open[open.count - 1].awaiting = true
                return true
            }
            // `key:` then `- item` lined up with the key.
            guard top.awaiting else { return false }
            open[open.count - 1].awaiting = false
            guard builder.start(isMapping: false, mark: mark(column)) == nil else { return false }
            open.append(Open(isMapping: false, column: column, awaiting: true, indentless: true))
            return true
        }
        guard takeAwaiting(column: column, sameLine: sameLine), builder.start(isMapping: false, mark: mark(column)) == nil else { return false }
        open.append(Open(isMapping: false, column: column, awaiting: true, indentless: false))
        return true
    }

    private mutating func key(_ key: YAMLScalar, column: Int, sameLine: Bool) -> Bool {
        guard close(deeperThan: column, alsoIndentlessAt: true) else { return false }
        if let top = open.last, top.column == column, !sameLine {
            guard top.isMapping, !top.awaiting else { return false }
        } else {
            guard takeAwaiting(column: column, sameLine: sameLine), builder.start(isMapping: true, mark: key.mark) == nil else { return false }
            open.append(Open(isMapping: true, column: column, awaiting: false, indentless: false))
        }
        open[open.count - 1].awaiting = true
        return builder.scalar(key) == nil
    }

    /// The innermost collection takes a value on this line.
    private mutating func takeValue() -> Bool {
        guard let top = open.last, top.awaiting else { return false }
        open[open.count - 1].awaiting = false
        valueEndedLineAt = top.column
        return true
    }

    /// The value at `start` of a key or `- ` on this line: a scalar or a flow collection; where
    /// it ends.
    private mutating func value(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard takeValue() else { return nil }
        if text[start] == UInt8(ascii: "[") || text[start] == UInt8(ascii: "{") { return flow(text, from: start) }
        guard let token = scalar(text, from: start, flow: false), builder.scalar(token.scalar) == nil else { return nil }
        return token.end
    }

    /// A flow collection closed on its line (`[a, b]`, `{k: v}`, nested), emitted; where it ends.
    private mutating func flow(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let isMapping = text[start] == UInt8(ascii: "{")
        let close = isMapping ? UInt8(ascii: "}") : UInt8(ascii: "]")
        guard builder.start(isMapping: isMapping, mark: mark(start)) == nil else { return nil }
        var j = skipSpaces(text, from: start + 1)
        guard j < text.count else { return nil }
        if text[j] == close { return builder.end() == nil ? j + 1 : nil }
        while true {
            guard j < text.count else { return nil }
            if isMapping {
                guard let key = scalar(text, from: j, flow: true), builder.scalar(key.scalar) == nil else { return nil }
                j = skipSpaces(text, from: key.end)
                guard j + 1 < text.count, text[j] == Self.colon, text[j + 1] == Self.space else { return nil }
                j = skipSpaces(text, from: j + 1)
                guard j < text.count else { return nil }
            }
            if text[j] == UInt8(ascii: "[") || text[j] == UInt8(ascii: "{") {
                guard let end = flow(text, from: j) else { return nil }
                j = end
            } else {
                guard let item = scalar(text, from: j, flow: true), builder.scalar(item.scalar) == nil else { return nil }
                j = item.end
            }
            j = skipSpaces(text, from: j)
            guard j < text.count else { return nil }
            if text[j] == close { return builder.end() == nil ? j + 1 : nil }
            // `[a: b]` (a mapping of one pair in a list) and a trailing comma are libyaml's.
            guard text[j] == UInt8(ascii: ","), j + 1 < text.count else { return nil }
            j = skipSpaces(text, from: j + 1)
            guard j < text.count, text[j] != close else { return nil }
        }
    }

    private func skipSpaces(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var j = start
        while j < text.count, text[j] == Self.space { j += 1 }
        return j
    }

    /// The plain or quoted scalar starting at `start`, and where it ends; nil for anything
    /// this parser leaves to libyaml. In a flow collection (`flow`) a plain scalar also ends
    /// at `,`, `[`, `]`, `{` and `}`, and a `:` inside it is left to libyaml (its versions
    /// differ there).
    private func scalar(_ text: UnsafeBufferPointer<UInt8>, from start: Int, flow: Bool) -> (scalar: YAMLScalar, end: Int)? {
        let c = text[start]
        switch c {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return quoted(text, from: start, quote: c)
        case Self.dash:
            // `-x` is a plain scalar; `- ` is a list item, handled by the caller.
            guard start + 1 < text.count, text[start + 1] != Self.space else { return nil }
            if flow, Self.endsFlowScalar(text[start + 1]) { return nil }
        case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
            UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"),
            UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "@"),
            UInt8(ascii: "`"):
            return nil
        default:
            break
        }
        var j = start
        var end = start  // after the last non-space
        while j < text.count {
            let b = text[j]
            if b == Self.colon {
                if j + 1 == text.count || text[j + 1] == Self.space { break }
                if flow { return nil }
            } else if b == Self.space {
                if j + 1 < text.count, text[j + 1] == UInt8(ascii: "#") { return nil }  // a comment
                j += 1
                continue
            } else if b < 0x20 || b >= 0x7F {
                return nil
            } else if flow, Self.endsFlowScalar(b) {
                break
            }
            j += 1
            end = j
        }
        let value = String(decoding: UnsafeBufferPointer(rebasing: text[start..<end]), as: UTF8.self)
        return (YAMLScalar(value, style: .plain, mark: mark(start)), end)
    }

    private static func endsFlowScalar(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ",") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]") || b == UInt8(ascii: "{") || b == UInt8(ascii: "}")
    }

    /// A quoted scalar closed on its line: `''` in single quotes is one quote; a backslash
    /// in double quotes (an escape) is left to libyaml.
    private func quoted(_ text: UnsafeBufferPointer<UInt8>, from start: Int, quote: UInt8) -> (scalar: YAMLScalar, end: Int)? {
        var j = start + 1
        var doubledQuotes = false
        while true {
            guard j < text.count else { return nil }
            let b = text[j]
            if b == quote {
                if quote == UInt8(ascii: "'"), j + 1 < text.count, text[j + 1] == quote {
                    doubledQuotes = true
                    j += 2
                    continue
                }
                break
            }
            if b < 0x20 || b >= 0x7F || b == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") { return nil }
            j += 1
        }
        let raw = UnsafeBufferPointer(rebasing: text[(start + 1)..<j])
        var value = String(decoding: raw, as: UTF8.self)
        if doubledQuotes { value = value.replacingOccurrences(of: "''", with: "'") }
        let style: YAMLScalar.Style = quote == UInt8(ascii: "'") ? .singleQuoted : .doubleQuoted
        return (YAMLScalar(value, style: style, mark: mark(start)), j + 1)
    }
}

/// Gives read pages of a file mapping back to the kernel as a parser goes (`MADV_DONTNEED`),
/// in runs of at least 256 KiB, so reading a mapped file holds only a few of its pages.
struct PageReleaser {
    private let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    private var released: Int
    private static let step = 256 << 10

    init(base: UnsafePointer<UInt8>) {
        released = Int(bitPattern: base)
    }

    mutating func release(upTo pointer: UnsafePointer<UInt8>, final: Bool = false) {
        let from = (released + pageSize - 1) / pageSize * pageSize
        let to = Int(bitPattern: pointer) / pageSize * pageSize
        guard to - from >= Self.step || (final && to > from) else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: from), to - from, MADV_DONTNEED)
        released = to
    }
}
