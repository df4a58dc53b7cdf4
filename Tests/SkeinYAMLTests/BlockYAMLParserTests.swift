import Foundation
@testable import SkeinYAML
import XCTest

/// The block parser reads the common layout itself and leaves everything else to libyaml:
/// whatever it reads must give libyaml's tree exactly, marks and duplicate keys included.
final class BlockYAMLParserTests: XCTestCase {
    /// Texts at the edge of what the block parser reads (flow collections, quoting, indentation,
    /// comments, multi-line values, document markers, ...).
    static let edgeCases: [String] = [
        "x-pegasus: {apiLang: python, createdOn: '03-03-23T21:52:43Z'}\npegasus: 5.0.4\njobs:\n- type: job\n  arguments: [-l, /]\n  uses:\n  - {lfn: a.txt, type: output, stageOut: true}\njobDependencies: []\n",
        "a: [x, [y, z], {k: v, l: [1, 2]}]\nb: {a: {b: c}}\n", "a: [ x ,  y ]\nb: {  k:  v  }\nc: [ ]\nd: { }\n",
        "a: [x, y, ]\n", "a: [x:y]\n", "a: {k: docker://x:1}\n", "a: [k: v]\n", "a: {k: }\n", "a: [x,\n  y]\n",
        "a: ['x, y', \"z\"]\nb: {'k': 'v''s'}\n", "a: {\"k\":v}\n", "'a b': 1\n\"c\": 2\n", "a: 'it''s'\nb: \"x\\ty\"\n",
        "a:\n- x\n- y\nb:\n  - z\n  -  w\n", "- - a\n  - b\n- - - c\n", "- a: 1\n  b: 2\n-   c: 3\n    d:\n      - e\n",
        "a: b   \nc:    d\n\n\n  \ne: f\n", "a: b:c\nd: http://x/y:z\ne: a:b\n", "a : b\nc  :  d\n", "a: b\n  c\nd: e\n",
        "- a\n  b\n", "a: b # c\n", "# top\na: b\n", "a: b#c\nd: '#x'\n", "a:\nb: c\n", "a:\n", "- \n- a\n",
        "- -x\n- --y\n- -\n", "---\na: b\n", "a: &x b\nc: *x\n", "a: !!str b\n", "a: |\n  x\n", "a:\tb\n", "a:\n\t- b\n",
        "a: b\r\nc: d\r\n", "a: ünï\n", "a: 1\nb: 2\na: 3\n", "a:\n  b: 1\n c: 2\n", "- a: 1\n b: 2\n", "a:\n  - x\n  b: y\n",
        "hello\n", "- a\n- b\n", "a: b", "a:\n  b:\n    c:\n      d: [e]\n    f: g\nh: i\n", "a: ~\nb: null\nc: ''\n",
        "? a\n: b\n", String(repeating: "k", count: 1100) + ": v\n", "k: " + String(repeating: "v", count: 3000) + "\n",
        "a: b: c\n", "a: x[1]\nb: y{2}\n", "a: 'x' y\n", "- -a: b\n", "a: b\n...\n", "a: 50%\n", "a: b*\n",
        "jobs:\n  - type: job\n    id: a\n    uses:\n      - lfn: x\n        type: input\n  - type: job\n    id: b\n",
        "- [a, b]\n- {c: d}\n- [ ]\n", "- [a]: b\n", "a:\n- b\nc: d\n", "a: - b\n", "'a' : b\n", "a: ''''\nb: 'x''y''z'\n",
        "a: \"\"\nb: ''\n", "a: 'x\n  y'\n", "a:\n    b:\n        - c\n        - d\n    e: f\n", "a: b:\n", "a: :b\n",
        "\u{FEFF}a: b\n", "a: b\u{7F}\n", "a:\n  - b\n  - c\nd:\n  e: f\n", "", "\n\n", "a: [b]\n  c\n",
        String(repeating: "- ", count: 150) + "x\n", "a: {b: [c, {d: e}], f: 'g'}\n",
    ]

    func testEdgeCasesGiveLibYAMLsTree() throws {
        var read = 0
        for text in Self.edgeCases where try compare(Array(text.utf8), String(reflecting: text)) { read += 1 }
        XCTAssertGreaterThan(read, 25, "the block parser reads the common layouts")
    }

