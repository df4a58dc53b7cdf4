import Foundation
import Logging

/// `--verbose` diagnostics about Skein itself (which files, how long), on stderr through
/// swift-log, so they never mix with a command's output.
enum CLILog {
    static func make(verbose: Bool) -> Logger {
        var logger = Logger(label: "skein") { _ in StreamLogHandler.standardError(label: "skein") }
        logger.logLevel = verbose ? .debug : .warning
        return logger
    }

    /// Runs `work` and logs how long it took.
    static func timed<T>(_ logger: Logger, _ what: String, _ work: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try work()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        logger.debug("\(what) in \(String(format: "%.3f", seconds)) s")
        return result
    }
}
