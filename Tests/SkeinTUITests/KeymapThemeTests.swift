import XCTest
@testable import SkeinTUI

final class KeymapTests: XCTestCase {
    func testNoKeyMeansTwoThingsOnOneScreen() {
        for screen in ScreenKind.allCases {
            var seen: [Key: Command] = [:]
            for b in Keymap.standard.bindings(for: screen) {
                for k in b.keys {
                    // A screen's own binding may override a global one; two of the same kind may not clash.
                    if let other = seen[k], other != b.command {
                        let mine = Keymap.standard.bindings.filter { $0.keys.contains(k) && $0.applies(to: screen) }
                        XCTAssertTrue(mine.contains { $0.screens.isEmpty } && mine.filter { !$0.screens.isEmpty }.count == 1,
                                      "\(k) on \(screen): \(other) and \(b.command)")
                    }
                    seen[k] = b.command
                }
            }
        }
    }

    func testFooterAndHelpComeFromTheKeymap() {
        let (app, _) = Fixture.runModel()
        let hints = app.hints()
        let footerCommands = Keymap.standard.footer(for: .run).map(\.command)
        XCTAssertEqual(Set(hints.map(\.command)), Set(footerCommands))
        XCTAssertEqual(hints.suffix(2).map(\.command), [.back, .help])
        let help = app.helpLines().map(\.text).joined(separator: "\n")
        for b in Keymap.standard.bindings(for: .run) { XCTAssertTrue(help.contains(b.help), "help lacks \(b.help)") }
        XCTAssertFalse(help.contains("search the log"), "job-screen keys are not listed on the run screen")
    }

    func testScreenBindingsWinOverGlobalOnes() {
        XCTAssertEqual(Keymap.standard.command(for: .char("/"), on: .job), .search)
        XCTAssertEqual(Keymap.standard.command(for: .char("/"), on: .run), .filter)
        XCTAssertEqual(Keymap.standard.command(for: .char("F"), on: .run), .previousFailed)
        XCTAssertEqual(Keymap.standard.command(for: .char("F"), on: .job), .follow)
        XCTAssertEqual(Keymap.standard.command(for: .ctrl("d"), on: .runs), .halfPageDown)
        XCTAssertNil(Keymap.standard.command(for: .char("K"), on: .runs))
    }
}

