import Foundation

/// `pegasus.mode`, as Pegasus's `PegasusConfiguration.getModeProperties` applies it: each
/// mode only fills in defaults for keys the user did not set. Of what the modes change,
/// Skein acts on the retries and integrity checking; the transfer and monitord arguments and
/// HTCondor's periodic_remove have no counterpart (Skein has neither those tools nor held
/// HTCondor jobs).
extension PegasusProperties {
    public static let modes = ["production", "development", "debug", "tutorial"]

    /// The defaults `mode` sets; empty for production (and for an unknown mode, which
    /// validation reports as an error).
    public static func modeDefaults(_ mode: String) -> [String: String] {
        switch mode.trimmingCharacters(in: .whitespaces) {
        case "development", "debug": return ["dagman.retry": "0", "pegasus.integrity.checking": "none"]
        case "tutorial": return ["dagman.retry": "1"]
        default: return [:]
        }
    }

    /// These properties with their `pegasus.mode`'s defaults filled in.
    public func withModeDefaults() -> PegasusProperties {
        guard let mode = self["pegasus.mode"] else { return self }
        return withDefaults(Self.modeDefaults(mode))
    }
}
