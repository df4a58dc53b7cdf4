import XCTest
@testable import SkeinKickstart

/// Quoting and literal blocks: Pegasus's layout for ordinary text, escapes for the rest.
final class YAMLTextTests: XCTestCase {
    func testQuotedEscapes() {
        XCTAssertEqual(YAMLText.quoted("echo \"a\" \\ b"), #""echo \"a\" \\ b""#)
        XCTAssertEqual(YAMLText.quoted("a\tb\nc\r"), #""a\tb\nc\r""#)
        XCTAssertEqual(YAMLText.quoted("\u{1B}[0m\u{7F}\u{90}"), #""\x1B[0m\x7F\x90""#)
        XCTAssertEqual(YAMLText.quoted("\u{2028}\u{FEFF}é"), "\"\\L\\uFEFFé\"")
    }

    func testPlainOnlyWhenSafe() {
        for safe in ["/usr/bin/dash", "root", "6.18.44-fc-v657", "AMD EPYC", "192.0.2.2", "a:b", "x#y", "2   No such file or directory"] {
            XCTAssertEqual(YAMLOut.string { $0.plain(safe) }, safe)
        }
        for unsafe in ["", " lead", "trail ", "a: b", "a #b", "end:", "-x", "#x", "*x", "&x", "!x", "'x", "\"x", "|x", ">x",
                       "%x", "@x", "`x", "{x", "[x", "yes", "No", "null", "~", "tab\there", "line\nbreak", "\u{1B}x"] {
            XCTAssertEqual(YAMLOut.string { $0.plain(unsafe) }, YAMLText.quoted(unsafe), "should quote \(unsafe.debugDescription)")
        }
    }

    /// The byte-by-byte path for ASCII text decides exactly as the scalar-by-scalar one, on
    /// every short string of the characters that matter and on mixed ASCII and non-ASCII text.
    func testPlainSafetyOfASCIIMatchesTheScalarRules() {
        let alphabet: [Character] = ["a", " ", ":", "#", "-", "\t", "\u{7F}", "~", "N", "o", "é"]
        var texts = ["yes", "Yes", "NULL", "y", "n", "nO", "yess", "/a b/c", "a: b", "x # y", "\u{1}x", "ok\u{7F}"]
        for a in alphabet { for b in alphabet { for c in alphabet { texts.append(String([a, b, c])) } } }
        for text in texts {
            XCTAssertEqual(YAMLText.isPlainSafe(text), YAMLText.isPlainSafeScalars(text), text.debugDescription)
        }
    }

    func testLiteralBlockInPegasusLayout() {
        let block = YAMLText.literalBlock("done-preprocess\n", indent: 8, parentIndent: 6)
        XCTAssertEqual(block.indicator, "|")
        XCTAssertEqual(block.body, "        done-preprocess\n        \n")
        XCTAssertEqual(YAMLText.literalBlock("a\nb", indent: 8, parentIndent: 6).body, "        a\n        b\n")
    }

    func testLiteralBlockKeepsLeadingBlanksWithIndicator() {
        let block = YAMLText.literalBlock("  indented\nnext\n", indent: 8, parentIndent: 6)
        XCTAssertEqual(block.indicator, "|2")
        XCTAssertEqual(block.body, "          indented\n        next\n        \n")
        XCTAssertEqual(YAMLText.literalBlock("\n\n x", indent: 8, parentIndent: 6).indicator, "|2")
    }

    func testLiteralBlockMakesControlsVisibleAndNormalizesBreaks() {
        let block = YAMLText.literalBlock("\u{1B}[1m\u{0}\u{7F}\u{85}x\r\ny\rz\u{2028}\u{90}\u{FEFF}", indent: 2, parentIndent: 0)
        XCTAssertEqual(block.body, "  \u{241B}[1m\u{2400}\u{2421}\n  x\n  y\n  z\n  \u{FFFD}\u{FFFD}\n")
    }

    func testNumbersAndTimes() {
        XCTAssertEqual(Format.fixed(0.0045, 3), "0.005")
        XCTAssertEqual(Format.fixed(2.69, 2), "2.69")
        XCTAssertEqual(Format.fixed(0, 3), "0.000")
        XCTAssertEqual(Format.fixed(-1.5, 1), "-1.5")
        XCTAssertEqual(Format.fixed(12.3456, 0), "12")
        XCTAssertEqual(Format.octal(0o100755), "100755")
        withTimeZone("UTC") {
            XCTAssertEqual(Clock.isoMillis(0), "1970-01-01T00:00:00.000+00:00")
            XCTAssertEqual(Clock.isoMillis(1_795_248_403.023), "2026-11-21T08:06:43.023+00:00")
            XCTAssertEqual(Clock.isoMillis(1_795_248_403.0239), "2026-11-21T08:06:43.023+00:00")  // truncated
            XCTAssertEqual(Clock.isoSeconds(1_672_924_848), "2023-01-05T13:20:48+00:00")
        }
        withTimeZone("PST8PDT") {
            XCTAssertEqual(Clock.isoSeconds(1_677_913_793), "2023-03-03T23:09:53-08:00")
        }
        withTimeZone("IST-5:30") {
            XCTAssertEqual(Clock.isoSeconds(0), "1970-01-01T05:30:00+05:30")
        }
    }
}

/// Runs `body` with TZ set to `zone` (the record's times are local, like Pegasus's).
func withTimeZone(_ zone: String, _ body: () throws -> Void) rethrows {
    let saved = getenv("TZ").map { String(cString: $0) }
    setenv("TZ", zone, 1)
    tzset()
    defer {
        if let saved { setenv("TZ", saved, 1) } else { unsetenv("TZ") }
        tzset()
    }
    try body()
}
