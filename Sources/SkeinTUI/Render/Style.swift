/// A terminal colour: the terminal's default, one of the 16 ANSI colours (0-15), or an
/// entry of the 256-colour palette (16-255).
public struct TermColor: Hashable, Sendable, CustomStringConvertible {
    /// -1 is the terminal's default colour.
    public var index: Int16

    public init(_ index: Int) { self.index = Int16(max(-1, min(255, index))) }

    public static let `default` = TermColor(-1)
    public static let black = TermColor(0), red = TermColor(1), green = TermColor(2), yellow = TermColor(3)
    public static let blue = TermColor(4), magenta = TermColor(5), cyan = TermColor(6), white = TermColor(7)
    public static let brightBlack = TermColor(8), brightRed = TermColor(9), brightGreen = TermColor(10)
    public static let brightYellow = TermColor(11), brightBlue = TermColor(12), brightMagenta = TermColor(13)
    public static let brightCyan = TermColor(14), brightWhite = TermColor(15)

    public var isDefault: Bool { index < 0 }

    /// Names a theme file may use, besides numbers 0-255 and `#rrggbb`.
    public static let names: [String: TermColor] = [
        "default": .default, "none": .default,
        "black": .black, "red": .red, "green": .green, "yellow": .yellow, "blue": .blue, "magenta": .magenta,
        "cyan": .cyan, "white": .white, "gray": .brightBlack, "grey": .brightBlack,
        "bright-black": .brightBlack, "bright-red": .brightRed, "bright-green": .brightGreen,
        "bright-yellow": .brightYellow, "bright-blue": .brightBlue, "bright-magenta": .brightMagenta,
        "bright-cyan": .brightCyan, "bright-white": .brightWhite,
    ]

    /// Parses a colour name, a palette number or `#rrggbb` (mapped to the 6x6x6 cube or
    /// the grey ramp of the 256-colour palette).
    public static func parse(_ text: String) -> TermColor? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let named = names[t] { return named }
        if let n = Int(t), (0...255).contains(n) { return TermColor(n) }
        if t.hasPrefix("#"), t.count == 7, let v = Int(t.dropFirst(), radix: 16) {
            return TermColor(paletteIndex(r: (v >> 16) & 0xFF, g: (v >> 8) & 0xFF, b: v & 0xFF))
        }
        return nil
    }

    /// The nearest 256-colour palette entry for an RGB colour.
    static func paletteIndex(r: Int, g: Int, b: Int) -> Int {
        func level(_ c: Int) -> Int { c < 48 ? 0 : c < 115 ? 1 : (c - 35) / 40 }
        let steps = [0, 95, 135, 175, 215, 255]
        let (lr, lg, lb) = (level(r), level(g), level(b))
        let cube = 16 + 36 * lr + 6 * lg + lb
        let cubeError = sq(steps[lr] - r) + sq(steps[lg] - g) + sq(steps[lb] - b)
        let average = (r + g + b) / 3
        let greyLevel = average > 238 ? 23 : max(0, (average - 3) / 10)
        let grey = 8 + 10 * greyLevel
        let greyError = sq(grey - r) + sq(grey - g) + sq(grey - b)
        return greyError < cubeError ? 232 + greyLevel : cube
    }

    private static func sq(_ x: Int) -> Int { x * x }

    /// The nearest of the 8 basic colours, for terminals without more.
    public var basic: TermColor {
        if index < 8 { return self }
        if index < 16 { return TermColor(Int(index) - 8) }
        if index >= 232 { return index < 244 ? .black : .white }
        let v = Int(index) - 16
        let (r, g, b) = (v / 36, (v / 6) % 6, v % 6)
        let bits = (r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0)
        return TermColor(bits)
    }

    public var description: String {
        if index < 0 { return "default" }
        return TermColor.names.first { $0.value == self && !$0.key.contains("grey") && $0.key != "gray" && $0.key != "none" }?.key ?? "\(index)"
    }
}

/// Text attributes a cell may carry.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1)
    public static let dim = TextAttributes(rawValue: 2)
    public static let underline = TextAttributes(rawValue: 4)
    public static let reverse = TextAttributes(rawValue: 8)
    public static let italic = TextAttributes(rawValue: 16)
}

/// How a cell looks: foreground, background and attributes.
public struct Style: Hashable, Sendable {
    public var fg: TermColor
    public var bg: TermColor
    public var attributes: TextAttributes

    public init(fg: TermColor = .default, bg: TermColor = .default, attributes: TextAttributes = []) {
        self.fg = fg
        self.bg = bg
        self.attributes = attributes
    }

    public static let plain = Style()

    public func with(_ extra: TextAttributes) -> Style {
        var s = self
        s.attributes.formUnion(extra)
        return s
    }

    /// This style's colours laid over a background: a style without its own background
    /// takes the one below (a coloured state glyph on a selected row).
    public func over(_ base: Style) -> Style {
        Style(fg: fg.isDefault ? base.fg : fg, bg: bg.isDefault ? base.bg : bg, attributes: attributes.union(base.attributes))
    }

    /// Without any colour (NO_COLOR): attributes only.
    public var colorless: Style { Style(fg: .default, bg: .default, attributes: attributes) }
}
