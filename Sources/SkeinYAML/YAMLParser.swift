import CYAML

/// Why a YAML text could not be read at all, with the position libyaml stopped at.
public struct YAMLSyntaxError: Error, Sendable {
    public var message: String
    public var hint: String
    public var mark: SourceMark
}

/// Reads YAML text into a `YAMLNode` tree with libyaml's event parser.
///
/// A file holds one document: a second one is an error (`secondDocument: .ignore` reads
/// only the first, for kickstart records that append several). Nesting deeper than
/// `maxDepth` and aliases that expand to more than `maxAliasNodes` nodes (a "billion laughs"
/// file) are errors at their position, so hostile input costs linear time and no deep
/// recursion. Anchors and aliases are resolved; keys must be
/// scalars (Pegasus files never use complex keys). Duplicate keys are kept in the tree and
/// reported by `duplicateKeys`, since PyYAML silently keeps the last one and users are
/// better told.
public enum YAMLParser {
    public struct Result: Sendable {
        public var root: YAMLNode?
        public var duplicateKeys: [(key: YAMLScalar, first: SourceMark)]

        public init(root: YAMLNode?, duplicateKeys: [(key: YAMLScalar, first: SourceMark)]) {
            self.root = root
            self.duplicateKeys = duplicateKeys
        }
    }

    /// What to do with a second document in the text.
    public enum SecondDocument: Sendable { case error, ignore }

    /// Deeper than any Pegasus file (about 6 levels); deep enough for hand-written YAML.
    public static let maxDepth = 100
    /// Nodes that aliases may add in all (each alias adds the size of its anchored node).
    public static let maxAliasNodes = 1_000_000

    public static func parse(_ bytes: [UInt8], secondDocument: SecondDocument = .error) throws(YAMLSyntaxError) -> Result {
        try bytes.withUnsafeBufferPointer { buffer throws(YAMLSyntaxError) in try parse(buffer, secondDocument: secondDocument) }
    }

