import Foundation

/// How well two terminal colours read on each other, as WCAG measures it (1 to 21), from the
/// usual xterm palette. Used where one style is laid over another (a selected row), so text
/// never ends up grey on white or white on bright yellow.
extension TermColor {
    /// xterm's RGB for this palette entry (nil for the terminal's default: unknown).
    public var rgb: (Double, Double, Double)? {
        guard !isDefault else { return nil }
        let i = Int(index)
        let basic: [(Double, Double, Double)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        if i < 16 { return basic[i] }
        if i >= 232 { let v = Double(8 + 10 * (i - 232)); return (v, v, v) }
        let steps: [Double] = [0, 95, 135, 175, 215, 255]
        let c = i - 16
        return (steps[c / 36], steps[(c / 6) % 6], steps[c % 6])
    }

    /// WCAG relative luminance (0 black to 1 white).
    public var luminance: Double? {
        guard let (r, g, b) = rgb else { return nil }
        func channel(_ v: Double) -> Double {
            let s = v / 255
            return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }

    /// The contrast ratio of two colours (nil when either is the terminal's default).
    public static func contrast(_ a: TermColor, _ b: TermColor) -> Double? {
        guard let la = a.luminance, let lb = b.luminance else { return nil }
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }
}
