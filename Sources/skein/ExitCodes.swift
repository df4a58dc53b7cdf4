import ArgumentParser

/// Exit codes every Skein command shares, documented in the README.
enum SkeinExit {
    /// The workflow or a catalog has errors.
    static let badInput = ExitCode(2)
    /// Something went wrong that is not the input's fault (cannot write a file, ...).
    static let failure = ExitCode(1)
}
