import CYAML

/// Turns parser events into nodes, keeping a stack of the collections still open.
///
/// Both parsers feed it: libyaml's events (`consume`) and the block parser's
/// (`BlockYAMLParser`), through the same few calls, so anchors, duplicate keys, the depth
/// limit and the streamed lists behave the same whichever parser read the text.
///
/// Frames are mutated in place (`stack[top].items.append`) so appending to a list of
/// 100,000 jobs never copies it.
struct TreeBuilder {
    struct Frame {
        var isMapping: Bool
        var mark: SourceMark
        var anchor: String?
        var items: [YAMLNode] = []
        var entries: [YAMLMapping.Entry] = []
        var pendingKey: YAMLScalar?
        /// The top-level key whose items go to the stream instead of `items`, and its place
        /// in `streamKeys`.
        var streamKey: String?
        var streamIndex = 0
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
    var stream: YAMLItemStream? {
        didSet { streamKeys = stream.map { Array($0.keys) } ?? [] }
    }
    /// The stream's keys in a fixed order: the counts below are kept by place, since hashing
    /// the key for each of a million items costs more than the rest of handing it over.
    private(set) var streamKeys: [String] = []
    /// Items handed to the stream so far, per key of `streamKeys`.
    private(set) var streamedCounts: [Int] = []
    /// Items of each streamed list not to hand to the stream again (per key of `streamKeys`):
    /// the block parser handed them before it met something it does not read, and libyaml
    /// reads the text again.
    var streamedAlready: [Int] = []

    init(lineOffset: Int) { self.lineOffset = lineOffset }

    mutating func consume(_ event: inout yaml_event_t) -> YAMLSyntaxError? {
        let mark = SourceMark(line: Int(event.start_mark.line) + 1 + lineOffset, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: data.value, count: Int(data.length)), as: UTF8.self)
            return scalar(YAMLScalar(value, style: Self.style(data.style), mark: mark), anchor: data.anchor.map { String(cString: $0) })
        case YAML_SEQUENCE_START_EVENT:
            return start(isMapping: false, mark: mark, anchor: event.data.sequence_start.anchor.map { String(cString: $0) })
        case YAML_MAPPING_START_EVENT:
            return start(isMapping: true, mark: mark, anchor: event.data.mapping_start.anchor.map { String(cString: $0) })
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            return end()
        case YAML_ALIAS_EVENT:
            return alias(String(cString: event.data.alias.anchor), mark: mark)
        case YAML_DOCUMENT_END_EVENT:
            finishedFirstDocument = true
        default:
            break
        }
        return nil
    }

    mutating func scalar(_ scalar: YAMLScalar, anchor: String? = nil) -> YAMLSyntaxError? {
        if let anchor { anchors[anchor] = (.scalar(scalar), 1) }
        return add(.scalar(scalar), size: 1)
    }

    mutating func start(isMapping: Bool, mark: SourceMark, anchor: String? = nil) -> YAMLSyntaxError? {
        if stack.count >= YAMLParser.maxDepth {
            return YAMLSyntaxError(
                message: "YAML nested deeper than \(YAMLParser.maxDepth) levels",
                hint: "a workflow is a few levels deep: check for a runaway '- ' or '[' sequence", mark: mark)
        }
        var frame = Frame(isMapping: isMapping, mark: mark, anchor: anchor)
        if !isMapping, stream != nil, stack.count == 1, stack[0].isMapping, anchor == nil,
            let key = stack[0].pendingKey?.value, let index = streamKeys.firstIndex(of: key) {
            frame.streamKey = key
            frame.streamIndex = index
            if streamedCounts.isEmpty { streamedCounts = Array(repeating: 0, count: streamKeys.count) }
        }
        stack.append(frame)
        return nil
    }

    mutating func end() -> YAMLSyntaxError? {
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
    }

    mutating func alias(_ name: String, mark: SourceMark) -> YAMLSyntaxError? {
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
    }

    private mutating func add(_ node: YAMLNode, size: Int) -> YAMLSyntaxError? {
        let top = stack.count - 1
        guard top >= 0 else {
            root = node
            return nil
        }
        stack[top].size += size
        if let key = stack[top].streamKey {
            let index = stack[top].streamIndex
            if index < streamedAlready.count, streamedAlready[index] > 0 {
                streamedAlready[index] -= 1
            } else {
                streamedCounts[index] += 1
                stream?.handle(key, node)
            }
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
