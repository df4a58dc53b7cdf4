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
        let fast = BlockYAMLParser.parse([YAMLInputPiece(bytes)], builder: TreeBuilder(lineOffset: lineOffset), lineOffset: lineOffset)
        if let builder = fast.builder { return Result(root: builder.root, duplicateKeys: builder.duplicateKeys) }
        return try parseWithLibYAML(bytes, lineOffset: lineOffset, secondDocument: secondDocument)
    }

    /// libyaml's reading alone, without the block parser: what the block parser must match.
    static func parseWithLibYAML(_ bytes: UnsafeBufferPointer<UInt8>, lineOffset: Int = 0, secondDocument: SecondDocument = .error) throws(YAMLSyntaxError) -> Result {
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
        let fast = BlockYAMLParser.parse(pieces, builder: builder, lineOffset: lineOffset)
        if let done = fast.builder { return Result(root: done.root, duplicateKeys: done.duplicateKeys) }
        // libyaml reads the text again; the items the block parser streamed are not handed twice.
        builder.streamedAlready = fast.streamed
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
