import XCTest
import SkeinReports
@testable import SkeinTUI

/// Snapshots of styles, not only text: each frame row is followed by a row of letters, one
/// per cell, naming its style; the legend says what each letter is (colours and attributes).
/// A change of colour or of bold shows in the diff as a changed letter.
func styledFrame(_ buffer: CellBuffer) -> String {
    var letters: [Style: Character] = [:]
    var order: [Style] = []
    let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    var out = ""
    for y in 0..<buffer.height {
        out += buffer.rowText(y) + "\n"
        var row = ""
        for x in 0..<buffer.width {
            let style = buffer[x, y].style
            if letters[style] == nil {
                letters[style] = order.count < alphabet.count ? alphabet[order.count] : "?"
                order.append(style)
            }
            row.append(style == .plain ? "." : letters[style]!)
        }
        out += row.replacingOccurrences(of: "\\.+$", with: "", options: .regularExpression) + "\n"
    }
    out += "--- styles\n"
    func attributes(_ a: TextAttributes) -> String {
        [(TextAttributes.bold, "bold"), (.dim, "dim"), (.underline, "underline"), (.reverse, "reverse"), (.italic, "italic")]
            .filter { a.contains($0.0) }.map(\.1).joined(separator: " ")
    }
    for style in order where style != .plain {
        out += "\(letters[style]!): fg \(style.fg.index) bg \(style.bg.index) \(attributes(style.attributes))".trimmingCharacters(in: .whitespaces) + "\n"
    }
    return out
}

final class StyledSnapshotTests: XCTestCase {
    func testTheRunScreensStylesPerTheme() throws {
        for name in ["default", "high-contrast", "monochrome"] {
            let theme = try Theme.parse(BuiltinThemes.files[name]!, name: name)
            let (app, s) = Fixture.runModel()
            s.cursor.index = 5
            assertSnapshot(styledFrame(Fixture.render(app, theme: theme)), "styled-run-80x24-\(name)")
        }
    }

    func testTheRunsListStyles() {
        let app = Fixture.model()
        app.receive(DataUpdate(key: .runs, payload: .runs(Fixture.demoSummaries())))
        assertSnapshot(styledFrame(Fixture.render(app)), "styled-runs-80x24-default")
    }
}