    /// Parses bytes in place (a file's `Data`), without copying them into an array first.
    /// `lineOffset` is added to every line number: for a piece of a larger file.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, lineOffset: Int = 0, secondDocument: SecondDocument = .error) throws(YAMLSyntaxError) -> Result {
        try run(TreeBuilder(lineOffset: lineOffset), bytes: bytes, lineOffset: lineOffset, secondDocument: secondDocument) { parser in
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
        }
    }

    /// Parses `pieces` read one after the other as one text, handing the items of the lists
    /// under `stream.keys` to the stream instead of keeping them (`YAMLItemStream`), and giving
    /// read pages of a file mapping back as it goes (`YAMLInputPiece.mapped`). For large
    /// files whose reading must not hold the whole text and tree: a syntax error here carries
    /// the right line but no hint from the text, so callers parse the file again with
    /// `parse(_:)` to report it.
    public static func parse(
        pieces: [YAMLInputPiece], lineOffset: Int = 0, stream: YAMLItemStream?
    ) throws(YAMLSyntaxError) -> Result {
        var builder = TreeBuilder(lineOffset: lineOffset)
        builder.stream = stream
        let input = YAMLPieceInput(pieces)
        defer { withExtendedLifetime(input) {} }  // libyaml holds it unretained
        return try run(builder, bytes: UnsafeBufferPointer(start: nil, count: 0), lineOffset: lineOffset, secondDocument: .error) { parser in
            yaml_parser_set_input(&parser, YAMLPieceInput.handler, Unmanaged.passUnretained(input).toOpaque())
        }
    }

    private static func run(
        _ builder: TreeBuilder, bytes: UnsafeBufferPointer<UInt8>, lineOffset: Int, secondDocument: SecondDocument,
        setInput: (inout yaml_parser_t) -> Void
    ) throws(YAMLSyntaxError) -> Result {
        var builder = builder
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLSyntaxError(message: "could not start the YAML parser", hint: "", mark: .none)
        }
        defer { yaml_parser_delete(&parser) }

        setInput(&parser)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { throw syntaxError(from: parser, bytes: bytes, lineOffset: lineOffset) }
            defer { yaml_event_delete(&event) }
            if builder.finishedFirstDocument, event.type == YAML_DOCUMENT_START_EVENT, secondDocument == .error {
                throw YAMLSyntaxError(
                    message: "a second YAML document begins here", hint: "a workflow or catalog file holds one document: remove the '---' and what follows, or split the file",
                    mark: SourceMark(line: Int(event.start_mark.line) + 1 + lineOffset, column: Int(event.start_mark.column) + 1))
            }
            if event.type == YAML_STREAM_END_EVENT || (builder.finishedFirstDocument && secondDocument == .ignore) {
                return Result(root: builder.root, duplicateKeys: builder.duplicateKeys)
            }
            if let problem = builder.consume(&event) { throw problem }
        }
    }

    private static func syntaxError(from parser: yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>, lineOffset: Int) -> YAMLSyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unreadable YAML"
        if parser.error == YAML_READER_ERROR { return readerError(problem, parser: parser, bytes: bytes, lineOffset: lineOffset) }
        let context = parser.context.map { String(cString: $0) }
        // An unclosed quote is found only at the end of the file: point at where it opens.
        let atContext = context?.contains("quoted scalar") == true
        let errorMark = atContext ? parser.context_mark : parser.problem_mark
        let mark = SourceMark(line: Int(errorMark.line) + 1 + lineOffset, column: Int(errorMark.column) + 1)
        let offset = Int(parser.problem_mark.index)
        var message = "malformed YAML: \(problem)"
        if let context {
            message += atContext ? " (\(context) that starts here)" : " (\(context) at line \(Int(parser.context_mark.line) + 1 + lineOffset))"
        }
        let hint: String
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "\t") {
            hint = "YAML does not allow tab characters for indentation: indent with spaces"
        } else if problem.contains("mapping values are not allowed") {
            hint = "a value containing ': ' must be quoted, or a key is indented wrongly"
        } else if problem.contains("did not find expected key") || problem.contains("expected <block end>") {
            hint = "check the indentation here: items of one list or mapping must line up"
        } else if problem.contains("found unexpected end of stream") || problem.contains("quoted scalar") {
            hint = "a quoted string is not closed: add the missing quote"
        } else {
            hint = "check the quoting and indentation near this position"
        }
        return YAMLSyntaxError(message: message, hint: hint, mark: mark)
    }

    /// A byte that is no UTF-8 text (invalid UTF-8, NUL, a control character): libyaml's
    /// reader gives only its offset, so the line and column are counted here.
    private static func readerError(_ problem: String, parser: yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>, lineOffset: Int) -> YAMLSyntaxError {
        var offset = min(Int(parser.problem_offset), bytes.count)
        var value = Int(parser.problem_value)
        // libyaml names the byte after a broken character's lead byte: point at the character.
        if problem.contains("trailing") || problem.contains("incomplete") {
            var lead = offset
            while lead > 0, offset - lead < 4, bytes[lead] & 0xC0 != 0xC0 { lead -= 1 }
            if lead < bytes.count, bytes[lead] & 0xC0 == 0xC0 {
                offset = lead
                value = Int(bytes[lead])
            }
        }
        var line = 1, column = 1
        for b in bytes[..<offset] {
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1  // a character begins (continuation bytes do not count)
            }
        }
        var message = "malformed YAML: \(problem)"
        if (0...0xFF).contains(value) {
            let hex = String(value, radix: 16, uppercase: true)
            message += " (byte 0x\(hex.count < 2 ? "0" + hex : hex))"
        }
        return YAMLSyntaxError(
            message: message, hint: "workflow and catalog files must be UTF-8 text without NUL or control characters: re-save the file as UTF-8",
            mark: SourceMark(line: line + lineOffset, column: column))
    }
}

/// Turns parser events into nodes, keeping a stack of the collections still open.
///
/// Frames are mutated in place (`stack[top].items.append`) so appending to a list of
/// 100,000 jobs never copies it.
private struct TreeBuilder {
    struct Frame {
        var isMapping: Bool
        var mark: SourceMark
        var anchor: String?
        var items: [YAMLNode] = []
        var entries: [YAMLMapping.Entry] = []
        var pendingKey: YAMLScalar?
        /// The top-level key whose items go to the stream instead of `items`.
        var streamKey: String?
        /// Nodes in this collection, itself included (aliases count their anchor's size).
        var size = 1
    }

    let lineOffset: Int
    var stack: [Frame] = []
    var root: YAMLNode?
    var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    /// Nodes added by aliases so far (`YAMLParser.maxAliasNodes`).
    var aliasNodes = 0
    var duplicateKeys: [(key: YAMLScalar, first: SourceMark)] = []
    var finishedFirstDocument = false
    var stream: YAMLItemStream?

    init(lineOffset: Int) { self.lineOffset = lineOffset }