final class ThemeTests: XCTestCase {
    func testEveryThemeFileParsesAndMatchesTheBuiltInCopy() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixture.themes.path).filter { $0.hasSuffix(".yml") }.sorted()
        XCTAssertEqual(files, ["default.yml", "high-contrast.yml", "light.yml", "monochrome.yml"])
        for file in files {
            let name = String(file.dropLast(4))
            let text = try String(contentsOf: Fixture.themes.appendingPathComponent(file), encoding: .utf8)
            let theme = try Theme.parse(text, name: name)
            XCTAssertEqual(theme.name, name)
            for role in ThemeRole.allCases { XCTAssertNotNil(theme.styles[role], "\(name) lacks \(role)") }
            XCTAssertEqual(BuiltinThemes.files[name]?.trimmingCharacters(in: .newlines), text.trimmingCharacters(in: .newlines),
                           "themes/\(file) and the built-in copy differ: regenerate Sources/SkeinTUI/Theme/BuiltinThemes.swift")
        }
    }

    func testMonochromeHasNoColour() {
        for s in Theme.monochrome.styles.values {
            XCTAssertTrue(s.fg.isDefault && s.bg.isDefault)
        }
        XCTAssertTrue(Theme.monochrome[.selection].attributes.contains(.reverse), "the selection stays visible without colour")
    }

    func testThemeErrorsNameTheProblem() {
        XCTAssertThrowsError(try Theme.parse("name: x\nstates: {queued: {fg: purple}}", name: "x")) { e in
            XCTAssertTrue("\(e)".contains("unknown colour 'purple'"), "\(e)")
        }
        XCTAssertThrowsError(try Theme.parse("name: x\nstates: {queued: {}}", name: "x")) { e in
            XCTAssertTrue("\(e)".contains("missing running"), "\(e)")
        }
        XCTAssertThrowsError(try Theme.parse("name: x\nchrome: {bogus: {}}", name: "x")) { e in
            XCTAssertTrue("\(e)".contains("unknown role 'bogus'"), "\(e)")
        }
    }

    func testColoursParseByNameNumberAndRGB() {
        XCTAssertEqual(TermColor.parse("bright-red"), .brightRed)
        XCTAssertEqual(TermColor.parse("196"), TermColor(196))
        XCTAssertEqual(TermColor.parse("#ff0000"), TermColor(196))
        XCTAssertEqual(TermColor.parse("#808080"), TermColor(244))
        XCTAssertEqual(TermColor(196).basic, .red)
        XCTAssertNil(TermColor.parse("256"))
    }

    func testLibraryFindsFilesThenBuiltIns() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skein-themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let mine = BuiltinThemes.files["light"]!.replacingOccurrences(of: "name: light", with: "name: mine")
        try mine.write(to: dir.appendingPathComponent("mine.yml"), atomically: true, encoding: .utf8)
        let library = ThemeLibrary(directories: [dir.path])
        XCTAssertEqual(try library.load("mine").name, "mine")
        XCTAssertEqual(try library.load("high-contrast").name, "high-contrast")
        XCTAssertTrue(library.names().contains("mine"))
        XCTAssertThrowsError(try library.load("nope"))
    }

    func testNoColorMeansMonochrome() throws {
        let backend = MemoryBackend()
        var options = TUIOptions(skeinExecutable: "/bin/false", environment: ["NO_COLOR": "1", "HOME": "/nonexistent"])
        options.theme = "light"
        let app = TUIApplication(options: options, backend: backend)
        XCTAssertEqual(try app.resolveTheme("light"), Theme.monochrome)
        let plain = TUIApplication(options: TUIOptions(skeinExecutable: "/bin/false", environment: ["HOME": "/nonexistent"]), backend: MemoryBackend(colorCount: 8))
        let eight = try plain.resolveTheme("light")
        XCTAssertTrue(eight.styles.values.allSatisfy { $0.fg.index < 8 && $0.bg.index < 8 }, "8-colour terminals get the basic colours")
    }

    func testConfigFile() {
        let c = TUIConfig.parse(Array("theme: light\nascii: yes\nmouse: false\n".utf8))
        XCTAssertEqual(c, TUIConfig(theme: "light", ascii: true, mouse: false))
    }
}

/// Every theme's selected row reads: each character's colour against its background.
final class SelectionContrastTests: XCTestCase {
    func testEveryThemesSelectedRowHasReadableText() throws {
        for name in BuiltinThemes.files.keys.sorted() {
            let theme = try Theme.parse(BuiltinThemes.files[name]!, name: name)
            let selection = theme[.selection]
            if let c = TermColor.contrast(selection.fg, selection.bg) { XCTAssertGreaterThanOrEqual(c, 4.5, "\(name): the selection's own colours") }
            // Every state and role on a selected row: the Run screen at a width with every
            // column and the detail pane, each job selected in turn.
            let (app, screen) = Fixture.runModel(width: 160, height: 30)
            for k in 0..<screen.rows.count {
                screen.cursor.index = k
                let frame = Fixture.render(app, theme: theme)
                let y = Layout.runList(width: 160, height: 30).y + k - screen.cursor.top
                for x in 0..<Layout.runList(width: 160, height: 30).width {
                    let cell = frame[x, y]
                    guard cell.character != " ", let c = TermColor.contrast(cell.style.fg, cell.style.bg) else { continue }
                    XCTAssertGreaterThanOrEqual(c, 4.5, "\(name): '\(cell.character)' at \(x) on row \(k) reads \(String(format: "%.1f", c)):1")
                }
            }
        }
        XCTAssertEqual(TermColor.contrast(.black, .brightWhite) ?? 0, 21, accuracy: 0.01)
        XCTAssertEqual(TermColor.contrast(.brightBlack, .white) ?? 0, 3.2, accuracy: 0.1)
    }
}
