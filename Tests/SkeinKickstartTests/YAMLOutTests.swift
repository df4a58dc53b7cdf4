import XCTest
@testable import SkeinKickstart

/// The record's byte writer gives exactly what the String helpers it replaced gave.
final class YAMLOutTests: XCTestCase {
    func testQuotedAgreesWithYAMLText() {
        for text in ["", "plain", "with space", "a \"quote\"", "back\\slash", "tab\there", "new\nline", "é accent", "\u{7F}", "\u{2028}",
                     "- dash", "key: value", "yes", "~", "#comment", "x #y", "\u{FEFF}bom", "emoji 🙂", "trailing:"] {
            XCTAssertEqual(YAMLOut.string { $0.quoted(text) }, YAMLText.quoted(text), text)
        }
    }

    func testIntegersAsStringWritesThem() {
        for value in [0, 1, 9, 10, 99, 100, -1, -10, 1234567890, Int.max, Int.min] {
            XCTAssertEqual(YAMLOut.string { $0.int(value) }, String(value))
        }
        XCTAssertEqual(YAMLOut.string { $0.int(UInt64.max) }, String(UInt64.max))
        XCTAssertEqual(YAMLOut.string { $0.int(Int32.min) }, String(Int32.min))
    }
}
