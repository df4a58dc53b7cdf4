import XCTest
import SkeinYAML

final class YAMLTests: XCTestCase {
    func parse(_ text: String) throws -> YAMLNode? {
        try YAMLParser.parse(Array(text.utf8)).root
    }

    func testPositionsAreOneBased() throws {
        guard case .mapping(let map)? = try parse("a: 1\nlist:\n  - x\n  - y: 2\n") else { return XCTFail() }
        XCTAssertEqual(map.entries[0].key.mark.line, 1)
        XCTAssertEqual(map.entries[0].key.mark.column, 1)
        guard case .sequence(let seq)? = map["list"] else { return XCTFail() }
        XCTAssertEqual(seq.items[1].mark.line, 4)
        XCTAssertEqual(seq.items[1].mark.column, 5)
    }

    func testAnchorsAliasesAndStyles() throws {
        guard case .mapping(let map)? = try parse("base: &b {k: v}\ncopy: *b\nq: '3'\nd: \"x\\ty\"\n") else { return XCTFail() }
        XCTAssertEqual(map["copy"], map["base"])
        guard case .scalar(let q)? = map["q"], case .scalar(let d)? = map["d"] else { return XCTFail() }
        XCTAssertEqual(q.style, .singleQuoted)
        XCTAssertEqual(d.value, "x\ty")
    }

    func testDuplicateKeysAreReported() throws {
        let result = try YAMLParser.parse(Array("a: 1\nb: 2\na: 3\n".utf8))
        XCTAssertEqual(result.duplicateKeys.map(\.key.value), ["a"])
        XCTAssertEqual(result.duplicateKeys.first?.key.mark.line, 3)
        XCTAssertEqual(result.duplicateKeys.first?.first.line, 1)
    }

    func testSyntaxErrorsCarryPositionAndHint() {
        XCTAssertThrowsError(try YAMLParser.parse(Array("a:\n\t- b\n".utf8))) { error in
            let e = error as! YAMLSyntaxError
            XCTAssertEqual(e.mark.line, 2)
            XCTAssertTrue(e.hint.contains("tab"), e.hint)
        }
        XCTAssertThrowsError(try YAMLParser.parse(Array("a: 'open\nb: c\n".utf8))) { error in
            XCTAssertTrue((error as! YAMLSyntaxError).message.hasPrefix("malformed YAML:"))
        }
    }

    func testEmitterQuotesWhatPyYAMLWouldMisread() {
        for text in ["4.0", "3", "yes", "No", "on", "null", "~", "", "1e3", "0x1F", "2024-01-01", "- x", "-", "a: b", "#c", "x #y", "*ref", "@home", " pad"] {
            XCTAssertTrue(YAMLEmitterProbe.quotes(text), "'\(text)' must be quoted")
        }
        for text in ["-a", "--cleanenv", "f.a", "/usr/bin/keg", "file:///x", "l/4", "ID0000001", "/bin/echo workflow-start", "docker://alpine:3.19", "a:b"] {
            XCTAssertFalse(YAMLEmitterProbe.quotes(text), "'\(text)' stays plain")
        }
    }

    func testEmittedTextReadsBackToTheSameTree() throws {
        let tricky = ["it's", "tab\there", "line\nbreak", "ünïcödé", "\u{1B}[31mred", "key: value", "5", "true", "[x]"]
        let node = YAMLNode.mapping(YAMLMapping(tricky.enumerated().map { i, s in
            .init(key: YAMLScalar("k\(i)", style: .singleQuoted), value: .scalar(YAMLScalar(s, style: .singleQuoted)))
        } + [.init(key: YAMLScalar("list"), value: .sequence(YAMLSequence(tricky.map { .scalar(YAMLScalar($0, style: .singleQuoted)) })))]))
        let text = YAMLEmitter.emit(node)
        XCTAssertEqual(try parse(text), node, text)
    }
}

/// Reaches the emitter's quoting rule through its public output.
enum YAMLEmitterProbe {
    static func quotes(_ text: String) -> Bool {
        let out = YAMLEmitter.emit(.scalar(YAMLScalar(text, style: .singleQuoted)))
        return out.hasPrefix("'") || out.hasPrefix("\"")
    }
}
