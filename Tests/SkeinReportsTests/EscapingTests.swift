import SkeinText
import XCTest
@testable import SkeinReports

/// Text from workflow files and jobs is printed through the TUI's one escaping function.
final class EscapingTests: XCTestCase {
    func testEscapesOSCSequencesBidiOverridesAndC1ButKeepsLines() {
        let hostile = "evil\u{1B}]0;pwned\u{07}\u{202E}txt\u{9B}2J\nnext\tcolumn"
        XCTAssertEqual(Text.visible(hostile), "evil^[]0;pwned^G<U+202E>txt<U+009B>2J\nnext\tcolumn")
        XCTAssertEqual(Untrusted.visible("a\nb"), "a^Jb", "single-line text escapes newlines too")
        XCTAssertEqual(Text.visible("plain ünïcode"), "plain ünïcode")
    }
}