    /// Every YAML file of the fixtures (Pegasus workflows, catalogs, runs, the malformed corpus).
    func testFixturesGiveLibYAMLsTree() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        var read = 0
        for folder in ["Fixtures", "SkeinWorkflowTests/Fixtures"] {
            let root = tests.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where ["yml", "yaml"].contains(url.pathExtension) {
                if try compare(Array(try Data(contentsOf: url)), url.path) { read += 1 }
            }
        }
        XCTAssertGreaterThan(read, 50)
    }

    /// The layout the Pegasus API and the benchmarks' generators write is read by the block parser.
    func testPegasusLayoutIsReadByTheBlockParser() throws {
        let text = "x-pegasus: {apiLang: python}\npegasus: 5.0.4\nname: w\njobs:\n- type: job\n  namespace: montage\n  version: '6.0'\n  name: mProject\n  id: ID0000001\n  arguments:\n  - -X\n  - raw.fits\n  uses:\n  - lfn: raw.fits\n    type: input\n  - lfn: p.fits\n    type: output\n    stageOut: false\n  profiles:\n    dagman:\n      RETRY: '3'\njobDependencies:\n- id: ID0000001\n  children:\n  - ID0000002\n"
        XCTAssertTrue(try compare(Array(text.utf8), "pegasus layout"))
    }

    /// When the block parser gives up half way, libyaml reads the text again and the stream
    /// still gets every item once, in order.
    func testStreamGetsEachItemOnceWhenTheBlockParserGivesUp() throws {
        var text = "pegasus: 5.0.4\njobs:\n"
        for i in 0..<50 { text += "- id: j\(i)\n  name: t\n" }
        text += "- id: last # a comment the block parser leaves to libyaml\n"
        var seen: [String] = []
        let stream = YAMLItemStream(keys: ["jobs"]) { _, node in
            if case .mapping(let m) = node, case .scalar(let id)? = m["id"] { seen.append(id.value) }
        }
        let bytes = Array(text.utf8)
        let result = try bytes.withUnsafeBufferPointer { try YAMLParser.parse(pieces: [YAMLInputPiece($0)], stream: stream) }
        XCTAssertEqual(seen, (0..<50).map { "j\($0)" } + ["last"])
        guard case .mapping(let root)? = result.root, case .sequence(let jobs)? = root["jobs"] else { return XCTFail("no jobs list") }
        XCTAssertTrue(jobs.items.isEmpty)
        XCTAssertEqual(jobs.mark.line, 3)
    }

    /// True when the block parser read `bytes`; then libyaml must give the same tree.
    private func compare(_ bytes: [UInt8], _ name: String) throws -> Bool {
        try bytes.withUnsafeBufferPointer { buffer in
            guard let fast = BlockYAMLParser.parse([YAMLInputPiece(buffer)], builder: TreeBuilder(lineOffset: 0), lineOffset: 0).builder else { return false }
            let slow: YAMLParser.Result
            do { slow = try YAMLParser.parseWithLibYAML(buffer) } catch {
                XCTFail("\(name): the block parser read what libyaml rejects: \(error)")
                return true
            }
            switch (fast.root, slow.root) {
            case (nil, nil): break
            case (let a?, let b?): if let difference = Self.difference(a, b, "") { XCTFail("\(name): \(difference)") }
            default: XCTFail("\(name): one root is missing")
            }
            XCTAssertEqual(fast.duplicateKeys.map { "\($0.key.value)@\($0.key.mark)/\($0.first)" },
                           slow.duplicateKeys.map { "\($0.key.value)@\($0.key.mark)/\($0.first)" }, name)
            return true
        }
    }

    /// Where two trees differ, marks and quoting included (`==` ignores both).
    static func difference(_ a: YAMLNode, _ b: YAMLNode, _ path: String) -> String? {
        if a.mark.line != b.mark.line || a.mark.column != b.mark.column { return "\(path): mark \(a.mark) vs \(b.mark)" }
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)):
            if x.value != y.value || x.style != y.style { return "\(path): \(x) vs \(y)" }
        case (.sequence(let x), .sequence(let y)):
            if x.items.count != y.items.count { return "\(path): \(x.items.count) vs \(y.items.count) items" }
            for i in x.items.indices { if let d = difference(x.items[i], y.items[i], "\(path)[\(i)]") { return d } }
        case (.mapping(let x), .mapping(let y)):
            if x.entries.count != y.entries.count { return "\(path): \(x.entries.count) vs \(y.entries.count) entries" }
            for i in x.entries.indices {
                let (k, l) = (x.entries[i].key, y.entries[i].key)
                if k.value != l.value || k.style != l.style || k.mark.line != l.mark.line || k.mark.column != l.mark.column {
                    return "\(path): key \(k.value)@\(k.mark) vs \(l.value)@\(l.mark)"
                }
                if let d = difference(x.entries[i].value, y.entries[i].value, "\(path).\(k.value)") { return d }
            }
        default:
            return "\(path): \(a.kindName) vs \(b.kindName)"
        }
        return nil
    }
}
