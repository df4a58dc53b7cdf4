import Foundation
import SkeinYAML

/// What a theme colours: the job states, and the chrome around them.
public enum ThemeRole: String, CaseIterable, Sendable {
    case queued, running, done, failed, retrying, held
    case text, border, title, selection, header, dim, key, disabled, match, marked, error, info, tab
    case activeTab = "active-tab"

    /// Roles every theme file must give (the rest fall back to `text`).
    public static let required: [ThemeRole] = [.queued, .running, .done, .failed, .retrying, .held, .border, .title, .selection]
    static let states: Set<ThemeRole> = [.queued, .running, .done, .failed, .retrying, .held]
}

public struct ThemeError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A theme: a style per role. Read from YAML (`themes/*.yml`) with SkeinWorkflow's parser.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var description: String
    public var styles: [ThemeRole: Style]

    public subscript(role: ThemeRole) -> Style { styles[role] ?? styles[.text] ?? .plain }

    /// Parses a theme file's text. Every problem names the role and the value.
    public static func parse(_ text: String, name fallbackName: String) throws -> Theme {
        let root: YAMLNode?
        do { root = try YAMLParser.parse(Array(text.utf8)).root } catch {
            throw ThemeError("theme \(fallbackName): line \(error.mark.line): \(error.message)")
        }
        guard case .mapping(let top)? = root else { throw ThemeError("theme \(fallbackName): expected a mapping with states and chrome") }
        var theme = Theme(name: scalar(top["name"]) ?? fallbackName, description: scalar(top["description"]) ?? "", styles: [:])
        for section in ["states", "chrome"] {
            guard let node = top[section] else { continue }
            guard case .mapping(let roles) = node else { throw ThemeError("theme \(theme.name): \(section) must be a mapping") }
            for entry in roles.entries {
                guard let role = ThemeRole(rawValue: entry.key.value) else {
                    throw ThemeError("theme \(theme.name): unknown role '\(entry.key.value)' in \(section) (known: \(ThemeRole.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                theme.styles[role] = try style(entry.value, theme: theme.name, role: role.rawValue)
            }
        }
        let missing = ThemeRole.required.filter { theme.styles[$0] == nil }
        if !missing.isEmpty {
            throw ThemeError("theme \(theme.name): missing \(missing.map(\.rawValue).joined(separator: ", "))")
        }
        if theme.styles[.text] == nil { theme.styles[.text] = .plain }
        // Optional roles: sensible fallbacks from the required ones.
        let text = theme.styles[.text]!
        func fallback(_ role: ThemeRole, _ value: Style) { if theme.styles[role] == nil { theme.styles[role] = value } }
        fallback(.header, text.with(.bold))
        fallback(.dim, theme.styles[.border]!)
        fallback(.key, text.with(.bold))
        fallback(.disabled, theme.styles[.border]!)
        fallback(.match, text.with([.reverse, .underline]))
        fallback(.marked, text.with(.bold))
        fallback(.error, theme.styles[.failed]!)
        fallback(.info, text)
        fallback(.tab, text)
        fallback(.activeTab, theme.styles[.title]!)
        return theme
    }

    static func scalar(_ node: YAMLNode?) -> String? {
        if case .scalar(let s)? = node, !s.isNull { return s.value }
        return nil
    }

    static func style(_ node: YAMLNode, theme: String, role: String) throws -> Style {
        switch node {
        case .scalar(let s):
            // A bare colour: the foreground.
            if s.isNull { return .plain }
            guard let c = TermColor.parse(s.value) else { throw ThemeError("theme \(theme): \(role): unknown colour '\(s.value)'") }
            return Style(fg: c)
        case .sequence:
            throw ThemeError("theme \(theme): \(role) must be a mapping such as {fg: red, bold: true}")
        case .mapping(let m):
            var style = Style()
            for entry in m.entries {
                let key = entry.key.value
                let value = scalar(entry.value) ?? ""
                switch key {
                case "fg", "bg":
                    guard let c = TermColor.parse(value) else { throw ThemeError("theme \(theme): \(role).\(key): unknown colour '\(value)'") }
                    if key == "fg" { style.fg = c } else { style.bg = c }
                case "bold", "dim", "underline", "reverse", "italic":
                    let on: Bool
                    switch value.lowercased() {
                    case "true", "yes", "on": on = true
                    case "false", "no", "off": on = false
                    default: throw ThemeError("theme \(theme): \(role).\(key) must be true or false, not '\(value)'")
                    }
                    let attr: TextAttributes = ["bold": .bold, "dim": .dim, "underline": .underline, "reverse": .reverse, "italic": .italic][key]!
                    if on { style.attributes.insert(attr) } else { style.attributes.remove(attr) }
                default:
                    throw ThemeError("theme \(theme): \(role): unknown key '\(key)' (fg, bg, bold, dim, underline, reverse, italic)")
                }
            }
            return style
        }
    }

    /// The same theme with colours reduced to the 8 basic ones.
    public func basicColors() -> Theme {
        var t = self
        for (role, s) in styles {
            t.styles[role] = Style(fg: s.fg.isDefault ? s.fg : s.fg.basic, bg: s.bg.isDefault ? s.bg : s.bg.basic, attributes: s.attributes)
        }
        return t
    }

    /// The built-in default theme (the same text as themes/default.yml).
    public static let standard: Theme = try! Theme.parse(BuiltinThemes.files["default"]!, name: "default")
    public static let monochrome: Theme = try! Theme.parse(BuiltinThemes.files["monochrome"]!, name: "monochrome")
}

/// Finds themes by name: the user's folders first, then `themes/` of the installation or
/// source tree, then the copies built into the binary.
public struct ThemeLibrary: Sendable {
    public var directories: [String]

    public init(directories: [String]) { self.directories = directories }

    /// The folders searched, in order, for an environment and the running executable.
    public static func standardDirectories(environment: [String: String], executable: String?) -> [String] {
        var dirs: [String] = []
        if let d = environment["SKEIN_THEMES_DIR"], !d.isEmpty { dirs.append(d) }
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        dirs.append(config + "/skein/themes")
        if let exe = executable {
            var dir = (exe as NSString).deletingLastPathComponent
            dirs.append((dir as NSString).appendingPathComponent("../share/skein/themes"))
            // A build tree (`.build/debug/skein`): the source tree's themes/ a few levels up.
            for _ in 0..<5 {
                dir = (dir as NSString).deletingLastPathComponent
                if dir.isEmpty || dir == "/" { break }
                let candidate = (dir as NSString).appendingPathComponent("themes")
                if FileManager.default.fileExists(atPath: candidate + "/default.yml") { dirs.append(candidate); break }
            }
        }
        return dirs
    }

    /// Every theme name available (files and built-ins), sorted.
    public func names() -> [String] {
        var names = Set(BuiltinThemes.files.keys)
        for dir in directories {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where file.hasSuffix(".yml") {
                names.insert(String(file.dropLast(4)))
            }
        }
        return names.sorted()
    }

    /// Loads a theme by name (or by path, when it contains a `/`).
    public func load(_ name: String) throws -> Theme {
        if name.contains("/") {
            guard let text = try? String(contentsOfFile: name, encoding: .utf8) else { throw ThemeError("cannot read theme file \(name)") }
            return try Theme.parse(text, name: ((name as NSString).lastPathComponent as NSString).deletingPathExtension)
        }
        for dir in directories {
            let path = (dir as NSString).appendingPathComponent(name + ".yml")
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                return try Theme.parse(text, name: name)
            }
        }
        if let text = BuiltinThemes.files[name] { return try Theme.parse(text, name: name) }
        throw ThemeError("no theme '\(name)' (themes: \(names().joined(separator: ", ")))")
    }
}