    mutating func consume(_ event: inout yaml_event_t) -> YAMLSyntaxError? {
        let mark = SourceMark(line: Int(event.start_mark.line) + 1 + lineOffset, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: data.value, count: Int(data.length)), as: UTF8.self)
            let scalar = YAMLScalar(value, style: Self.style(data.style), mark: mark)
            if let anchor = data.anchor { anchors[String(cString: anchor)] = (.scalar(scalar), 1) }
            return add(.scalar(scalar), size: 1)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            if stack.count >= YAMLParser.maxDepth {
                return YAMLSyntaxError(
                    message: "YAML nested deeper than \(YAMLParser.maxDepth) levels",
                    hint: "a workflow is a few levels deep: check for a runaway '- ' or '[' sequence", mark: mark)
            }
            if event.type == YAML_MAPPING_START_EVENT {
                stack.append(Frame(isMapping: true, mark: mark, anchor: event.data.mapping_start.anchor.map { String(cString: $0) }))
                return nil
            }
            var frame = Frame(isMapping: false, mark: mark, anchor: event.data.sequence_start.anchor.map { String(cString: $0) })
            if let stream, stack.count == 1, stack[0].isMapping, frame.anchor == nil,
                let key = stack[0].pendingKey?.value, stream.keys.contains(key) {
                frame.streamKey = key
            }
            stack.append(frame)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return nil }
            let node: YAMLNode
            if frame.isMapping {
                noteDuplicateKeys(frame.entries)
                node = .mapping(YAMLMapping(frame.entries, mark: frame.mark))
            } else {
                node = .sequence(YAMLSequence(frame.items, mark: frame.mark))
            }
            if let anchor = frame.anchor { anchors[anchor] = (node, frame.size) }
            return add(node, size: frame.size)
        case YAML_ALIAS_EVENT:
            let name = String(cString: event.data.alias.anchor)
            guard let target = anchors[name] else {
                return YAMLSyntaxError(
                    message: "malformed YAML: alias *\(name) names no anchor",
                    hint: "define &\(name) before using *\(name)", mark: mark)
            }
            aliasNodes += target.size
            if aliasNodes > YAMLParser.maxAliasNodes {
                return YAMLSyntaxError(
                    message: "YAML aliases expand to more than \(YAMLParser.maxAliasNodes) nodes (*\(name) here)",
                    hint: "aliases that repeat aliases grow without bound: write the values out, or alias less", mark: mark)
            }
            return add(target.node, size: target.size)
        case YAML_DOCUMENT_END_EVENT:
            finishedFirstDocument = true
        default:
            break
        }
        return nil
    }

    private mutating func add(_ node: YAMLNode, size: Int) -> YAMLSyntaxError? {
        let top = stack.count - 1
        guard top >= 0 else {
            root = node
            return nil
        }
        stack[top].size += size
        if let key = stack[top].streamKey {
            stream?.handle(key, node)
        } else if !stack[top].isMapping {
            // Room for a few at the first: most collections of a workflow are that small, and
            // growing one from empty takes three allocations to reach four.
            if stack[top].items.isEmpty { stack[top].items.reserveCapacity(4) }
            stack[top].items.append(node)
        } else if let key = stack[top].pendingKey {
            if stack[top].entries.isEmpty { stack[top].entries.reserveCapacity(4) }
            stack[top].entries.append(YAMLMapping.Entry(key: key, value: node))
            stack[top].pendingKey = nil
        } else {
            guard case .scalar(let key) = node else {
                return YAMLSyntaxError(
                    message: "malformed YAML: a key must be a plain string, not \(node.kindName)",
                    hint: "Pegasus files use only string keys", mark: node.mark)
            }
            stack[top].pendingKey = key
        }
        return nil
    }

    private mutating func noteDuplicateKeys(_ entries: [YAMLMapping.Entry]) {
        guard entries.count > 1 else { return }
        if entries.count <= 12 {
            for i in 1..<entries.count {
                for j in 0..<i where entries[j].key.value == entries[i].key.value {
                    duplicateKeys.append((entries[i].key, entries[j].key.mark))
                    break
                }
            }
            return
        }
        var seen: [String: SourceMark] = [:]
        seen.reserveCapacity(entries.count)
        for entry in entries {
            if let first = seen[entry.key.value] {
                duplicateKeys.append((entry.key, first))
            } else {
                seen[entry.key.value] = entry.key.mark
            }
        }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }
}
